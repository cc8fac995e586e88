// Gutter heat marks, error marks and inline "182 ms · 38% · 3 calls · 1 error" after mapped lines.
// Decoration types are created once; an update (debounced 50 ms) touches visible editors only and sets each
// type exactly once per editor. The gutter marks are images drawn per theme kind (see gutterIcons.ts); the overview
// ruler marks and the inline text use contributes.colors (spanscope.heat0..4, spanscope.errorMarker,
// spanscope.inlineAnnotationForeground) so themes can change them.
import * as vscode from 'vscode';
import { revisionOf } from '../../core/mapping/drift';
import { FileSpans, planDecorations } from '../../core/mapping/lineAnnotations';
import { codeLine } from '../../core/mapping/lines';
import { normalizeLocalPath } from '../../core/mapping/paths';
import type { Attr } from '../../core/model';
import { fleetGutterMode } from '../fleet/fleetSettings';
import { Disposable } from '../lifecycle';
import type { AnnotationModel } from './annotationModel';
import { clearDriftCache, fileDrift, mapLineThroughDiff, type FileDrift } from './drift';
import { errorSvg, gutterMarkOptions, heatSvg } from './gutterIcons';

export const HEAT_COLOR_IDS = ['spanscope.heat0', 'spanscope.heat1', 'spanscope.heat2', 'spanscope.heat3', 'spanscope.heat4'] as const;
export const ERROR_COLOR_ID = 'spanscope.errorMarker';
export const INLINE_COLOR_ID = 'spanscope.inlineAnnotationForeground';
export const DEBOUNCE_MS = 50;

export function annotationSettings(): { enabled: boolean; inline: boolean; codeLens: boolean; hover: boolean } {
  const c = vscode.workspace.getConfiguration('spanscope.annotations');
  return { enabled: c.get('enabled') !== false, inline: c.get('inline') !== false, codeLens: c.get('codeLens') !== false, hover: c.get('hover') !== false };
}

export function documentPath(doc: vscode.TextDocument): string | undefined {
  return doc.uri.scheme === 'file' ? normalizeLocalPath(doc.uri.fsPath) : undefined;
}

export class DecorationController extends Disposable {
  private readonly _heat: vscode.TextEditorDecorationType[];
  private readonly _error: vscode.TextEditorDecorationType;
  private readonly _inline: vscode.TextEditorDecorationType;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private readonly _drift = new Map<string, FileDrift>();
  /** Updates made (for tests and the log). */
  updates = 0;

  constructor(private readonly _model: AnnotationModel) {
    super();
    this._heat = HEAT_COLOR_IDS.map((id, level) => this._register(vscode.window.createTextEditorDecorationType(gutterMarkOptions(t => heatSvg(level, t), id))));
    this._error = this._register(vscode.window.createTextEditorDecorationType(gutterMarkOptions(errorSvg, ERROR_COLOR_ID)));
    this._inline = this._register(vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor(INLINE_COLOR_ID), margin: '0 0 0 2.5em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }));
    this._register(_model.onDidChange(() => { this._drift.clear(); clearDriftCache(); this.schedule(); }));
    // Drift needs git, which runs only in a trusted workspace and inside its folders: look again when that changes.
    const recheck = () => { this._drift.clear(); clearDriftCache(); this.schedule(); };
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(recheck));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(recheck));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges(() => this.schedule()));
    this._register(vscode.workspace.onDidChangeTextDocument(e => { if (e.contentChanges.length > 0 && vscode.window.visibleTextEditors.some(v => v.document === e.document)) this.schedule(); }));
    this._register(vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('spanscope.annotations')) this.schedule(); }));
    this._register({ dispose: () => { if (this._timer) clearTimeout(this._timer); } });
  }

  schedule(): void {
    if (this._timer) clearTimeout(this._timer);
    this._timer = setTimeout(() => { this._timer = undefined; this.update(); }, DEBOUNCE_MS);
  }

  /** Redraws every visible editor now. */
  update(): void {
    this.updates++;
    const settings = annotationSettings();
    for (const editor of vscode.window.visibleTextEditors) this._updateEditor(editor, settings);
  }

  private _updateEditor(editor: vscode.TextEditor, settings: ReturnType<typeof annotationSettings>): void {
    const doc = editor.document;
    const path = documentPath(doc);
    const a = path && settings.enabled ? this.annotationsOf(path, doc) : undefined;
    if (!a) {
      for (const t of [...this._heat, this._error, this._inline]) editor.setDecorations(t, []);
      return;
    }
    const visible = editor.visibleRanges.map(r => ({ from: r.start.line as never, to: r.end.line as never }));
    const plan = planDecorations(a, { inline: settings.inline, visible });
    const lineRange = (l: number) => new vscode.Range(l, 0, l, 0);
    // In the gutter's "fleet" mode the fleet's heat (src/host/fleet) takes the gutter; error marks stay.
    const traceHeat = fleetGutterMode() !== 'fleet';
    this._heat.forEach((t, k) => editor.setDecorations(t, traceHeat ? plan.heat[k]!.map(lineRange) : []));
    editor.setDecorations(this._error, plan.error.map(lineRange));
    const drift = path ? this._drift.get(path) : undefined;
    const prefix = drift?.drifted ? '⚠ changed since the trace · ' : '';
    editor.setDecorations(this._inline, plan.inline.map(i => {
      const end = doc.lineAt(i.line).range.end;
      return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: prefix + i.text } } };
    }));
  }

  /** Annotations of a document as drawn (drift-remapped when the trace names its commit). */
  annotationsOf(path: string, doc: vscode.TextDocument) {
    const drift = this._drift.get(path);
    if (drift === undefined) this._checkDrift(path);
    if (drift?.hunks) {
      // Lines moved since the trace's commit: annotate a remapped copy (changed lines drop out).
      const spans = this._model.state.files.get(path);
      if (!spans) return undefined;
      const moved = new FileSpans(spans.length);
      for (let k = 0; k < spans.length; k++) {
        const l = codeLine(mapLineThroughDiff(drift.hunks, spans.line[k]!));
        if (l !== undefined) moved.push(l, spans.durationNs[k]!, spans.selfNs[k]!, spans.error[k] === 1, spans.ref[k]!, spans.trace[k]!);
      }
      return this._model.annotationsFor(path, doc.lineCount, doc.version, moved);
    }
    return this._model.annotationsFor(path, doc.lineCount, doc.version);
  }

  private _checkDrift(path: string): void {
    const t = this._model.state.traces[0];
    if (!t) return;
    this._drift.set(path, { drifted: false });
    const startMs = Number(t.view.startNs / 1_000_000n);
    const root = t.view.roots()[0] ?? 0;
    const resAttrs: Attr[] = t.view.spanCount > 0 ? t.view.resourceAttributes(root).map(x => ({ key: x.key, value: x.value })) : [];
    const rev = this._model.state.kind === 'aggregate' ? {} : revisionOf(resAttrs);
    void fileDrift(path, startMs, rev.commit).then(d => {
      this._drift.set(path, d);
      if (d.drifted || d.hunks) this.schedule();
    });
  }

  /** Drift verdict for a file, when known (hovers say why). */
  driftOf(path: string): FileDrift | undefined {
    return this._drift.get(path);
  }
}
