// Findings: broken propagation (orphans, a CLIENT call whose server never showed up although its service
// is in the trace, several roots from one service), N+1 calls, the slowest sequential chain, error
// origins, duplicate span IDs and clock skew. Each one is written for a person: what was seen, what it
// probably means, what to do, and where in the code when the span says so.
import type { Span } from '../model';
import { attr, attrToString } from '../model';
import type { CodeLocation, Finding, FindingKind, TraceTree } from './types';
import { SpanFlag } from './types';

/** Sibling calls with the same name or statement under one parent from which we report N+1. */
export const N_PLUS_ONE_MIN = 5;
/** Shortest sequential chain worth reporting. */
export const SEQUENTIAL_CHAIN_MIN = 3;

const KIND_ORDER: readonly FindingKind[] = [
  'orphan', 'client-without-server', 'multiple-roots', 'duplicate-span-id', 'clock-skew', 'error-origin', 'n-plus-one', 'sequential-chain',
];

export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${+(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${+(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)} ms`;
  return `${+(ns / 1e9).toFixed(2)} s`;
}

function quote(s: string, max = 120): string {
  const t = s.length > max ? s.slice(0, max - 1) + '…' : s;
  return `"${t.replace(/[\r\n\t]+/g, ' ')}"`;
}

function label(span: Span): string {
  return `${quote(span.name)} (${span.resource.serviceName})`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

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

/** The DB statement of a span, '' for a call without one, undefined for a span that is not a call. */
function callKey(span: Span): string | undefined {
  // database calls are CLIENT spans (or kind-less, as in some Zipkin data): others need no attribute scan
  const kind = span.kind;
  if (kind === 'internal' || kind === 'server' || kind === 'consumer') return undefined;
  let stmt: string | undefined;
  let db = false;
  for (const a of span.attributes) {
    const k = a.key;
    if (k.charCodeAt(0) !== 100 /* d */ || !k.startsWith('db.')) continue;
    if ((k === 'db.query.text' || k === 'db.statement') && typeof a.value === 'string' && a.value.length > 0) {
      if (stmt === undefined || k === 'db.query.text') stmt = a.value;
    } else if (k === 'db.system' || k === 'db.system.name') db = true;
  }
  if (stmt !== undefined) return stmt;
  return db || span.kind === 'client' || span.kind === 'producer' ? '' : undefined;
}

export interface FindingInput {
  readonly tree: TraceTree;
  readonly start: Float64Array;
  readonly codeLocations: readonly (CodeLocation | undefined)[];
  readonly errorOrigins: readonly number[];
  readonly skew: 'raw' | 'adjust';
  /** The services of the trace (from the stats), when known: saves a pass over the spans. */
  readonly serviceNames?: readonly string[];
}

export function computeFindings({ tree, start, codeLocations, errorOrigins, skew, serviceNames }: FindingInput): Finding[] {
  const spans = tree.trace.spans;
  const n = spans.length;
  const flags = tree.flags;
  const dur = tree.spanDurationNs ?? Float64Array.from(spans, s => s.durationNs);
  const out: Finding[] = [];
  const add = (kind: FindingKind, spanIndex: number, related: readonly number[], message: string, totalNs?: number, locAt: number = spanIndex) => {
    const loc = codeLocations[locAt] ?? codeLocations[spanIndex];
    out.push({ kind, spanIndex, relatedSpanIndices: related, message, ...(totalNs !== undefined ? { totalNs } : {}), ...(loc ? { codeLocation: loc } : {}) });
  };

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

  // ---- error origins
  for (const i of errorOrigins) {
    const s = spans[i]!;
    let up = 0;
    for (let p = tree.parent[i]!; p >= 0 && flags[p]! & SpanFlag.Error && up < n; p = tree.parent[p]!) up++;
    const why = s.status.message ?? exceptionSummary(s);
    add('error-origin', i, [],
      `${label(s)} failed here${why ? `: ${quote(why, 200)}` : ''}. ` +
      (up > 0 ? `${plural(up, 'ancestor span')} report${up === 1 ? 's' : ''} the error only because of this one.` : 'No child span explains it, so this is where the error started.'));
  }

  // ---- N+1 and sequential chains (per parent)
  let bestChain: { parent: number; members: number[]; total: number } | undefined;
  const byStmt = new Map<string, number>();
  const byName = new Map<string, number>();
  for (let p = 0; p < n; p++) {
    const kids = tree.children[p]!;
    if (kids.length < Math.min(N_PLUS_ONE_MIN, SEQUENTIAL_CHAIN_MIN)) continue;
    // only calls count (CLIENT, PRODUCER, or kind-less as in some Zipkin data): skip parents without enough
    let calls = kids.length;
    if (kindCode && calls >= N_PLUS_ONE_MIN) {
      calls = 0;
      for (const c of kids) { const k = kindCode[c]!; if (k === 0 || k === 1 || k === 3) calls++; }
    }
    if (calls >= N_PLUS_ONE_MIN) {
      // calls with a statement group by statement, the others by name; count first (with maps reused
      // across parents), collect members only for the rare groups that reach the threshold
      byStmt.clear();
      byName.clear();
      let big = false;
      for (const c of kids) {
        const s = spans[c]!;
        const stmt = callKey(s);
        if (stmt === undefined) continue;
        const m = stmt ? byStmt : byName;
        const key = stmt || s.name;
        const count = (m.get(key) ?? 0) + 1;
        m.set(key, count);
        if (count >= N_PLUS_ONE_MIN) big = true;
      }
      const groups: [string, number[]][] = [];
      if (big) {
        const members = new Map<string, number[]>();
        for (const c of kids) {
          const s = spans[c]!;
          const stmt = callKey(s);
          if (stmt === undefined) continue;
          const key = stmt ? `q\0${stmt}` : `n\0${s.name}`;
          if ((stmt ? byStmt.get(stmt) : byName.get(s.name))! < N_PLUS_ONE_MIN) continue;
          const g = members.get(key);
          if (g) g.push(c); else members.set(key, [c]);
        }
        groups.push(...members);
      }
      for (const [key, members] of groups) {
        if (members.length < N_PLUS_ONE_MIN) continue;
        let total = 0;
        for (const c of members) total += spans[c]!.durationNs;
        const first = spans[members[0]!]!;
        const what = key.startsWith('q\0') ? `the statement ${quote(key.slice(2))}` : quote(first.name);
        add('n-plus-one', members[0]!, members,
          `${label(spans[p]!)} made ${members.length} calls to ${what}, ${formatDuration(total)} in total: an N+1 pattern (one call per item in a loop). ` +
          'Fetch the items in one batched call or query.', total, members[0]!);
      }
    }
    // maximal runs of children (in start order) that each start after the previous one ended
    let runStart = 0;
    let runEnd = -Infinity;
    for (let k = 0; k <= kids.length; k++) {
      const c = kids[k];
      const sequential = c !== undefined && start[c]! >= runEnd;
      if (c !== undefined && (k === runStart || sequential)) {
        runEnd = start[c]! + dur[c]!;
        continue;
      }
      const len = k - runStart;
      if (len >= SEQUENTIAL_CHAIN_MIN) {
        let total = 0;
        for (let m = runStart; m < k; m++) total += dur[kids[m]!]!;
        if (!bestChain || total > bestChain.total) bestChain = { parent: p, members: kids.slice(runStart, k), total };
      }
      runStart = k;
      if (c !== undefined) runEnd = start[c]! + dur[c]!;
    }
  }
  if (bestChain) {
    const { parent, members, total } = bestChain;
    add('sequential-chain', members[0]!, members,
      `${label(spans[parent]!)} ran ${members.length} child spans strictly one after another (${members.slice(0, 3).map(i => quote(spans[i]!.name, 60)).join(', ')}${members.length > 3 ? ', …' : ''}), ` +
      `${formatDuration(total)} in total. If they do not depend on each other, running them concurrently would save up to ${formatDuration(total - Math.max(...members.map(i => spans[i]!.durationNs)))}.`,
      total, parent);
  }

  const rank = new Map(KIND_ORDER.map((k, i) => [k, i]));
  return out.map((f, i) => [f, i] as const).sort((a, b) => rank.get(a[0].kind)! - rank.get(b[0].kind)! || a[1] - b[1]).map(e => e[0]);
}

function exceptionSummary(span: Span): string | undefined {
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    const t = attr(e.attributes, 'exception.type');
    const m = attr(e.attributes, 'exception.message');
    const parts = [t, m].filter(x => x !== undefined).map(x => attrToString(x!));
    if (parts.length) return parts.join(': ');
  }
  const err = attr(span.attributes, 'error.type') ?? attr(span.attributes, 'error.message');
  return err !== undefined ? attrToString(err) : undefined;
}
