// The analysis webview's side of src/protocol/analysis.ts: validated receive, requests with ids answered by replies.
import { parseAnalysisHostMessage } from '../../src/protocol/analysis';
import { ANALYSIS_PROTOCOL_VERSION } from '../../src/protocol/version';
import type { AnalysisHostMessage, AnalysisRequest } from '../../src/protocol/analysis';
import { PendingRequests, vsCodeApi, type DistributiveOmit, type VsCodeApi } from '../requests';

export class AnalysisBridge {
  private readonly api: VsCodeApi = vsCodeApi();
  private readonly requests = new PendingRequests(this.api);

  start(listener: (m: Exclude<AnalysisHostMessage, { type: 'reply' }>) => void): void {
    window.addEventListener('message', (e: MessageEvent) => {
      const msg = parseAnalysisHostMessage(e.data, m => this.log('warn', m));
      if (!msg) return;
      if (msg.type === 'reply') { this.requests.settle(msg); return; }
      listener(msg);
    });
    this.api.postMessage({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  }

  request(message: DistributiveOmit<AnalysisRequest, 'id'>): Promise<void> {
    return this.requests.send(message);
  }

  /** Kept by VS Code with the panel: what its serializer rebuilds the panel from after a window reload. */
  setState(state: unknown): void {
    this.api.setState(state);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.api.postMessage({ type: 'log', level, message: message.slice(0, 16_000) });
  }
}
