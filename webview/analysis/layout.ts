// Layered layout of a service graph: a service's column is its longest call distance from an entry service
// (cycles broken by visiting each node once per walk), rows ordered by the mean row of their callers (one
// barycentre pass). Deterministic, so tests and screenshots are stable.
import type { ServiceGraph } from '../../src/core/analysis/graph';

export interface LaidOutNode { readonly service: string; readonly x: number; readonly y: number; readonly layer: number }
export interface GraphLayout { readonly nodes: readonly LaidOutNode[]; readonly width: number; readonly height: number }

export const NODE_W = 170, NODE_H = 44, GAP_X = 90, GAP_Y = 26;

export function layoutGraph(g: ServiceGraph): GraphLayout {
  const names = g.nodes.map(n => n.service);
  const index = new Map(names.map((s, i) => [s, i]));
  const out: number[][] = names.map(() => []);
  const indeg = new Int32Array(names.length);
  for (const e of g.edges) {
    const a = index.get(e.from), b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    out[a]!.push(b);
    indeg[b]!++;
  }
  // longest path layering over the DAG left after dropping back edges (DFS order)
  const layer = new Int32Array(names.length).fill(-1);
  const state = new Uint8Array(names.length); // 0 new, 1 on stack, 2 done
  const dag: number[][] = names.map(() => []);
  const visit = (root: number) => {
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      if (k < out[v]!.length) {
        top[1]++;
        const w = out[v]![k]!;
        if (state[w] === 1) continue; // back edge: a cycle
        dag[v]!.push(w);
        if (state[w] === 0) { state[w] = 1; stack.push([w, 0]); }
      } else { state[v] = 2; stack.pop(); }
    }
  };
  const order = names.map((_, i) => i).sort((a, b) => indeg[a]! - indeg[b]! || a - b);
  for (const i of order) if (state[i] === 0) visit(i);
  // topological order of the DAG (Kahn), then longest-path layers
  const din = new Int32Array(names.length);
  for (const l of dag) for (const w of l) din[w]!++;
  const queue = order.filter(i => din[i] === 0);
  for (const i of queue) layer[i] = Math.max(layer[i]!, 0);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const w of dag[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--din[w]! === 0) queue.push(w);
    }
  }
  const layers: number[][] = [];
  for (let i = 0; i < names.length; i++) (layers[Math.max(0, layer[i]!)] ??= []).push(i);
  const row = new Float64Array(names.length);
  const callers: number[][] = names.map(() => []);
  for (let v = 0; v < names.length; v++) for (const w of out[v]!) callers[w]!.push(v);
  layers.forEach((l, li) => {
    if (li > 0) {
      const bary = (v: number) => { const c = callers[v]!.filter(u => layer[u]! < li); return c.length ? c.reduce((s, u) => s + row[u]!, 0) / c.length : Infinity; };
      l.sort((a, b) => bary(a) - bary(b) || a - b);
    }
    l.forEach((v, k) => { row[v] = k; });
  });
  const tallest = Math.max(1, ...layers.map(l => l.length));
  const nodes = names.map((service, i) => {
    const li = Math.max(0, layer[i]!);
    const count = layers[li]!.length;
    const offset = ((tallest - count) * (NODE_H + GAP_Y)) / 2;
    return { service, layer: li, x: 20 + li * (NODE_W + GAP_X), y: 20 + offset + row[i]! * (NODE_H + GAP_Y) };
  });
  return { nodes, width: 40 + layers.length * (NODE_W + GAP_X) - GAP_X, height: 40 + tallest * (NODE_H + GAP_Y) - GAP_Y };
}
