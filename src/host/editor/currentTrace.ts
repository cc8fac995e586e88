// The trace the editor surfaces and the side panel show: the active one (the focused waterfall) or, while the
// user is in a text editor (no waterfall focused), the last active trace that is still open. TraceService's
// `active` becomes undefined whenever a waterfall loses focus; the code annotations must not vanish then.
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { OpenTrace, TraceService } from '../traces/traceService';

export class CurrentTrace extends Disposable {
  private _key: string | undefined;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<OpenTrace | undefined>());
  /** The current trace changed, or its data did (more spans). */
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly _traces: TraceService) {
    super();
    this._key = _traces.active?.traceKey;
    this._register(_traces.onDidChangeActive(t => {
      if (!t || t.traceKey === this._key) return; // focus left the waterfall: keep showing the last trace
      this._key = t.traceKey;
      this._onDidChange.fire(t);
    }));
    this._register(_traces.onDidUpdate(t => { if (t.traceKey === this._key) this._onDidChange.fire(t); }));
    this._register(_traces.onDidClose(key => {
      if (key !== this._key) return;
      const next = _traces.active ?? _traces.all().at(-1);
      this._key = next?.traceKey;
      this._onDidChange.fire(next);
    }));
  }

  get trace(): OpenTrace | undefined {
    const t = this._key !== undefined ? this._traces.get(this._key) : undefined;
    return t ?? this._traces.active;
  }
}

/**
 * Keeps the `spanscope.hasActiveTrace` context key (the views' welcome texts and the palette's trace commands) on
 * the current trace, so that every view agrees: switching to a source file keeps the trace in Spans, Hot Spots and
 * Findings alike instead of some views falling back to "no trace open".
 */
export function bindTraceContext(current: CurrentTrace): vscode.Disposable {
  let last: boolean | undefined;
  const set = (): void => {
    const has = current.trace !== undefined;
    if (has === last) return;
    last = has;
    void vscode.commands.executeCommand('setContext', 'spanscope.hasActiveTrace', has);
  };
  set();
  return current.onDidChange(set);
}
