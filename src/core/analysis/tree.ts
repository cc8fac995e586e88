// Builds the parent/child structure of one trace, surviving what real data throws at it:
// orphans, several roots, duplicate span IDs (Zipkin shared client/server halves vs true duplicates),
// parent cycles, FOLLOWS_FROM parents and children that outlive their parent.
// Everything is index-based (typed arrays) so that 100k spans build in a few tens of ms.
import type { Span, Trace } from '../model';
import { SpanIdIndex } from './id-index';
import { computeClockSkew } from './skew';
import { SpanFlag, type TraceTree } from './types';

const NO_CHILDREN: readonly number[] = Object.freeze([]);
/** Span kinds as small numbers for typed arrays (see skew.ts). */
export const KIND_CODE: Readonly<Record<string, number>> = { unspecified: 0, client: 1, server: 2, producer: 3, consumer: 4, internal: 5 };
const MAX_DEPTH = 0xffff;

/**
 * Status error, or (Jaeger and Zipkin, whose parsers normally turn it into the status already) an `error`
 * tag: `true`, `"true"`, and for Zipkin, where any value means error, any string. OTLP has only the status.
 */
export function isErrorSpan(span: Span, format: Trace['format']): boolean {
  if (span.status.code === 'error') return true;
  if (span.status.code === 'ok' || (format !== 'jaeger' && format !== 'zipkin')) return false;
  for (const a of span.attributes) {
    if (a.key !== 'error') continue;
    const v = a.value;
    if (v === true) return true;
    if (typeof v === 'string') return format === 'zipkin' || v.toLowerCase() === 'true';
    return false;
  }
  return false;
}

function hasNoParent(parentId: string | undefined): boolean {
  return parentId === undefined || parentId === '' || (parentId.charCodeAt(0) === 48 /* 0 */ && /^0+$/.test(parentId));
}

export function buildTree(trace: Trace): TraceTree {
  const spans = trace.spans;
  const n = spans.length;

  // ---- one pass over the span objects (large, scattered in memory: every extra pass over them costs
  // cache misses); what later passes need is copied into typed arrays here.
  const relStartNs = new Float64Array(n);
  const dur = new Float64Array(n);
  const kind = new Uint8Array(n);
  const flags = new Uint16Array(n);
  const parentIds: (string | undefined)[] = new Array<string | undefined>(n);
  const first = new SpanIdIndex(n);
  const format = trace.format;
  const base = n > 0 ? spans[0]!.startNs : 0n;
  let dupIndices: number[] | undefined;
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    // exact: bigint difference to the first span, as a double (exact below 2^53 ns ≈ 104 days)
    relStartNs[i] = Number(s.startNs - base);
    dur[i] = s.durationNs;
    kind[i] = KIND_CODE[s.kind] ?? 0;
    parentIds[i] = s.parentId;
    if (first.add(s.spanId, i) !== i) (dupIndices ??= []).push(i);
    if (isErrorSpan(s, format)) flags[i] = SpanFlag.Error;
  }
  // times relative to the earliest start
  let minRel = Infinity;
  for (let i = 0; i < n; i++) if (relStartNs[i]! < minRel) minRel = relStartNs[i]!;
  if (n === 0) minRel = 0;
  let maxEnd = 0;
  for (let i = 0; i < n; i++) {
    const rel = relStartNs[i]! - minRel;
    relStartNs[i] = rel;
    if (rel + dur[i]! > maxEnd) maxEnd = rel + dur[i]!;
  }
  const minStart = base + BigInt(minRel);

  // ---- groups of spans sharing an ID are rare and handled apart
  const parent = new Int32Array(n).fill(-1);
  /** Where children naming an ID attach, when not the first span with that ID (the shared server half). */
  let attachTo: Map<string, number> | undefined;
  /** Server halves whose parent is their client half, whatever their parentId says. */
  let pairedParent: Map<number, number> | undefined;
  if (dupIndices) {
    const groups = new Map<string, number[]>();
    for (const i of dupIndices) {
      const id = spans[i]!.spanId;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = [first.get(id)]));
      g.push(i);
    }
    attachTo = new Map();
    const paired = (pairedParent = new Map<number, number>());
    for (const [id, members] of groups) {
      // the client half: a non-shared CLIENT span, else the first non-shared one
      const client = members.find(i => !spans[i]!.shared && spans[i]!.kind === 'client') ?? members.find(i => !spans[i]!.shared);
      const server = client === undefined ? undefined : members.find(i => spans[i]!.shared);
      let rest = members.filter(i => i !== server);
      if (client !== undefined && server !== undefined) {
        paired.set(server, client);
        attachTo.set(id, server);
        flags[server]! |= SpanFlag.SharedServerHalf;
        // Zipkin reports late fragments of a half (same ID and endpoint, often no kind or timestamp) that it
        // would merge into that half: keep them as its children rather than calling them duplicates
        const serverSvc = spans[server]!.resource.serviceName;
        const clientSvc = spans[client]!.resource.serviceName;
        rest = rest.filter(i => {
          if (i === client) return true;
          const svc = spans[i]!.resource.serviceName;
          const half = svc === serverSvc ? server : svc === clientSvc ? client : -1;
          if (half < 0) return true;
          paired.set(i, half);
          return false;
        });
      }
      if (rest.length > 1) for (const i of rest) flags[i]! |= SpanFlag.Duplicate;
    }
  }

  // ---- parent links
  for (let i = 0; i < n; i++) {
    const paired = pairedParent?.get(i);
    if (paired !== undefined) {
      parent[i] = paired;
      continue;
    }
    const pid = parentIds[i];
    if (hasNoParent(pid)) continue;
    const p = attachTo?.get(pid!) ?? first.get(pid!);
    if (p < 0) flags[i]! |= SpanFlag.Orphan;
    else parent[i] = p;
  }

  // ---- break cycles: walk up from each unvisited span; a span met twice on one walk closes a cycle
  const state = new Uint8Array(n); // 0 new, 1 on the current walk, 2 done
  const walk = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) continue;
    let len = 0;
    let j = i;
    while (j >= 0 && state[j] === 0) {
      state[j] = 1;
      walk[len++] = j;
      j = parent[j]!;
    }
    if (j >= 0 && state[j] === 1) {
      // j..end of walk is a cycle: detach its earliest-starting member
      let k = len - 1;
      let cut = walk[k]!;
      while (walk[k] !== j) k--;
      for (let m = k; m < len; m++) {
        const c = walk[m]!;
        if (relStartNs[c]! < relStartNs[cut]! || (relStartNs[c] === relStartNs[cut] && c < cut)) cut = c;
      }
      parent[cut] = -1;
      flags[cut]! |= SpanFlag.CycleBroken;
    }
    for (let m = 0; m < len; m++) state[walk[m]!] = 2;
  }

  // ---- children lists in start order (document order already sorted in most traces: sort only when not)
  const children: (readonly number[])[] = new Array<readonly number[]>(n).fill(NO_CHILDREN);
  const roots: number[] = [];
  let unsorted: Set<number> | undefined;
  let rootsUnsorted = false;
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p < 0) {
      if (roots.length && relStartNs[roots[roots.length - 1]!]! > relStartNs[i]!) rootsUnsorted = true;
      roots.push(i);
      continue;
    }
    let list = children[p] as number[];
    if (list === NO_CHILDREN) children[p] = list = [];
    else if (relStartNs[list[list.length - 1]!]! > relStartNs[i]!) (unsorted ??= new Set()).add(p);
    list.push(i);
    if (relStartNs[i]! + dur[i]! > relStartNs[p]! + dur[p]!) flags[i]! |= SpanFlag.OutlivesParent;
  }
  const byStart = (a: number, b: number) => relStartNs[a]! - relStartNs[b]! || a - b;
  if (unsorted) for (const p of unsorted) (children[p] as number[]).sort(byStart);
  if (rootsUnsorted) roots.sort(byStart);

  // ---- depth-first order and depth
  const preorder = new Int32Array(n);
  const depth = new Uint16Array(n);
  const stack = new Int32Array(n);
  let out = 0;
  let sp = 0;
  // every span is pushed exactly once, so a stack of n entries is enough
  for (let r = roots.length - 1; r >= 0; r--) stack[sp++] = roots[r]!;
  while (sp > 0) {
    const i = stack[--sp]!;
    preorder[out++] = i;
    const kids = children[i]!;
    const d = depth[i]! < MAX_DEPTH ? depth[i]! + 1 : MAX_DEPTH;
    for (let k = kids.length - 1; k >= 0; k--) {
      const c = kids[k]!;
      depth[c] = d;
      stack[sp++] = c;
    }
  }

  const skewNs = computeClockSkew(spans, parent, preorder, relStartNs, flags, kind, dur);

  return {
    trace,
    parent,
    children,
    roots,
    depth,
    flags,
    preorder,
    startNs: minStart,
    durationNs: n > 0 ? maxEnd : 0,
    relStartNs,
    skewNs,
    spanDurationNs: dur,
    kindCode: kind,
    indexOf(spanId: string): number {
      const i = first.get(spanId);
      return i >= 0 ? i : first.get(spanId.toLowerCase());
    },
  };
}
