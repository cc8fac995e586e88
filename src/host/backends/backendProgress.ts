// Every backend call the user waits for runs under a progress notification that can be cancelled and that says
// how long Spanscope will still wait. The deadline covers the whole operation (several backends, several requests),
// on top of each request's own time limits in the HTTP client.
import * as vscode from 'vscode';
import { BackendError, TimeoutError } from '../../backends/http/errors';

/** How long an operation the user waits for may take in all. An object so that tests can shorten it. */
export const backendCallLimits = { deadlineMs: 120_000 };

export interface BackendProgressOptions {
  readonly location?: vscode.ProgressLocation | { readonly viewId: string };
  /** The backend(s) asked, for the time-out message. */
  readonly backend: string;
  readonly deadlineMs?: number;
  /** The backends' own timeoutMs settings: a backend allowed to be silent longer is also waited for longer. */
  readonly timeoutsMs?: readonly (number | undefined)[];
}

/**
 * Runs `task` with a signal that aborts when the user cancels or the deadline passes. The notification shows the
 * seconds left. At the deadline the task's cancellation surfaces as a TimeoutError naming the backend.
 */
export function withBackendProgress<T>(title: string, opts: BackendProgressOptions, task: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Promise<T> {
  const deadlineMs = opts.deadlineMs ?? Math.max(backendCallLimits.deadlineMs, ...(opts.timeoutsMs ?? []).map(t => t ?? 0));
  return Promise.resolve(vscode.window.withProgress({ location: opts.location ?? vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    let expired = false;
    if (token.isCancellationRequested) ac.abort();
    const sub = token.onCancellationRequested(() => ac.abort());
    const started = Date.now();
    const tell = (): void => {
      const left = Math.max(0, Math.ceil((deadlineMs - (Date.now() - started)) / 1000));
      progress.report({ message: vscode.l10n.t('gives up in {0} s', left) });
    };
    tell();
    const ticker = setInterval(tell, 1000);
    const timer = setTimeout(() => { expired = true; ac.abort(); }, deadlineMs);
    try {
      return await task(ac.signal, progress);
    } catch (e) {
      if (expired && (!(e instanceof BackendError) || e.kind === 'cancelled')) {
        throw new TimeoutError({ backend: opts.backend, url: '', timeoutMs: deadlineMs, whole: true });
      }
      throw e;
    } finally {
      clearInterval(ticker);
      clearTimeout(timer);
      sub.dispose();
    }
  }));
}
