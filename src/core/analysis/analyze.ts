// Everything the views and the CLI need from one trace, computed in a few linear passes over the tree.
import type { Trace } from '../model';
import { extractCodeLocation } from '../code/location';
import { computeCriticalPath, criticalPathSpans } from './critical-path';
import { computeFindings } from './findings';
import { computeStats } from './stats';
import { buildTree } from './tree';
import type { AnalyzeOptions, CodeLocation, TraceAnalysis, TraceTree } from './types';
import { SpanFlag } from './types';

/** Durations as a typed array (from the tree when it has them). */
export function durationsOf(tree: TraceTree): Float64Array {
  if (tree.spanDurationNs) return tree.spanDurationNs;
  const spans = tree.trace.spans;
  const dur = new Float64Array(spans.length);
  for (let i = 0; i < spans.length; i++) dur[i] = spans[i]!.durationNs;
  return dur;
}

/** Self time: the span's duration not covered by the union of its children (clipped to the span). */
export function computeSelfTime(tree: TraceTree, start: Float64Array): Float64Array {
  const dur = durationsOf(tree);
  const n = dur.length;
  const self = new Float64Array(n);
  let scratch: number[] | undefined;
  for (let i = 0; i < n; i++) {
    const d = dur[i]!;
    let kids = tree.children[i]!;
    if (kids.length === 0) { self[i] = d; continue; }
    const ps = start[i]!, pe = ps + d;
    // adjusted times may reorder children slightly: re-sort only then
    for (let k = 1; k < kids.length; k++) {
      if (start[kids[k]!]! < start[kids[k - 1]!]!) {
        scratch = [...kids].sort((a, b) => start[a]! - start[b]!);
        kids = scratch;
        break;
      }
    }
    let covered = 0;
    let curS = -Infinity, curE = -Infinity;
    for (const c of kids) {
      let cs = start[c]!, ce = cs + dur[c]!;
      if (cs < ps) cs = ps;
      if (ce > pe) ce = pe;
      if (ce <= cs) continue;
      if (cs > curE) {
        if (curE > curS) covered += curE - curS;
        curS = cs; curE = ce;
      } else if (ce > curE) curE = ce;
    }
    if (curE > curS) covered += curE - curS;
    self[i] = Math.max(0, d - covered);
  }
  return self;
}

export function analyzeTree(tree: TraceTree, opts: AnalyzeOptions = {}): TraceAnalysis {
  const skew = opts.skew ?? 'raw';
  const spans = tree.trace.spans;
  const n = spans.length;
  const flags = tree.flags;

  let start = tree.relStartNs;
  if (skew === 'adjust') {
    start = new Float64Array(n);
    for (let i = 0; i < n; i++) start[i] = tree.relStartNs[i]! + tree.skewNs[i]!;
  }

  const selfTimeNs = computeSelfTime(tree, start);

  // the critical path of the top-level span that ends last: it decided the trace's end-to-end latency
  const dur = durationsOf(tree);
  let root = -1, rootEnd = -Infinity;
  for (const r of tree.roots) {
    const e = start[r]! + dur[r]!;
    if (e > rootEnd) { rootEnd = e; root = r; }
  }
  const criticalSections = computeCriticalPath(tree, start, dur, root);
  const criticalPath = criticalPathSpans(criticalSections, start, tree.depth);
  // the tree may be analysed again with other options: the Critical bit reflects this analysis only
  for (let i = 0; i < n; i++) flags[i]! &= ~SpanFlag.Critical;
  for (const i of criticalPath) flags[i]! |= SpanFlag.Critical;

  const errorOrigins: number[] = [];
  const propagatedErrors: number[] = [];
  let errorCount = 0;
  for (let k = 0; k < n; k++) {
    const i = tree.preorder[k]!;
    if (!(flags[i]! & SpanFlag.Error)) continue;
    errorCount++;
    let childFailed = false;
    for (const c of tree.children[i]!) if (flags[c]! & SpanFlag.Error) { childFailed = true; break; }
    (childFailed ? propagatedErrors : errorOrigins).push(i);
  }

  const codeLocations: (CodeLocation | undefined)[] = new Array<CodeLocation | undefined>(n);
  for (let i = 0; i < n; i++) codeLocations[i] = extractCodeLocation(spans[i]!);

  let maxDepth = 0;
  for (let i = 0; i < n; i++) if (tree.depth[i]! > maxDepth) maxDepth = tree.depth[i]!;

  const { services, operations } = computeStats(spans, selfTimeNs, flags, durationsOf(tree));
  const findings = computeFindings({ tree, start, codeLocations, errorOrigins, skew, serviceNames: services.map(s => s.service), selfTimeNs, criticalSections });

  return {
    tree, skew, selfTimeNs, criticalPath, criticalSections, services, operations,
    errorOrigins, propagatedErrors, findings, codeLocations, maxDepth, errorCount,
  };
}

export function analyzeTrace(trace: Trace, opts: AnalyzeOptions = {}): TraceAnalysis {
  return analyzeTree(buildTree(trace), opts);
}
