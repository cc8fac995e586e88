// Disposable base for every controller, provider, view and panel: children registered with `_register`
// are disposed with their owner, in reverse order; `dispose()` is idempotent.
import type * as vscode from 'vscode';

export interface IDisposable {
  dispose(): void;
}

export abstract class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this._isDisposed) d.dispose();
    else this._disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables);
  }
}

export function disposeAll(list: IDisposable[]): void {
  while (list.length) {
    const d = list.pop();
    try {
      d?.dispose();
    } catch {
      // One failing dispose must not keep the others alive.
    }
  }
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}

export type { vscode };

/**
 * A CancellationToken as the AbortSignal the backend clients take: aborted already when the token is, else when it
 * fires. Without a token, no signal.
 */
export function abortSignalOf(token: vscode.CancellationToken): AbortSignal;
export function abortSignalOf(token: vscode.CancellationToken | undefined): AbortSignal | undefined;
export function abortSignalOf(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}
