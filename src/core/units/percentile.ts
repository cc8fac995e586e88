// The one percentile definition: nearest rank. The p-th percentile of n sorted values is the value at rank
// ceil(p·n) (1-based), so p50 of [10, 12, 14, 16] is 12 and p95 of 20 values is the 19th.
//
// Why nearest rank and not interpolation (d3-array's quantile, R-7): every percentile shown is a duration some span
// really took, so "p95 120 ms" in a CodeLens, the Statistics tab, the service graph and the latency distribution is
// a span a person can find and open, never a value between two spans that no request had (with 6 samples,
// interpolation puts the p95 at 94.5 ms between 18 ms and 120 ms). Spanscope's sets are small (one trace's
// operations, an aggregate of a few dozen traces), where that difference is large; on big sets the two agree.
// It is also one index read, with no allocation, in the per-group loops of the analysis.
//
// Every view (host, webview, CLI, MCP tools, analysis, the editor's aggregates) computes percentiles here;
// test/unit/core/units/p95-everywhere.test.ts checks they all show the same p95 for the same spans.

/** Nearest-rank percentile of ascending `sorted`, `q` in (0, 1]; 0 for no values. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  // The epsilon keeps a product that should be whole from rounding up a rank (0.07 × 100 is 7.000000000000001).
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
  return sorted[rank - 1]!;
}
