// The plain-JSON summary of one analysed trace: what `spanscope summary` prints and what the extension
// host shows before the webview has the full trace. Field names are part of the CLI's contract.
import type { FindingKind, FindingSeverity, TraceAnalysis } from './types';
import { SpanFlag } from './types';

export interface FindingSummary {
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  /** The span the finding points at. */
  readonly spanId: string;
  /** Every span involved (the repeated calls, the chain, the attempts…), the pointed one included. */
  readonly spanIds: readonly string[];
  readonly message: string;
  /** Estimated time a fix would save, µs (absent when the finding is not about time). */
  readonly savingUs?: number;
}

export interface TraceSummary {
  readonly traceId: string;
  readonly spanCount: number;
  readonly serviceCount: number;
  readonly rootCount: number;
  readonly orphanCount: number;
  readonly duplicateSpanIdCount: number;
  readonly errorCount: number;
  readonly durationUs: number;
  readonly criticalPath: readonly string[];
  readonly codeLocationCount: number;
  readonly findings: readonly FindingSummary[];
}

export function summarizeTrace(a: TraceAnalysis): TraceSummary {
  const { tree } = a;
  const spans = tree.trace.spans;
  const n = spans.length;
  let rootCount = 0, orphanCount = 0, codeLocationCount = 0;
  const duplicated = new Set<string>();
  const services = new Set<string>();
  const adjust = a.skew === 'adjust';
  let minStart = Infinity, maxEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const f = tree.flags[i]!;
    if (f & SpanFlag.Orphan) orphanCount++;
    else if (tree.parent[i]! < 0 && !(f & SpanFlag.CycleBroken)) rootCount++;
    if (f & SpanFlag.Duplicate) duplicated.add(spans[i]!.spanId);
    if (a.codeLocations[i]) codeLocationCount++;
    services.add(spans[i]!.resource.serviceName);
    const s = tree.relStartNs[i]! + (adjust ? tree.skewNs[i]! : 0);
    if (s < minStart) minStart = s;
    if (s + spans[i]!.durationNs > maxEnd) maxEnd = s + spans[i]!.durationNs;
  }
  return {
    traceId: tree.trace.traceId,
    spanCount: n,
    serviceCount: services.size,
    rootCount,
    orphanCount,
    duplicateSpanIdCount: duplicated.size,
    errorCount: a.errorCount,
    durationUs: n === 0 ? 0 : Math.round(maxEnd - minStart) / 1000,
    criticalPath: a.criticalPath.map(i => spans[i]!.spanId),
    codeLocationCount,
    findings: a.findings.map(f => ({
      kind: f.kind,
      severity: f.severity,
      spanId: spans[f.spanIndex]!.spanId,
      spanIds: [...new Set([f.spanIndex, ...f.relatedSpanIndices])].map(i => spans[i]!.spanId),
      message: f.message,
      ...(f.savingNs !== undefined ? { savingUs: Math.round(f.savingNs) / 1000 } : {}),
    })),
  };
}
