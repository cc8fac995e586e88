// Entry of the analysis webview (dist/analysis.js): service graph, trace comparison or latency distribution,
// whichever the host's `init` carries. Span and service text is only ever rendered as text nodes (JSX).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './analysis.css';
import { AnalysisBridge } from './bridge';
import { GraphView } from './GraphView';
import { CompareView } from './CompareView';
import { DistributionView } from './DistributionView';
import type { AnalysisView } from '../../src/protocol/analysis';

function App({ bridge }: { bridge: AnalysisBridge }) {
  const [data, setData] = useState<AnalysisView | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    bridge.start(m => {
      if (m.type === 'init') {
        // Only the recipe (view, trace keys, operation) is kept, never the computed view: the host rebuilds it.
        if (m.recipe) bridge.setState({ recipe: m.recipe });
        setData(m.data);
        setError(undefined);
      } else setError(m.message);
    });
  }, [bridge]);
  if (error) return <div class="message" role="alert" data-testid="error">{error}</div>;
  if (!data) return <div class="message">Loading…</div>;
  if (data.view === 'graph') return <GraphView data={data} bridge={bridge} />;
  if (data.view === 'compare') return <CompareView data={data} bridge={bridge} />;
  return <DistributionView data={data} bridge={bridge} />;
}

const bridge = new AnalysisBridge();
window.addEventListener('error', e => bridge.log('error', `analysis webview error: ${e.message}`));
window.addEventListener('unhandledrejection', e => bridge.log('error', `analysis webview rejection: ${String(e.reason)}`));
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
render(<App bridge={bridge} />, root);
