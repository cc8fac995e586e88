// The analysis webview's side of src/protocol/analysis.ts: validated receive, requests with ids answered by replies.
import { parseAnalysisHostMessage } from '../../src/protocol/analysis';
import { ANALYSIS_PROTOCOL_VERSION } from '../../src/protocol/version';
import type { AnalysisHostMessage, AnalysisRequest } from '../../src/protocol/analysis';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class AnalysisBridge {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  start(listener: (m: Exclude<AnalysisHostMessage, { type: 'reply' }>) => void): void {
    window.addEventListener('message', (e: MessageEvent) => {
      const msg = parseAnalysisHostMessage(e.data, m => this.log('warn', m));
      if (!msg) return;
      if (msg.type === 'reply') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(); else p.reject(new Error(msg.error));
        return;
      }
      listener(msg);
    });
    this.api.postMessage({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
  }

  request(message: DistributiveOmit<AnalysisRequest, 'id'>): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.api.postMessage({ ...message, id });
    });
  }

  /** Kept by VS Code with the panel: what its serializer rebuilds the panel from after a window reload. */
  setState(state: unknown): void {
    this.api.setState(state);
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.api.postMessage({ type: 'log', level, message: message.slice(0, 16_000) });
  }
}
