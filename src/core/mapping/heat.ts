// Five heat levels for gutter marks. In a single trace a line's level is its share of the trace's duration
// (absolute: 40% of the request is hot wherever it is). In aggregate mode it is the line's p95 rank within
// the file (the data's own distribution, as GitLens' heatmap and jaeger-ui's latency stats do).

export type HeatLevel = 0 | 1 | 2 | 3 | 4;
export const HEAT_LEVELS: readonly HeatLevel[] = [0, 1, 2, 3, 4];
/** Lower bounds of levels 1..4 as shares of the trace duration. */
export const SHARE_THRESHOLDS: readonly number[] = [0.05, 0.15, 0.3, 0.5];

export function heatByShare(share: number): HeatLevel {
  let level = 0;
  for (const t of SHARE_THRESHOLDS) if (share >= t) level++;
  return level as HeatLevel;
}

/**
 * Levels by rank: values are ranked ascending and split into five equal groups (equal values share a level,
 * the highest they reach). A single value is level 4 only if it is positive.
 */
export function heatByRank(values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    // Percentile rank of the group's top: (j+1)/n in (0,1].
    const level = values[order[i]!]! <= 0 ? 0 : Math.min(4, Math.ceil(((j + 1) / n) * 5) - 1);
    for (let k = i; k <= j; k++) out[order[k]!] = level;
    i = j + 1;
  }
  return out;
}
