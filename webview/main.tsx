// Entry of the waterfall webview (dist/webview.js): connect to the host and render the app.
import { render } from 'preact';
import { App } from './App';
import { HostBridge } from './host';

const bridge = new HostBridge();
window.addEventListener('error', e => bridge.log('error', `webview error: ${e.message}`));
window.addEventListener('unhandledrejection', e => bridge.log('error', `webview rejection: ${String(e.reason)}`));
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
render(<App bridge={bridge} />, root);
