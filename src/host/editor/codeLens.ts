// CodeLens above mapped functions: "p50 12 ms · p95 180 ms · 42 spans · 2 errors". The function comes from the
// document symbol provider; a mapped line outside any function gets its own lens. Clicking reveals the spans.
import * as vscode from 'vscode';
import { statsOf } from '../../core/mapping/aggregate';
import { lensText } from '../../core/mapping/lineAnnotations';
import { Commands } from '../commands';
import { Disposable } from '../lifecycle';
import type { AnnotationModel } from './annotationModel';
import { annotationSettings, documentPath, type DecorationController } from './decorations';
import type { SpanRef } from './reveal';

function functionRanges(symbols: readonly vscode.DocumentSymbol[] | undefined): vscode.Range[] {
  const FUNCTION_KINDS = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);
  const out: vscode.Range[] = [];
  const walk = (list: readonly vscode.DocumentSymbol[]) => {
    for (const s of list) {
      if (FUNCTION_KINDS.has(s.kind)) out.push(s.range);
      if (s.children?.length) walk(s.children);
    }
  };
  if (symbols) walk(symbols);
  // Innermost first, so a line is counted for its nearest function.
  return out.sort((a, b) => (a.end.line - a.start.line) - (b.end.line - b.start.line));
}

export class SpanCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(private readonly _model: AnnotationModel, private readonly _decorations: DecorationController) {
    super();
    this._register(_model.onDidChange(() => this._onDidChange.fire()));
    this._register(vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('spanscope.annotations')) this._onDidChange.fire(); }));
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const s = annotationSettings();
    if (!s.enabled || !s.codeLens) return [];
    const path = documentPath(doc);
    const a = path ? this._decorations.annotationsOf(path, doc) : undefined;
    if (!path || !a || a.lines.length === 0) return [];
    let symbols: vscode.DocumentSymbol[] | undefined;
    try {
      symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    } catch { symbols = undefined; }
    if (token.isCancellationRequested) return [];
    const fns = functionRanges(Array.isArray(symbols) && symbols.length > 0 && 'children' in symbols[0]! ? symbols : undefined);
    const groups = new Map<number, { lines: number[] }>();
    for (const l of a.lines) {
      const fn = fns.find(r => r.start.line <= l.line && l.line <= r.end.line);
      const at = fn ? fn.start.line : l.line;
      let g = groups.get(at);
      if (!g) { g = { lines: [] }; groups.set(at, g); }
      g.lines.push(l.line);
    }
    const lenses: vscode.CodeLens[] = [];
    for (const [at, g] of [...groups].sort((x, y) => x[0] - y[0])) {
      const durations: number[] = [];
      const refs: SpanRef[] = [];
      let errors = 0, self = 0;
      const traceSet = new Set<string>();
      for (const line of g.lines) {
        for (const s of this._model.spansOnLine(path, a, line)) {
          durations.push(s.trace.view.durationNsOf(s.spanIndex));
          self += s.trace.view.selfNs(s.spanIndex);
          if (s.trace.view.status(s.spanIndex) === 'error') errors++;
          refs.push({ traceKey: s.trace.traceKey, spanId: s.trace.view.spanId(s.spanIndex) });
          traceSet.add(s.trace.traceKey);
        }
      }
      const stats = statsOf(Float64Array.from(durations), self, errors, traceSet.size);
      const range = new vscode.Range(at, 0, at, 0);
      lenses.push(new vscode.CodeLens(range, { title: lensText(stats), tooltip: vscode.l10n.t('Reveal these spans'), command: Commands.revealSpans, arguments: [refs] }));
    }
    return lenses;
  }
}
