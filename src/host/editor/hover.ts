// Hover on a mapped line: its spans (name, service, duration, status) and links to the waterfall and the span's
// details. Span text is escaped Markdown; only our two commands are enabled in the hover's links.
import * as vscode from 'vscode';
import { formatDuration } from '../../core/units/duration';
import { annotationText } from '../../core/mapping/lineAnnotations';
import { HOW_LABEL } from '../../core/mapping/resolve';
import { Commands } from '../commands';
import type { AnnotationModel } from './annotationModel';
import { annotationSettings, documentPath, type DecorationController } from './decorations';
import type { SpanRef } from './reveal';

export const MAX_HOVER_ROWS = 15;

/** What a gutter mark's colour means (the legend for the five heat levels). */
export function heatLegend(level: number, mode: 'trace' | 'aggregate'): string {
  if (mode === 'aggregate') return `heat ${level + 1}/5 by p95 rank in this file`;
  const bands = ['under 5%', '5–15%', '15–30%', '30–50%', '50% or more'];
  return `heat ${level + 1}/5: ${bands[level] ?? ''} of the trace`;
}

/** What the line's gutter mark shows, for the hover (the marks themselves are in gutterIcons.ts). */
export function gutterLegend(level: number, errors: number, mode: 'trace' | 'aggregate'): string {
  if (errors > 0) return `Gutter: the red ! marks ${errors} span${errors === 1 ? '' : 's'} here that ended in error (${heatLegend(level, mode)})`;
  return `Gutter: the bar's height and colour show ${heatLegend(level, mode)}`;
}

/** Escapes text for a Markdown table cell: no markup, links, HTML or line breaks from span data. */
export function escapeMarkdown(s: string, max = 120): string {
  const cut = s.length > max ? s.slice(0, max - 1) + '…' : s;
  return cut.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, c => `\\${c}`);
}

function commandLink(title: string, id: string, arg: SpanRef): string {
  return `[${title}](command:${id}?${encodeURIComponent(JSON.stringify([arg]))})`;
}

export class SpanHoverProvider implements vscode.HoverProvider {
  constructor(private readonly _model: AnnotationModel, private readonly _decorations: DecorationController) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (!annotationSettings().hover || !annotationSettings().enabled) return undefined;
    const path = documentPath(doc);
    const a = path ? this._decorations.annotationsOf(path, doc) : undefined;
    const line = a?.lines.find(l => l.line === pos.line);
    if (!path || !a || !line) return undefined;
    const spans = this._model.spansOnLine(path, a, pos.line).sort((x, y) => y.trace.view.durationNsOf(y.spanIndex) - x.trace.view.durationNsOf(x.spanIndex));
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: [Commands.revealSpanInWaterfall, Commands.showSpanDetails] };
    md.supportThemeIcons = true;
    md.appendMarkdown(`**Spanscope** — ${escapeMarkdown(annotationText(line, a.mode))} · _${escapeMarkdown(gutterLegend(line.heat, line.errors, a.mode.kind))}_\n\n`);
    const drift = this._decorations.driftOf(path);
    if (drift?.drifted) md.appendMarkdown(`$(warning) ${escapeMarkdown(drift.reason ?? 'the file changed since the trace', 300)}\n\n`);
    md.appendMarkdown('| Span | Service | Duration | Status | |\n|---|---|---:|---|---|\n');
    for (const s of spans.slice(0, MAX_HOVER_ROWS)) {
      const v = s.trace.view, i = s.spanIndex;
      const ref: SpanRef = { traceKey: s.trace.traceKey, spanId: v.spanId(i) };
      const status = v.status(i) === 'error' ? '$(error) error' : v.status(i);
      md.appendMarkdown(`| ${escapeMarkdown(v.name(i))} | ${escapeMarkdown(v.service(i), 60)} | ${formatDuration(v.durationNsOf(i))} | ${status} | ${commandLink('Open in waterfall', Commands.revealSpanInWaterfall, ref)} · ${commandLink('Show span details', Commands.showSpanDetails, ref)} |\n`);
    }
    if (spans.length > MAX_HOVER_ROWS) md.appendMarkdown(`\n…and ${spans.length - MAX_HOVER_ROWS} more (CodeLens reveals all)\n`);
    const how = spans[0]?.mapping;
    if (how) md.appendMarkdown(`\n\n_Why here:_ ${escapeMarkdown(HOW_LABEL[how.how], 200)} — ${escapeMarkdown(how.detail, 300)}`);
    // A ranked guess says so: Go to source offers the other candidates
    if (how?.confidence === 'low') md.appendMarkdown(`\n\n_A guess:_ ${how.candidates && how.candidates.length > 1 ? `${how.candidates.length} places match; Go to source offers them` : 'check the line'}`);
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}
