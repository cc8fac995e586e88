// Compare two traces: spans are aligned by their path of (service, operation) from the root, with an occurrence
// index among siblings that share the same (service, operation), so the 3rd `SELECT` under `GET /cart` in A meets
// the 3rd in B. The result is one merged tree (preorder rows) with added / removed / changed spans and deltas.
import type { SpanTable } from './graph';

export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

export interface DiffRow {
  /** Row index of the parent in `rows`, -1 for top-level rows. */
  readonly parent: number;
  readonly depth: number;
  readonly service: string;
  readonly name: string;
  /** 0-based occurrence among same-(service, name) siblings. */
  readonly occurrence: number;
  /** Span index in A / B, -1 when absent. */
  readonly a: number;
  readonly b: number;
  /** Durations, ns (0 when absent). */
  readonly aNs: number;
  readonly bNs: number;
  /** bNs − aNs. Added: +bNs; removed: −aNs. */
  readonly deltaNs: number;
  /** deltaNs minus the deltas of the child rows: the change that happened in this span itself. */
  readonly selfDeltaNs: number;
  readonly status: DiffStatus;
  /** Error in A / B. */
  readonly aError: boolean;
  readonly bError: boolean;
}

export interface TraceDiffSummaryItem {
  readonly row: number;
  readonly service: string;
  readonly name: string;
  readonly status: DiffStatus;
  readonly deltaNs: number;
  readonly selfDeltaNs: number;
}

export interface TraceDiff {
  readonly aTraceId: string;
  readonly bTraceId: string;
  readonly aDurationNs: number;
  readonly bDurationNs: number;
  /** Merged tree in preorder (parents before children, siblings by start time in B, then A-only ones). */
  readonly rows: readonly DiffRow[];
  readonly counts: Readonly<Record<DiffStatus, number>>;
  /** Where the time went: rows with the largest positive selfDeltaNs, largest first. */
  readonly regressions: readonly TraceDiffSummaryItem[];
  /** Rows with the most negative selfDeltaNs. */
  readonly improvements: readonly TraceDiffSummaryItem[];
}

export interface CompareOptions {
  /** A matched span is `changed` when |delta| ≥ max(minChangeNs, ratio × max(aNs, bNs)) or its error state differs. */
  readonly changeRatio?: number;
  readonly minChangeNs?: number;
  /** Length of the regressions / improvements lists. Default 10. */
  readonly summaryLimit?: number;
}

interface Side {
  readonly t: SpanTable;
  /** children of each span, -1 slot = top-level, in start order */
  readonly kids: Int32Array[];
  readonly top: Int32Array;
  readonly keyId: Int32Array;
}

function sideOf(t: SpanTable, keyIds: Map<string, number>): Side {
  const n = t.spanCount;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) counts[t.parent(i) + 1]!++;
  const lists: Int32Array[] = new Array<Int32Array>(n + 1);
  for (let k = 0; k <= n; k++) lists[k] = new Int32Array(counts[k]!);
  const fill = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) { const p = t.parent(i) + 1; lists[p]![fill[p]!++] = i; }
  const start = new Float64Array(n);
  for (let i = 0; i < n; i++) start[i] = t.relStartNs(i);
  for (const l of lists) if (l.length > 1) l.sort((x, y) => start[x]! - start[y]! || x - y);
  const keyId = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = t.service(i) + '\u0000' + t.name(i);
    let k = keyIds.get(key);
    if (k === undefined) keyIds.set(key, (k = keyIds.size));
    keyId[i] = k;
  }
  return { t, kids: lists.slice(1), top: lists[0]!, keyId };
}

/** Pair up two sibling lists by (key, occurrence). Order: B's order, then A-only spans in A's order. */
function pairSiblings(a: Side, aList: Int32Array, b: Side, bList: Int32Array): [number, number, number][] {
  const occA = new Map<number, number>();
  const byKeyOcc = new Map<number, Map<number, number>>();
  const aOcc = new Int32Array(aList.length);
  for (let k = 0; k < aList.length; k++) {
    const key = a.keyId[aList[k]!]!;
    const o = occA.get(key) ?? 0;
    occA.set(key, o + 1);
    aOcc[k] = o;
    let m = byKeyOcc.get(key);
    if (!m) byKeyOcc.set(key, (m = new Map()));
    m.set(o, k);
  }
  const used = new Uint8Array(aList.length);
  const out: [number, number, number][] = [];
  const occB = new Map<number, number>();
  for (let k = 0; k < bList.length; k++) {
    const j = bList[k]!;
    const key = b.keyId[j]!;
    const o = occB.get(key) ?? 0;
    occB.set(key, o + 1);
    const ka = byKeyOcc.get(key)?.get(o);
    if (ka !== undefined) { used[ka] = 1; out.push([aList[ka]!, j, o]); } else out.push([-1, j, o]);
  }
  for (let k = 0; k < aList.length; k++) if (!used[k]) out.push([aList[k]!, -1, aOcc[k]!]);
  return out;
}

export function compareTraces(aTable: SpanTable, bTable: SpanTable, opts: CompareOptions = {}): TraceDiff {
  const ratio = opts.changeRatio ?? 0.1;
  const minNs = opts.minChangeNs ?? 50_000;
  const limit = opts.summaryLimit ?? 10;
  const keyIds = new Map<string, number>();
  const A = sideOf(aTable, keyIds), B = sideOf(bTable, keyIds);
  const rows: DiffRow[] = [];
  const counts: Record<DiffStatus, number> = { same: 0, changed: 0, added: 0, removed: 0 };
  const EMPTY = new Int32Array(0);

  // explicit stack (traces can be thousands of levels deep after broken parents): [aList, bList, parentRow, depth]
  const stack: [Int32Array, Int32Array, number, number][] = [[A.top, B.top, -1, 0]];
  const childDeltaSum: number[] = [];
  while (stack.length) {
    const [aList, bList, parentRow, depth] = stack.pop()!;
    const pairs = pairSiblings(A, aList, B, bList);
    const frames: [Int32Array, Int32Array, number, number][] = [];
    for (const [ai, bi, occ] of pairs) {
      const src = bi >= 0 ? bTable : aTable, si = bi >= 0 ? bi : ai;
      const aNs = ai >= 0 ? aTable.durationNs(ai) : 0;
      const bNs = bi >= 0 ? bTable.durationNs(bi) : 0;
      const aError = ai >= 0 && aTable.isError(ai), bError = bi >= 0 && bTable.isError(bi);
      const delta = bNs - aNs;
      const status: DiffStatus = ai < 0 ? 'added' : bi < 0 ? 'removed'
        : aError !== bError || Math.abs(delta) >= Math.max(minNs, ratio * Math.max(aNs, bNs)) ? 'changed' : 'same';
      counts[status]++;
      const row = rows.length;
      rows.push({ parent: parentRow, depth, service: src.service(si), name: src.name(si), occurrence: occ, a: ai, b: bi, aNs, bNs, deltaNs: delta, selfDeltaNs: delta, status, aError, bError });
      childDeltaSum.push(0);
      if (parentRow >= 0) childDeltaSum[parentRow]! += delta;
      frames.push([ai >= 0 ? A.kids[ai]! : EMPTY, bi >= 0 ? B.kids[bi]! : EMPTY, row, depth + 1]);
    }
    // children must come right after their parent row (preorder): push in reverse
    for (let k = frames.length - 1; k >= 0; k--) stack.push(frames[k]!);
  }
  // The loop above emits siblings of a list together, then descends: re-order into true preorder.
  const ordered = toPreorder(rows);
  const newIndex = new Int32Array(rows.length);
  ordered.forEach((r, k) => { newIndex[r] = k; });
  const final: DiffRow[] = ordered.map(r => {
    const x = rows[r]!;
    return { ...x, parent: x.parent < 0 ? -1 : newIndex[x.parent]!, selfDeltaNs: x.deltaNs - childDeltaSum[r]! };
  });

  const items = final.map((r, row): TraceDiffSummaryItem => ({ row, service: r.service, name: r.name, status: r.status, deltaNs: r.deltaNs, selfDeltaNs: r.selfDeltaNs }))
    .filter(x => x.status !== 'same');
  const regressions = items.filter(x => x.selfDeltaNs > 0).sort((x, y) => y.selfDeltaNs - x.selfDeltaNs).slice(0, limit);
  const improvements = items.filter(x => x.selfDeltaNs < 0).sort((x, y) => x.selfDeltaNs - y.selfDeltaNs).slice(0, limit);
  return {
    aTraceId: aTable.traceId, bTraceId: bTable.traceId,
    aDurationNs: traceSpanNs(aTable), bDurationNs: traceSpanNs(bTable),
    rows: final, counts, regressions, improvements,
  };
}

function traceSpanNs(t: SpanTable): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < t.spanCount; i++) { const s = t.relStartNs(i); lo = Math.min(lo, s); hi = Math.max(hi, s + t.durationNs(i)); }
  return t.spanCount ? hi - lo : 0;
}

/** Row indices in depth-first order (rows were created breadth-first within each sibling list). */
function toPreorder(rows: readonly DiffRow[]): number[] {
  const kids: number[][] = rows.map(() => []);
  const top: number[] = [];
  rows.forEach((r, i) => (r.parent < 0 ? top : kids[r.parent]!).push(i));
  const out: number[] = [];
  const stack = [...top].reverse();
  while (stack.length) {
    const r = stack.pop()!;
    out.push(r);
    const k = kids[r]!;
    for (let j = k.length - 1; j >= 0; j--) stack.push(k[j]!);
  }
  return out;
}
