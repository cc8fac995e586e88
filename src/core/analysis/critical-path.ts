// The critical path as Jaeger computes it: start at the root's end and walk back in time. At each span,
// the child that finished last before the current cut-off was what the span waited for: the span is
// critical from that child's end to the cut-off, then the walk descends into the child. When no child
// remains, the span is critical from its own start to the cut-off and the walk returns to its parent with
// the cut-off moved to this span's start. As in Jaeger, FOLLOWS_FROM children are left out (the parent did
// not wait for them), children are clipped to their parent's interval, and children entirely outside it
// are ignored. Iterative (no recursion: a 100k-deep chain must not overflow the stack) and O(n log n):
// each visited span sorts its children once by end and keeps a cursor that only moves forward, since the
// cut-offs at one span only ever decrease.
import type { CriticalSection, TraceTree } from './types';

export function computeCriticalPath(
  tree: TraceTree,
  start: Float64Array,
  dur: Float64Array,
  root: number,
): CriticalSection[] {
  const sections: CriticalSection[] = [];
  if (root < 0) return sections;
  const spans = tree.trace.spans;
  const n = dur.length;
  const clipStart = new Float64Array(n);
  const clipEnd = new Float64Array(n);
  const sorted = new Map<number, Int32Array>();
  const cursor = new Map<number, number>();

  const byEndDesc = (cur: number): Int32Array => {
    let list = sorted.get(cur);
    if (list) return list;
    const ps = clipStart[cur]!, pe = clipEnd[cur]!;
    const kids = tree.children[cur]!;
    const keep: number[] = [];
    for (const c of kids) {
      if (spans[c]!.parentRefType === 'follows_from') continue;
      const cs = start[c]!, ce = cs + dur[c]!;
      if (cs > pe || ce < ps) continue;
      clipStart[c] = cs < ps ? ps : cs;
      clipEnd[c] = ce > pe ? pe : ce;
      keep.push(c);
    }
    keep.sort((a, b) => clipEnd[b]! - clipEnd[a]! || clipStart[b]! - clipStart[a]! || b - a);
    list = Int32Array.from(keep);
    sorted.set(cur, list);
    cursor.set(cur, 0);
    return list;
  };

  clipStart[root] = start[root]!;
  clipEnd[root] = start[root]! + dur[root]!;
  let cur = root;
  let cutoff = clipEnd[root]!;
  let returning = false;
  for (let guard = 0; guard <= 2 * n + 2; guard++) {
    const list = byEndDesc(cur);
    let k = cursor.get(cur)!;
    // first visit: the last-finishing child; on return: the last one that ended strictly before the cut-off
    while (k < list.length && (returning ? clipEnd[list[k]!]! >= cutoff : clipEnd[list[k]!]! > cutoff)) k++;
    if (k < list.length) {
      const child = list[k]!;
      cursor.set(cur, k + 1);
      if (clipEnd[child] !== cutoff) sections.push({ spanIndex: cur, startNs: clipEnd[child]!, endNs: cutoff });
      cur = child;
      cutoff = clipEnd[child]!;
      returning = false;
      continue;
    }
    cursor.set(cur, k);
    if (clipStart[cur] !== cutoff || sections.length === 0) sections.push({ spanIndex: cur, startNs: clipStart[cur]!, endNs: cutoff });
    if (cur === root) break;
    cutoff = clipStart[cur]!;
    cur = tree.parent[cur]!;
    returning = true;
  }
  return sections;
}

/** Spans on the path, each once, in time order: by start, ancestors before descendants on ties. */
export function criticalPathSpans(sections: readonly CriticalSection[], start: Float64Array, depth: Uint16Array): number[] {
  const seen = new Set<number>();
  for (const s of sections) seen.add(s.spanIndex);
  return [...seen].sort((a, b) => start[a]! - start[b]! || depth[a]! - depth[b]! || a - b);
}
