// What both webviews (waterfall and analysis) share on their side of the host protocol: VS Code's webview API and
// requests with ids, each settled by the host's `reply` with that id.

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code's API for this webview (it may be acquired only once per page). */
export function vsCodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Requests in flight: `send` posts one with a new id, `settle` resolves or rejects it when its reply comes. */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly api: VsCodeApi) {}

  send(message: object): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.api.postMessage({ ...message, id });
    });
  }

  /** A reply to an unknown (or already settled) id is ignored. */
  settle(reply: { readonly id: number; readonly ok: boolean; readonly error?: string }): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(); else p.reject(new Error(reply.error));
  }
}
