// Revealing spans from the editor surfaces: one span goes to its waterfall (re-opening the open trace with the
// span selected, which the waterfall panel follows); several spans (a CodeLens over a function, an aggregate)
// are offered in a quick pick first. Span details open as a read-only text document — span text is never HTML.
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/ids';
import { formatDuration } from '../../core/units/duration';
import { HOW_LABEL } from '../../core/mapping/resolve';
import type { PanelsLike } from '../sidebar/deps';
import type { TraceService } from '../traces/traceService';
import { viewOf, type AnnotationModel } from './annotationModel';

/** A span by its trace and span ID (JSON-safe, used in command links). */
export interface SpanRef {
  readonly traceKey: string;
  readonly spanId: string;
}

export const MAX_PICK = 500;

export function isSpanRef(x: unknown): x is SpanRef {
  return typeof x === 'object' && x !== null && typeof (x as SpanRef).traceKey === 'string' && typeof (x as SpanRef).spanId === 'string'
    && (x as SpanRef).traceKey.length < 2048 && (x as SpanRef).spanId.length < 256;
}

let panels: PanelsLike | undefined;
/** The waterfall panels, when wired: a span of a trace with an open panel is revealed there directly. */
export function setPanels(p: PanelsLike | undefined): void {
  panels = p;
}

export async function revealSpan(traces: TraceService, ref: SpanRef, model?: AnnotationModel): Promise<boolean> {
  if (panels?.reveal(ref.traceKey, ref.spanId)) return true;
  const t = traces.get(ref.traceKey);
  const agg = t ? undefined : model?.state.traces.find(x => x.traceKey === ref.traceKey)?.reopen;
  if (agg) {
    traces.open(agg.prepared, agg.source, { selectSpanId: ref.spanId });
    return true;
  }
  if (!t) {
    void vscode.window.showWarningMessage(vscode.l10n.t('That trace is no longer open.'));
    return false;
  }
  // Opening an already open trace again replaces nothing and makes its waterfall show the span.
  traces.open({ summary: t.summary, compact: t.compact }, t.source, { selectSpanId: ref.spanId });
  return true;
}

export async function revealSpans(traces: TraceService, refs: readonly SpanRef[], model?: AnnotationModel): Promise<void> {
  const valid = refs.filter(isSpanRef).slice(0, MAX_PICK);
  if (valid.length === 0) return;
  if (valid.length === 1) { await revealSpan(traces, valid[0]!, model); return; }
  const durationOf = (ref: SpanRef) => {
    const t = traces.get(ref.traceKey);
    const v = t ? viewOf(t) : model?.state.traces.find(x => x.traceKey === ref.traceKey)?.view;
    const i = v ? v.indexOf(ref.spanId) : -1;
    return v && i >= 0 ? v.durationNsOf(i) : 0;
  };
  // All in one trace: its waterfall, at the slowest of them. Several traces: the user picks.
  if (new Set(valid.map(r => r.traceKey)).size === 1) {
    const slowest = valid.reduce((a, b) => (durationOf(b) > durationOf(a) ? b : a));
    await revealSpan(traces, slowest, model);
    return;
  }
  const items = valid.map(ref => {
    const t = traces.get(ref.traceKey);
    const v = t ? viewOf(t) : model?.state.traces.find(x => x.traceKey === ref.traceKey)?.view;
    const i = v ? v.indexOf(ref.spanId) : -1;
    return {
      ref,
      label: v && i >= 0 ? v.name(i) : ref.spanId,
      description: v && i >= 0 ? `${formatDuration(v.durationNsOf(i))}${v.status(i) === 'error' ? ' · error' : ''}` : '',
      detail: v && i >= 0 ? `${v.service(i)} · trace ${shortTraceId(v.traceId)}` : ref.traceKey,
      d: v && i >= 0 ? v.durationNsOf(i) : 0,
    };
  }).sort((a, b) => b.d - a.d);
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Reveal which span?'), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  if (pick) await revealSpan(traces, pick.ref, model);
}

/** Plain-text details of a span: attributes, resource, events, and how it was mapped to code. */
export async function showSpanDetails(traces: TraceService, model: AnnotationModel, ref: SpanRef): Promise<void> {
  const t = traces.get(ref.traceKey);
  const v = t ? viewOf(t) : model.state.traces.find(x => x.traceKey === ref.traceKey)?.view;
  const i = v ? v.indexOf(ref.spanId) : -1;
  if (!v || i < 0) { void vscode.window.showWarningMessage(vscode.l10n.t('That span is no longer open.')); return; }
  const lines: string[] = [];
  lines.push(`${v.name(i)}`, `service: ${v.service(i)}`, `trace: ${v.traceId}`, `span: ${v.spanId(i)}`, `kind: ${v.kind(i)}`,
    `status: ${v.status(i)}${v.statusMessage(i) ? ` (${v.statusMessage(i)})` : ''}`, `duration: ${formatDuration(v.durationNsOf(i))}`, `self time: ${formatDuration(v.selfNs(i))}`);
  const mapped = model.state.traces.find(x => x.traceKey === ref.traceKey)?.mapping;
  const m = mapped?.spans[i];
  const u = mapped?.unmapped.find(x => x.spanIndex === i);
  if (m) lines.push('', `code: ${m.path}:${m.line}`, `why here: ${HOW_LABEL[m.how]} (${m.detail})`);
  else if (u) lines.push('', `code: not mapped — ${u.reason}`);
  lines.push('', 'attributes:', ...v.attributes(i).map(a => `  ${a.key} = ${a.value}${a.truncated ? ' …' : ''}`));
  lines.push('', 'resource:', ...v.resourceAttributes(i).map(a => `  ${a.key} = ${a.value}`));
  const events = v.events(i);
  if (events.length) lines.push('', 'events:', ...events.flatMap(e => [`  +${formatDuration(e.relNs - v.relStartNs(i))} ${e.name}`, ...e.attributes.map(a => `    ${a.key} = ${a.value}`)]));
  const doc = await vscode.workspace.openTextDocument({ content: lines.join('\n'), language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
