// Messages between the extension host and the analysis webview (dist/analysis.js): service graph, trace
// comparison and latency distribution. Same handshake as the waterfall (messages.ts): the webview says `ready`,
// the host answers with ONE `init`; both sides validate what they receive and drop what does not match.

import * as z from 'zod';
import type { ServiceGraph } from '../core/analysis/graph';
import type { TraceDiff } from '../core/analysis/compare';
import type { LatencyDistribution } from '../core/analysis/distribution';
import { ANALYSIS_PROTOCOL_VERSION, MAX_RECIPE_TRACES } from './version';

const name = z.string().max(4096);
const ns = z.number().finite();
const count = z.number().int().nonnegative();
const traceId = z.string().min(1).max(256);
const spanId = z.string().min(1).max(256);

const graphSchema = z.object({
  nodes: z.array(z.object({
    service: name, requests: count, errors: count, errorRate: z.number().min(0).max(1),
    p95Ns: ns.optional(), p50Ns: ns.optional(), spanCount: count, errorOrigins: count,
  })).max(5000),
  edges: z.array(z.object({
    from: name, to: name, count, errors: count, p50Ns: ns.optional(), p95Ns: ns.optional(), errorSpread: count,
  })).max(50_000),
  traceCount: count,
  source: z.enum(['spans', 'backend']),
}) satisfies z.ZodType<ServiceGraph>;

const diffStatus = z.enum(['same', 'changed', 'added', 'removed']);
const summaryItem = z.object({ row: count, service: name, name, status: diffStatus, deltaNs: ns, selfDeltaNs: ns });
const diffSchema = z.object({
  aTraceId: z.string().max(256), bTraceId: z.string().max(256), aDurationNs: ns, bDurationNs: ns,
  rows: z.array(z.object({
    parent: z.number().int().min(-1), depth: count, service: name, name, occurrence: count,
    a: z.number().int().min(-1), b: z.number().int().min(-1), aNs: ns, bNs: ns, deltaNs: ns, selfDeltaNs: ns,
    status: diffStatus, aError: z.boolean(), bError: z.boolean(),
  })).max(2_000_000),
  counts: z.object({ same: count, changed: count, added: count, removed: count }),
  regressions: z.array(summaryItem).max(1000),
  improvements: z.array(summaryItem).max(1000),
}) satisfies z.ZodType<TraceDiff>;

const sample = z.object({ traceId, spanId, durationNs: ns, error: z.boolean() });
const distributionSchema = z.object({
  operation: z.object({ service: name, name }),
  traceCount: count, sampleCount: count, minNs: ns, maxNs: ns, p50Ns: ns, p95Ns: ns, p99Ns: ns,
  scale: z.enum(['log', 'linear']),
  buckets: z.array(z.object({ x0: ns, x1: ns, count, errors: count, example: sample.optional() })).max(1000),
  slowThresholdNs: ns, slowCount: count,
  slowAttributes: z.array(z.object({
    key: name, value: name, fromResource: z.boolean(), slowCount: count, restCount: count,
    slowShare: z.number(), restShare: z.number(), lift: z.number(), score: z.number(),
  })).max(1000),
  slowest: z.array(sample).max(1000),
}) satisfies z.ZodType<LatencyDistribution>;

const label = z.string().max(1024);

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

const recipeTrace = z.object({ key: z.string().min(1).max(2048), label });
/**
 * What rebuilds an analysis panel after a window reload: which view and which traces (by trace key, never their
 * spans). The webview keeps it in its VS Code state; the host's panel serializer reads it back and validates it.
 * `live`: plus the receiver's Live traces at rebuild time; `backend`: the configured backend's name.
 */
export const analysisRecipeSchema = z.discriminatedUnion('view', [
  z.object({ v: z.literal(1), view: z.literal('graph'), traces: z.array(recipeTrace).max(MAX_RECIPE_TRACES), live: z.boolean(), backend: name.optional(), scopeLabel: label }),
  z.object({ v: z.literal(1), view: z.literal('compare'), a: recipeTrace, b: recipeTrace }),
  z.object({ v: z.literal(1), view: z.literal('distribution'), operation: z.object({ service: name, name }), traces: z.array(recipeTrace).max(MAX_RECIPE_TRACES), live: z.boolean(), backend: name.optional() }),
]);
export type AnalysisRecipe = z.infer<typeof analysisRecipeSchema>;
export type AnalysisRecipeTrace = z.infer<typeof recipeTrace>;

/** The recipe in a webview state (`{ recipe }`), or undefined when there is none or it does not validate. */
export function recipeFromState(state: unknown, log: (m: string) => void): AnalysisRecipe | undefined {
  const raw = state && typeof state === 'object' ? (state as { recipe?: unknown }).recipe : undefined;
  if (raw === undefined) return undefined;
  const r = analysisRecipeSchema.safeParse(raw);
  if (r.success) return r.data;
  log(`dropped invalid analysis panel state: ${describe(r.error)}`);
  return undefined;
}

const requestId = z.number().int().nonnegative();

export const analysisHostMessageSchema = z.discriminatedUnion('type', [
  /** `recipe`: what the webview keeps in its state so that the panel can be rebuilt after a window reload. */
  z.object({ type: z.literal('init'), protocol: z.literal(ANALYSIS_PROTOCOL_VERSION), data: analysisViewSchema, recipe: analysisRecipeSchema.optional() }),
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(true) }),
    z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(false), error: z.string().max(4096) }),
  ]),
  z.object({ type: z.literal('error'), message: z.string().max(4096) }),
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
  z.object({ type: z.literal('openTrace'), id: requestId, traceId, spanId: spanId.optional() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(16_384) }),
]);
export type AnalysisWebviewMessage = z.infer<typeof analysisWebviewMessageSchema>;
export type AnalysisRequest = Extract<AnalysisWebviewMessage, { id: number }>;

function describe(error: z.ZodError): string {
  return error.issues.slice(0, 3).map(i => `${i.path.join('.') || '$'}: ${i.message}`).join('; ');
}

export function parseAnalysisHostMessage(data: unknown, log: (m: string) => void): AnalysisHostMessage | undefined {
  const r = analysisHostMessageSchema.safeParse(data);
  if (r.success) return r.data as AnalysisHostMessage;
  log(`dropped invalid host message: ${describe(r.error)}`);
  return undefined;
}

export function parseAnalysisWebviewMessage(data: unknown, log: (m: string) => void): AnalysisWebviewMessage | undefined {
  const r = analysisWebviewMessageSchema.safeParse(data);
  if (r.success) return r.data;
  log(`dropped invalid analysis webview message: ${describe(r.error)}`);
  return undefined;
}
