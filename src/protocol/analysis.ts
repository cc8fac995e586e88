// Messages between the extension host and the analysis webview (dist/analysis.js): service graph, trace
// comparison and latency distribution. Same handshake as the waterfall (messages.ts): the webview says `ready`,
// the host answers with ONE `init`; both sides validate what they receive and drop what does not match.

import * as z from '../core/schema';
import type { ServiceGraph } from '../core/analysis/graph';
import type { TraceDiff } from '../core/analysis/compare';
import type { LatencyDistribution } from '../core/analysis/distribution';
import { ANALYSIS_PROTOCOL_VERSION, MAX_RECIPE_TRACES } from './version';

const name = z.maxString(4096);
// (zod 4's numbers are finite: Infinity and NaN do not pass.)
const ns = z.number();
const count = z.nonNegativeInt();
const traceId = z.nonEmptyString(256);
const spanId = z.nonEmptyString(256);

const graphSchema = z.object({
  nodes: z.array(z.object({
    service: name, requests: count, errors: count, errorRate: z.number().check(z.gte(0), z.lte(1)),
    p95Ns: z.optional(ns), p50Ns: z.optional(ns), spanCount: count, errorOrigins: count,
  })).check(z.maxLength(5000)),
  edges: z.array(z.object({
    from: name, to: name, count, errors: count, p50Ns: z.optional(ns), p95Ns: z.optional(ns), errorSpread: count,
  })).check(z.maxLength(50_000)),
  traceCount: count,
  source: z.enum(['spans', 'backend']),
}) satisfies z.core.$ZodType<ServiceGraph>;

const diffStatus = z.enum(['same', 'changed', 'added', 'removed']);
const summaryItem = z.object({ row: count, service: name, name, status: diffStatus, deltaNs: ns, selfDeltaNs: ns });
const diffSchema = z.object({
  aTraceId: z.string().check(z.maxLength(256)), bTraceId: z.string().check(z.maxLength(256)), aDurationNs: ns, bDurationNs: ns,
  rows: z.array(z.object({
    parent: z.int().check(z.gte(-1)), depth: count, service: name, name, occurrence: count,
    a: z.int().check(z.gte(-1)), b: z.int().check(z.gte(-1)), aNs: ns, bNs: ns, deltaNs: ns, selfDeltaNs: ns,
    status: diffStatus, aError: z.boolean(), bError: z.boolean(),
  })).check(z.maxLength(2_000_000)),
  counts: z.object({ same: count, changed: count, added: count, removed: count }),
  regressions: z.array(summaryItem).check(z.maxLength(1000)),
  improvements: z.array(summaryItem).check(z.maxLength(1000)),
}) satisfies z.core.$ZodType<TraceDiff>;

const sample = z.object({ traceId, spanId, durationNs: ns, error: z.boolean() });
const distributionSchema = z.object({
  operation: z.object({ service: name, name }),
  traceCount: count, sampleCount: count, minNs: ns, maxNs: ns, p50Ns: ns, p95Ns: ns, p99Ns: ns,
  scale: z.enum(['log', 'linear']),
  buckets: z.array(z.object({ x0: ns, x1: ns, count, errors: count, example: z.optional(sample) })).check(z.maxLength(1000)),
  slowThresholdNs: ns, slowCount: count,
  slowAttributes: z.array(z.object({
    key: name, value: name, fromResource: z.boolean(), slowCount: count, restCount: count,
    slowShare: z.number(), restShare: z.number(), lift: z.number(), score: z.number(),
  })).check(z.maxLength(1000)),
  slowest: z.array(sample).check(z.maxLength(1000)),
}) satisfies z.core.$ZodType<LatencyDistribution>;

const label = z.string().check(z.maxLength(1024));

export const analysisViewSchema = z.discriminatedUnion('view', [
  z.object({ view: z.literal('graph'), graph: graphSchema, scopeLabel: label }),
  z.object({ view: z.literal('compare'), diff: diffSchema, aLabel: label, bLabel: label }),
  z.object({ view: z.literal('distribution'), distribution: distributionSchema, scopeLabel: label }),
]);
/** What one analysis panel shows (the schema's output is assignable to it). */
export type AnalysisView =
  | { readonly view: 'graph'; readonly graph: ServiceGraph; readonly scopeLabel: string }
  | { readonly view: 'compare'; readonly diff: TraceDiff; readonly aLabel: string; readonly bLabel: string }
  | { readonly view: 'distribution'; readonly distribution: LatencyDistribution; readonly scopeLabel: string };
const _viewCheck: (v: z.infer<typeof analysisViewSchema>) => AnalysisView = v => v;
void _viewCheck;

const recipeTrace = z.object({ key: z.nonEmptyString(2048), label });
/**
 * What rebuilds an analysis panel after a window reload: which view and which traces (by trace key, never their
 * spans). The webview keeps it in its VS Code state; the host's panel serializer reads it back and validates it.
 * `live`: plus the receiver's Live traces at rebuild time; `backend`: the configured backend's name.
 */
export const analysisRecipeSchema = z.discriminatedUnion('view', [
  z.object({ v: z.literal(1), view: z.literal('graph'), traces: z.array(recipeTrace).check(z.maxLength(MAX_RECIPE_TRACES)), live: z.boolean(), backend: z.optional(name), scopeLabel: label }),
  z.object({ v: z.literal(1), view: z.literal('compare'), a: recipeTrace, b: recipeTrace }),
  z.object({ v: z.literal(1), view: z.literal('distribution'), operation: z.object({ service: name, name }), traces: z.array(recipeTrace).check(z.maxLength(MAX_RECIPE_TRACES)), live: z.boolean(), backend: z.optional(name) }),
]);
export type AnalysisRecipe = z.infer<typeof analysisRecipeSchema>;
export type AnalysisRecipeTrace = z.infer<typeof recipeTrace>;

/** The recipe in a webview state (`{ recipe }`), or undefined when there is none or it does not validate. */
export function recipeFromState(state: unknown, log: (m: string) => void): AnalysisRecipe | undefined {
  const raw = state && typeof state === 'object' ? (state as { recipe?: unknown }).recipe : undefined;
  if (raw === undefined) return undefined;
  const r = analysisRecipeSchema.safeParse(raw);
  if (r.success) return r.data;
  log(`dropped invalid analysis panel state: ${z.describeIssues(r.error)}`);
  return undefined;
}

const requestId = z.nonNegativeInt();

export const analysisHostMessageSchema = z.discriminatedUnion('type', [
  /** `recipe`: what the webview keeps in its state so that the panel can be rebuilt after a window reload. */
  z.object({ type: z.literal('init'), protocol: z.literal(ANALYSIS_PROTOCOL_VERSION), data: analysisViewSchema, recipe: z.optional(analysisRecipeSchema) }),
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(true) }),
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(false), error: z.string().check(z.maxLength(4096)) }),
  ]),
  z.object({ type: z.literal('error'), message: z.string().check(z.maxLength(4096)) }),
]);
export type AnalysisHostMessage =
  | { readonly type: 'init'; readonly protocol: typeof ANALYSIS_PROTOCOL_VERSION; readonly data: AnalysisView; readonly recipe?: AnalysisRecipe }
  | Exclude<z.infer<typeof analysisHostMessageSchema>, { type: 'init' }>;

export const analysisWebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.literal(ANALYSIS_PROTOCOL_VERSION) }),
  /** Request: filter the waterfall / trace list to this service (a graph node was activated). */
  z.object({ type: z.literal('filterService'), id: requestId, service: name }),
  /** Request: reveal the span of this merged-tree row in trace A or B. */
  z.object({ type: z.literal('revealDiffRow'), id: requestId, row: count, side: z.enum(['a', 'b']) }),
  /** Request: open a trace (an example of a histogram bucket, a slow sample). */
  z.object({ type: z.literal('openTrace'), id: requestId, traceId, spanId: z.optional(spanId) }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().check(z.maxLength(16_384)) }),
]);
export type AnalysisWebviewMessage = z.infer<typeof analysisWebviewMessageSchema>;
export type AnalysisRequest = Extract<AnalysisWebviewMessage, { id: number }>;


export function parseAnalysisHostMessage(data: unknown, log: (m: string) => void): AnalysisHostMessage | undefined {
  const r = analysisHostMessageSchema.safeParse(data);
  if (r.success) return r.data as AnalysisHostMessage;
  log(`dropped invalid host message: ${z.describeIssues(r.error)}`);
  return undefined;
}

export function parseAnalysisWebviewMessage(data: unknown, log: (m: string) => void): AnalysisWebviewMessage | undefined {
  const r = analysisWebviewMessageSchema.safeParse(data);
  if (r.success) return r.data;
  log(`dropped invalid analysis webview message: ${z.describeIssues(r.error)}`);
  return undefined;
}
