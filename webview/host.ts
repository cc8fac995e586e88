// The webview's side of the protocol: validated receive, typed send, requests with ids and replies as promises,
// and VS Code's per-webview state (survives hiding and, with the panel serializer, a window reload).
import { parseHostMessage, PROTOCOL_VERSION } from '../src/protocol/messages';
import type { HostToWebview, WebviewToHost } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Request = Extract<WebviewToHost, { id: number }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class HostBridge {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private listener: ((m: HostToWebview) => void) | undefined;

  constructor() {
    this.api = acquireVsCodeApi();
    window.addEventListener('message', (e: MessageEvent) => {
      const msg = parseHostMessage(e.data, m => this.log('warn', m));
      if (!msg) return;
      if (msg.type === 'reply') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(); else p.reject(new Error(msg.error));
        return;
      }
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
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.api.postMessage({ ...message, id });
    });
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
