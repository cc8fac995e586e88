// Findings: broken propagation (orphans, a CLIENT call whose server never showed up although its service
// is in the trace, several roots from one service), duplicate span IDs, clock skew, error origins (with
// what became of the error), and the performance patterns of patterns.ts (bottlenecks, N+1 by callee,
// retries, concurrency limits, sequential chains). Each one is written for a person: what was seen, what it
// probably means, what to do, and where in the code when the span says so.
import type { Span } from '../model';
import { formatDuration } from '../units/duration';
import { computePatterns, errorText, label, plural, quote } from './patterns';
import type { CodeLocation, CriticalSection, Finding, FindingKind, FindingSeverity, TraceTree } from './types';
import { SpanFlag } from './types';

export { N_PLUS_ONE_MIN, SEQUENTIAL_CHAIN_MIN } from './patterns';

/** Severity of the findings that do not judge it case by case. */
const SEVERITY: Readonly<Record<FindingKind, FindingSeverity>> = {
  'orphan': 'medium', 'client-without-server': 'medium', 'multiple-roots': 'medium', 'duplicate-span-id': 'medium', 'clock-skew': 'low',
  'error-origin': 'medium', 'bottleneck': 'medium', 'n-plus-one': 'medium', 'retry': 'medium', 'concurrency-limit': 'medium', 'sequential-chain': 'medium',
};

const KIND_ORDER: readonly FindingKind[] = [
  'orphan', 'client-without-server', 'multiple-roots', 'duplicate-span-id', 'clock-skew', 'error-origin',
  'bottleneck', 'n-plus-one', 'retry', 'concurrency-limit', 'sequential-chain',
];

function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const CALLEE_KEYS = new Set(['peer.service', 'server.address', 'net.peer.name', 'rpc.service', 'messaging.destination.name', 'messaging.destination']);

/** Resolves attribute values to a service of the trace; values repeat a lot, so answers are cached. */
class CalleeResolver {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly services: Map<string, string>) {}
  resolve(v: string): string | undefined {
    let hit = this.cache.get(v);
    if (hit === undefined) {
      hit = null;
      if (v.length > 0 && v.length <= 512) {
        const host = v.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');
        for (const c of [v, host, host.split('.')[0] ?? '', v.split(/[./]/).pop() ?? '']) {
          const svc = this.services.get(normalizeName(c));
          if (svc !== undefined) { hit = svc; break; }
        }
      }
      this.cache.set(v, hit);
    }
    return hit ?? undefined;
  }
  /** The service of the trace a CLIENT span says it calls, if any (first matching key wins). */
  calleeOf(span: Span): string | undefined {
    for (const a of span.attributes) {
      // cheap rejection by first letter (p, s, n, r, m) before the set lookup
      const c = a.key.charCodeAt(0);
      if ((c !== 112 && c !== 115 && c !== 110 && c !== 114 && c !== 109) || typeof a.value !== 'string' || !CALLEE_KEYS.has(a.key)) continue;
      const svc = this.resolve(a.value);
      if (svc !== undefined) return svc;
    }
    return undefined;
  }
}

export interface FindingInput {
  readonly tree: TraceTree;
  readonly start: Float64Array;
  readonly codeLocations: readonly (CodeLocation | undefined)[];
  readonly errorOrigins: readonly number[];
  readonly skew: 'raw' | 'adjust';
  /** The services of the trace (from the stats), when known: saves a pass over the spans. */
  readonly serviceNames?: readonly string[];
  /** Self time per span and the critical path (for bottlenecks), when computed. */
  readonly selfTimeNs?: Float64Array;
  readonly criticalSections?: readonly CriticalSection[];
}

export function computeFindings({ tree, start, codeLocations, errorOrigins, skew, serviceNames, selfTimeNs, criticalSections }: FindingInput): Finding[] {
  const spans = tree.trace.spans;
  const n = spans.length;
  const flags = tree.flags;
  const dur = tree.spanDurationNs ?? Float64Array.from(spans, s => s.durationNs);
  const out: Finding[] = [];
  const add = (kind: FindingKind, spanIndex: number, related: readonly number[], message: string, totalNs?: number, locAt: number = spanIndex,
    severity: FindingSeverity = SEVERITY[kind], savingNs?: number) => {
    const loc = codeLocations[locAt] ?? codeLocations[spanIndex];
    out.push({
      kind, severity, spanIndex, relatedSpanIndices: related, message, ...(totalNs !== undefined ? { totalNs } : {}),
      ...(savingNs !== undefined ? { savingNs } : {}), ...(loc ? { codeLocation: loc } : {}),
    });
  };
  const patterns = computePatterns({ tree, start, dur, ...(selfTimeNs ? { selfTimeNs } : {}), ...(criticalSections ? { criticalSections } : {}) });

  // ---- orphans, one finding per missing parent
  const orphansByParent = new Map<string, number[]>();
  const rootsByService = new Map<string, number[]>();
  const dupGroups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    if (f & SpanFlag.Orphan) {
      const pid = spans[i]!.parentId!;
      const g = orphansByParent.get(pid);
      if (g) g.push(i); else orphansByParent.set(pid, [i]);
    } else if (tree.parent[i]! < 0 && !(f & SpanFlag.CycleBroken)) {
      const svc = spans[i]!.resource.serviceName;
      const g = rootsByService.get(svc);
      if (g) g.push(i); else rootsByService.set(svc, [i]);
    }
    if (f & SpanFlag.Duplicate) {
      const id = spans[i]!.spanId;
      const g = dupGroups.get(id);
      if (g) g.push(i); else dupGroups.set(id, [i]);
    }
  }
  for (const [pid, orphans] of orphansByParent) {
    const first = orphans[0]!;
    const names = orphans.slice(0, 3).map(i => label(spans[i]!)).join(', ') + (orphans.length > 3 ? ` and ${orphans.length - 3} more` : '');
    add('orphan', first, orphans,
      `${plural(orphans.length, 'span')} (${names}) ${orphans.length === 1 ? 'names' : 'name'} parent span ${pid}, which is not in this trace. ` +
      'The caller did not export its span (sampling, a crash, another backend), or the trace context was lost on the way and these spans attached to a stale parent.');
  }

  // ---- CLIENT spans whose server never showed up although its service is in this trace
  const services = new Map<string, string>();
  const names = serviceNames ?? [...new Set(spans.map(s => s.resource.serviceName))];
  for (const svc of names) {
    const key = normalizeName(svc);
    if (key && !services.has(key)) services.set(key, svc);
  }
  const kindCode = tree.kindCode;
  const callees = new CalleeResolver(services);
  for (let i = 0; i < n; i++) {
    if (kindCode ? kindCode[i] !== 1 /* client */ : spans[i]!.kind !== 'client') continue;
    const kids = tree.children[i]!;
    // the usual case, a SERVER child, needs no look at the attributes
    let served = false;
    for (const c of kids) if (kindCode ? kindCode[c] === 2 /* server */ : spans[c]!.kind === 'server') { served = true; break; }
    if (served) continue;
    const s = spans[i]!;
    const callee = callees.calleeOf(s);
    // a call named after its own service is usually a database or cache labelled with it (Zipkin remoteEndpoint)
    if (callee === undefined || callee === s.resource.serviceName) continue;
    for (const c of kids) if (spans[c]!.resource.serviceName === callee) { served = true; break; }
    if (served) continue;
    add('client-without-server', i, [],
      `${label(s)} calls ${callee}, and ${callee} is in this trace, but no ${callee} server span is a child of this call. ` +
      `The trace context was probably not propagated here: the call did not send the traceparent (or b3) header, or ${callee} did not extract it and started a new trace.`);
  }

  // ---- several roots from one service
  for (const [svc, roots] of rootsByService) {
    if (roots.length < 2) continue;
    add('multiple-roots', roots[1]!, roots,
      `${svc} started ${roots.length} root spans in this trace (${roots.slice(0, 3).map(i => quote(spans[i]!.name)).join(', ')}${roots.length > 3 ? ', …' : ''}). ` +
      `Spans that should have continued an incoming trace started new ones: ${svc} probably did not extract the incoming context, or work ran outside the request's context.`);
  }

  // ---- duplicate span IDs
  for (const [id, members] of dupGroups) {
    add('duplicate-span-id', members[0]!, members,
      `${plural(members.length, 'span')} share the span ID ${id}. ` +
      'The instrumentation reuses IDs or the same span was exported twice; their children attach to the first one, so parts of the tree may be wrong.');
  }

  // ---- clock skew
  for (let i = 0; i < n; i++) {
    if (!(flags[i]! & SpanFlag.Skewed)) continue;
    const p = tree.parent[i]!;
    const s = spans[i]!;
    const ps = spans[p]!;
    const adj = tree.skewNs[i]!;
    const rawStart = tree.relStartNs[i]!, pStart = tree.relStartNs[p]! + tree.skewNs[p]!;
    const what = rawStart < pStart
      ? `starts ${formatDuration(pStart - rawStart)} before`
      : `ends ${formatDuration(rawStart + s.durationNs - (pStart + ps.durationNs))} after`;
    add('clock-skew', i, [p],
      `${label(s)} ${what} its ${ps.kind} parent ${label(ps)}: the clocks of ${s.resource.serviceName} and ${ps.resource.serviceName} disagree by about ${formatDuration(Math.abs(adj))}. ` +
      (skew === 'adjust'
        ? `Times here are adjusted: ${s.resource.serviceName}'s spans below this call are shifted by ${formatDuration(adj)}.`
        : 'Times here are raw; adjust for skew (--skew adjust) to see this call centred inside its caller.'));
  }

  // ---- error origins: the error's own words, then what became of it (retried, caught, or where it surfaced)
  for (const i of errorOrigins) {
    const s = spans[i]!;
    let up = 0, top = i;
    for (let p = tree.parent[i]!; p >= 0 && flags[p]! & SpanFlag.Error && up < n; p = tree.parent[p]!) { up++; top = p; }
    const why = errorText(s);
    const parts = [`${label(s)} failed here${why ? `: ${quote(why, 200)}` : ''}.`];
    parts.push(up > 0 ? `${plural(up, 'ancestor span')} report${up === 1 ? 's' : ''} the error only because of this one.` : 'No child span explains it, so this is where the error started.');
    // a failed server span under a client attempt: the attempt (its erroring ancestor) is what was retried
    const retry = patterns.retried.get(i) ?? patterns.retried.get(top);
    let severity: FindingSeverity = 'medium';
    if (retry) {
      const [attempt, attempts, ok] = retry;
      parts.push(`This was attempt ${attempt} of ${attempts} of the same call; ${ok ? `attempt ${attempts} succeeded, so the caller recovered` : 'every attempt failed'}.`);
      if (ok) severity = 'low';
    }
    const catcher = tree.parent[top]!;
    if (!(retry?.[2]) && catcher >= 0 && !(flags[catcher]! & SpanFlag.Error)) {
      parts.push(`It was caught in ${label(spans[catcher]!)}, which did not fail${up > 0 ? ` (it surfaced up to ${label(spans[top]!)})` : ''}.`);
      severity = 'low';
    } else if (catcher < 0 && !(retry?.[2])) {
      parts.push(`It surfaced at the top of the trace, in ${label(spans[top]!)}.`);
      severity = 'high';
    } else if (up > 0) parts.push(`It surfaced up to ${label(spans[top]!)}.`);
    add('error-origin', i, up > 0 ? [top] : [], parts.join(' '), undefined, i, severity);
  }

  // ---- N+1 by callee, sequential chains, retries, concurrency limits and bottlenecks (patterns.ts)
  for (const f of patterns.findings) add(f.kind, f.spanIndex, f.related, f.message, f.totalNs, f.locAt ?? f.spanIndex, f.severity, f.savingNs);

  const rank = new Map(KIND_ORDER.map((k, i) => [k, i]));
  return out.map((f, i) => [f, i] as const).sort((a, b) => rank.get(a[0].kind)! - rank.get(b[0].kind)! || a[1] - b[1]).map(e => e[0]);
}
