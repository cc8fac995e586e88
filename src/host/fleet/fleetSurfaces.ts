// The fleet figures in the editor: a CodeLens per placed line ("fleet p95 1.2 s · 40/s · 2% err (1h)"), a hover with
// each series, a sparkline of its p95 and an "Open example traces" link, and the gutter's "fleet" heat mode (the
// lines' p95 ranked within the file, drawn with the same marks as the trace heat). All read FleetHub.load(): one
// cached answer per window, so a file view costs at most one query.
import * as vscode from 'vscode';
import { formatMs, formatRate, formatRatio, sparkline } from '../../core/fleet/format';
import { exampleArgs, fleetLenses, type FleetExampleArgs } from '../../core/fleet/lenses';
import { heatByRank } from '../../core/mapping/heat';
import { HOW_LABEL } from '../../core/mapping/resolve';
import { Commands } from '../commands';
import { HEAT_COLOR_IDS, annotationSettings, documentPath } from '../editor/decorations';
import { gutterMarkOptions, heatSvg } from '../editor/gutterIcons';
import { escapeMarkdown } from '../editor/hover';
import { Disposable } from '../lifecycle';
import type { FleetHub } from './fleetHub';
import { fleetGutterMode } from './fleetSettings';

export class FleetCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(private readonly _hub: FleetHub, private readonly _log?: vscode.LogOutputChannel) {
    super();
    this._register(_hub.onDidChange(() => this._onDidChange.fire()));
    this._register(vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('spanscope.annotations')) this._onDidChange.fire(); }));
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const s = annotationSettings();
    const path = documentPath(doc);
    if (!s.enabled || !s.codeLens || !path || !this._hub.configured) return [];
    let load;
    try {
      load = await this._hub.load(token);
    } catch (err) {
      // A cancelled or failed query: the service has logged and told the user once; lenses stay quiet.
      if (!token.isCancellationRequested) this._log?.debug(`fleet lenses for ${path}: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
    if (!load || token.isCancellationRequested) return [];
    return fleetLenses(load.index.linesOf(path), doc.lineCount, load.windowText, load.window).map(l =>
      new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), { title: l.title, tooltip: l.tooltip, command: Commands.fleetOpenExamples, arguments: [l.example] }));
  }
}

function commandLink(title: string, id: string, arg: FleetExampleArgs): string {
  return `[${title}](command:${id}?${encodeURIComponent(JSON.stringify([arg]))})`;
}

export class FleetHoverProvider implements vscode.HoverProvider {
  constructor(private readonly _hub: FleetHub) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const path = documentPath(doc);
    if (!path || !annotationSettings().enabled || !annotationSettings().hover || !this._hub.configured) return undefined;
    const load = await this._hub.load(token).catch(() => undefined);
    const line = load?.index.linesOf(path).find(l => l.line - 1 === pos.line);
    if (!load || !line || token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: [Commands.fleetOpenExamples] };
    md.supportThemeIcons = true;
    md.appendMarkdown(`**Spanscope fleet** — last ${escapeMarkdown(load.windowText)}${load.truncated ? ' _(series capped by spanscope.fleet.maxSeries)_' : ''}\n\n`);
    for (const s of line.series.slice(0, 8)) {
      const st = s.stats;
      md.appendMarkdown(`**${escapeMarkdown(st.key.spanName)}** · ${escapeMarkdown(st.key.service, 60)}\n\n`);
      const figures = [`p50 ${formatMs(st.p50Ms)}`, `p95 ${formatMs(st.p95Ms)}`, `p99 ${formatMs(st.p99Ms)}`];
      if (st.callsPerSec !== undefined) figures.push(formatRate(st.callsPerSec));
      if (st.errorRatio !== undefined) figures.push(`${formatRatio(st.errorRatio)} errors`);
      md.appendMarkdown(`${figures.join(' · ')}\n\n`);
      const spark = sparkline(st.p95Series);
      if (spark) md.appendMarkdown(`\`${spark}\` p95 over ${escapeMarkdown(load.windowText)}\n\n`);
      md.appendMarkdown(`${commandLink('$(debug-alt) Open example traces', Commands.fleetOpenExamples, exampleArgs(st.key, st.p95Ms, load.window))}`);
      md.appendMarkdown(` · _${escapeMarkdown(s.byCodeAttributes ? 'placed by its code attributes' : `placed by ${HOW_LABEL[s.how ?? 'name-search']}`, 120)}${s.confidence === 'low' ? ' (a guess)' : ''}_\n\n`);
    }
    if (line.series.length > 8) md.appendMarkdown(`…and ${line.series.length - 8} more series on this line\n`);
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}

/** The gutter's "fleet" mode: heat by the p95 rank of the file's fleet lines (the trace heat steps aside). */
export class FleetGutter extends Disposable {
  /** Made on the first fleet-mode draw: users who never switch pay nothing, not even decoration types. */
  private _heat: vscode.TextEditorDecorationType[] | undefined;
  /** Editors (by document) this mode has marks in, to clear when it is switched off. */
  private readonly _drawn = new Set<vscode.TextEditor>();
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _cts: vscode.CancellationTokenSource | undefined;

  constructor(private readonly _hub: FleetHub, private readonly _redrawTrace: () => void) {
    super();
    this._register(_hub.onDidChange(() => this.schedule()));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()));
    this._register(vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('spanscope.fleet.gutter')) { this._redrawTrace(); this.schedule(); }
      else if (e.affectsConfiguration('spanscope.annotations')) this.schedule();
    }));
    this._register({ dispose: () => { if (this._timer) clearTimeout(this._timer); this._cts?.cancel(); for (const t of this._heat ?? []) t.dispose(); } });
    this.schedule();
  }

  schedule(): void {
    if (this._timer) clearTimeout(this._timer);
    this._timer = setTimeout(() => { this._timer = undefined; void this.update(); }, 50);
  }

  async update(): Promise<void> {
    const on = fleetGutterMode() === 'fleet' && annotationSettings().enabled && this._hub.configured;
    if (!on) {
      for (const editor of this._drawn) for (const t of this._heat ?? []) editor.setDecorations(t, []);
      this._drawn.clear();
      return;
    }
    this._cts?.cancel();
    const cts = (this._cts = new vscode.CancellationTokenSource());
    const load = await this._hub.load(cts.token).catch(() => undefined);
    if (cts.token.isCancellationRequested) return;
    const heat = (this._heat ??= HEAT_COLOR_IDS.map((id, level) => vscode.window.createTextEditorDecorationType(gutterMarkOptions(t => heatSvg(level, t), id))));
    for (const editor of vscode.window.visibleTextEditors) {
      const path = documentPath(editor.document);
      const lines = load && path ? load.index.linesOf(path).filter(l => l.p95Ms !== undefined && l.line <= editor.document.lineCount) : [];
      if (lines.length === 0 && !this._drawn.has(editor)) continue;
      const levels = heatByRank(lines.map(l => l.p95Ms!));
      heat.forEach((t, k) => editor.setDecorations(t, lines.filter((_, i) => levels[i] === k).map(l => new vscode.Range(l.line - 1, 0, l.line - 1, 0))));
      if (lines.length > 0) this._drawn.add(editor); else this._drawn.delete(editor);
    }
  }
}
