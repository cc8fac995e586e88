// The webview's side of the protocol: validated receive, typed send, requests with ids and replies as promises,
// and VS Code's per-webview state (survives hiding and, with the panel serializer, a window reload).
import { parseHostMessage, PROTOCOL_VERSION } from '../src/protocol/messages';
import type { HostToWebview, WebviewToHost } from '../src/protocol/messages';
import { PendingRequests, vsCodeApi, type DistributiveOmit, type VsCodeApi } from './requests';

type Request = Extract<WebviewToHost, { id: number }>;

export class HostBridge {
  private readonly api: VsCodeApi = vsCodeApi();
  private readonly requests = new PendingRequests(this.api);
  private listener: ((m: HostToWebview) => void) | undefined;

  constructor() {
    window.addEventListener('message', (e: MessageEvent) => {
      const msg = parseHostMessage(e.data, m => this.log('warn', m));
      if (!msg) return;
      if (msg.type === 'reply') { this.requests.settle(msg); return; }
      this.listener?.(msg);
    });
  }

  /** Subscribe, then say `ready`: the host answers with `init` (pull model, nothing is pushed before). */
  start(listener: (m: HostToWebview) => void): void {
    this.listener = listener;
    this.post({ type: 'ready', protocol: PROTOCOL_VERSION });
  }

  post(message: Exclude<WebviewToHost, Request>): void {
    this.api.postMessage(message);
  }

  request(message: DistributiveOmit<Request, 'id'>): Promise<void> {
    return this.requests.send(message);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.api.postMessage({ type: 'log', level, message: message.slice(0, 16_000) });
  }

  getState<T>(): T | undefined {
    return (this.api.getState() ?? undefined) as T | undefined;
  }
  setState(state: unknown): void {
    this.api.setState(state);
  }
}
