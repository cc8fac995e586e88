// The waterfall's flat row array, derived in one pass over the preorder: collapsed spans skip their subtree,
// filters keep a span when its mask bit is set. Pure and O(spans); rows are span indices.
import type { CompactView } from '../../src/protocol/compact';

export interface TreeIndex {
  /** Position of each span in the preorder. */
  readonly posOf: Int32Array;
  /** For preorder position p: the position just after p's last descendant. */
  readonly subtreeEnd: Int32Array;
  readonly childCount: Uint32Array;
  /** 1-based position among its siblings (top-level spans count as siblings), and the size of that set. */
  readonly posInSet: Uint32Array;
  readonly setSize: Uint32Array;
  readonly maxDepth: number;
}

export function buildTreeIndex(view: CompactView): TreeIndex {
  const n = view.spanCount;
  const { preorder, parent, depth } = view.cols;
  const posOf = new Int32Array(n);
  const childCount = new Uint32Array(n);
  const subtreeEnd = new Int32Array(n);
  const posInSet = new Uint32Array(n);
  const setSize = new Uint32Array(n);
  let maxDepth = 0;
  let roots = 0;
  for (let p = 0; p < n; p++) {
    const i = preorder[p]!;
    posOf[i] = p;
    const par = parent[i]!;
    // siblings come in preorder in their own order: a parent's child count so far is this one's position
    if (par >= 0) posInSet[i] = ++childCount[par]!;
    else posInSet[i] = ++roots;
    if (depth[i]! > maxDepth) maxDepth = depth[i]!;
  }
  // A span's subtree ends where the preorder next reaches a depth at or above its own.
  const stack: number[] = [];
  for (let p = 0; p < n; p++) {
    const d = depth[preorder[p]!]!;
    while (stack.length && depth[preorder[stack[stack.length - 1]!]!]! >= d) subtreeEnd[stack.pop()!] = p;
    stack.push(p);
  }
  while (stack.length) subtreeEnd[stack.pop()!] = n;
  for (let i = 0; i < n; i++) setSize[i] = parent[i]! >= 0 ? childCount[parent[i]!]! : roots;
  return { posOf, subtreeEnd, childCount, posInSet, setSize, maxDepth };
}

/** How spans are collapsed: a base rule plus per-span toggles (1 = the opposite of the base rule). */
export interface CollapseState {
  /** 'none': all expanded; 'all': every parent collapsed; a number N: spans at depth ≥ N-1 collapsed (show N levels). */
  readonly base: 'none' | 'all' | number;
  readonly toggled: Uint8Array;
}

export function isCollapsed(c: CollapseState, view: CompactView, index: TreeIndex, i: number): boolean {
  if (index.childCount[i] === 0) return false;
  const b = c.base;
  const baseCollapsed = b === 'none' ? false : b === 'all' ? true : view.cols.depth[i]! >= b - 1;
  return baseCollapsed !== (c.toggled[i] === 1);
}

/**
 * Visible rows in preorder. `keep` (optional) hides spans whose entry is 0 (filters); a hidden span's
 * descendants are still considered (a filter keeps ancestors itself when it wants a connected tree).
 */
export function buildRows(view: CompactView, index: TreeIndex, collapse: CollapseState, keep?: Uint8Array): Int32Array {
  const n = view.spanCount;
  const { preorder, depth } = view.cols;
  const out = new Int32Array(n);
  let count = 0;
  const { childCount, subtreeEnd } = index;
  const toggled = collapse.toggled;
  const b = collapse.base;
  const baseAll = b === 'all';
  const baseDepth = typeof b === 'number' ? b - 1 : -1;
  for (let p = 0; p < n; ) {
    const i = preorder[p]!;
    if (keep && keep[i] === 0) { p++; continue; }
    out[count++] = i;
    if (childCount[i]! > 0) {
      const baseCollapsed = baseAll || (baseDepth >= 0 && depth[i]! >= baseDepth);
      if (baseCollapsed !== (toggled[i] === 1)) { p = subtreeEnd[p]!; continue; }
    }
    p++;
  }
  return out.subarray(0, count);
}

/** Mark every ancestor of each marked span (so that a filter shows a connected tree). */
export function withAncestors(view: CompactView, mask: Uint8Array): Uint8Array {
  const out = mask.slice();
  const parent = view.cols.parent;
  for (let i = 0; i < view.spanCount; i++) {
    if (mask[i] !== 1) continue;
    let p = parent[i]!;
    while (p >= 0 && out[p] !== 1) { out[p] = 1; p = parent[p]!; }
  }
  return out;
}

/** Expand every collapsed ancestor of span i (so that it becomes a row). Returns a new toggle array when changed. */
export function revealInCollapse(c: CollapseState, view: CompactView, index: TreeIndex, i: number): CollapseState {
  let toggled: Uint8Array | undefined;
  for (let p = view.cols.parent[i]!; p >= 0; p = view.cols.parent[p]!) {
    if (isCollapsed(toggled ? { base: c.base, toggled } : c, view, index, p)) {
      toggled ??= c.toggled.slice();
      toggled[p] = toggled[p] === 1 ? 0 : 1;
    }
  }
  return toggled ? { base: c.base, toggled } : c;
}
