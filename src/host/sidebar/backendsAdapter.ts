// The configured backends (F's BackendManager) as the Backends view's list and the Traces view's search.
// Structural, so the side panel does not depend on the manager's internals; extension.ts wires it with
// `insights.registerBackendsSource(backendsSource(manager, prepare, traces))`.
import * as vscode from 'vscode';
import type { Trace } from '../../core/model';
import type { PreparedTraceLike, TraceService } from '../traces/traceService';
import type { BackendItem, BackendsSource, TraceLookupHint, TraceSearchQuery, TraceSearchResult } from './deps';
import { withBackendProgress } from '../backends/backendProgress';
import { abortSignalOf } from '../lifecycle';

interface HealthLike { readonly reachable: boolean; readonly version?: string; readonly lastError?: string; readonly latencyMs?: number }
interface SummaryLike {
  readonly traceId: string; readonly rootService?: string; readonly rootName?: string; readonly startNs?: bigint;
  readonly durationMs?: number; readonly spanCount?: number; readonly errorCount?: number;
}
interface BackendLike {
  readonly config: { readonly name: string; readonly type: string; readonly url: string; readonly timeoutMs?: number };
  readonly displayName: string;
  search(q: {
    service?: string; operation?: string; tags?: Record<string, string>; minDurationMs?: number; maxDurationMs?: number;
    start?: Date; end?: Date; limit?: number; traceql?: string;
  }, signal?: AbortSignal): Promise<readonly SummaryLike[]>;
  services(signal?: AbortSignal): Promise<string[]>;
}
export interface BackendManagerLike {
  readonly onDidChange: vscode.Event<unknown>;
  healthSnapshot(): Array<{ config: { name: string; type: string; url: string }; displayName: string; health: HealthLike | undefined }>;
  byName(name: string): BackendLike | undefined;
  findTrace(traceId: string, opts: { onlyBackend?: string; signal?: AbortSignal; hint?: TraceLookupHint }): Promise<{ trace: Trace; source: string; backendName?: string }>;
}

/** `http.status_code=500 error=true` → {"http.status_code":"500","error":"true"}; a `{…}` query is TraceQL. */
export function parseTags(text: string | undefined): { tags?: Record<string, string>; traceql?: string } {
  const t = text?.trim();
  if (!t) return {};
  if (t.startsWith('{')) return { traceql: t };
  const tags: Record<string, string> = {};
  for (const m of t.matchAll(/([^\s=]+)=("([^"]*)"|\S*)/g)) tags[m[1]!] = m[3] ?? m[2]!;
  return Object.keys(tags).length ? { tags } : {};
}

export function backendsSource(manager: BackendManagerLike, prepare: (t: Trace) => PreparedTraceLike | Promise<PreparedTraceLike>, traces: TraceService, now = () => Date.now()): BackendsSource {
  return {
    onDidChange: manager.onDidChange,
    list: (): BackendItem[] => manager.healthSnapshot().map(b => ({
      id: b.config.name,
      label: b.displayName,
      kind: b.config.type,
      status: b.health === undefined ? 'unknown' : b.health.reachable ? 'ok' : 'error',
      detail: b.health?.reachable ? [b.health.version, b.health.latencyMs !== undefined ? `${Math.round(b.health.latencyMs)} ms` : undefined].filter(Boolean).join(' · ') || b.config.url
        : b.health?.lastError ?? b.config.url,
    })),
    services: async (id, token) => (await manager.byName(id)?.services(abortSignalOf(token))) ?? [],
    search: async (id: string, q: TraceSearchQuery, token: vscode.CancellationToken): Promise<TraceSearchResult[]> => {
      const b = manager.byName(id);
      if (!b) return [];
      const end = new Date(now());
      const found = await b.search({
        ...(q.service ? { service: q.service } : {}), ...(q.operation ? { operation: q.operation } : {}), ...parseTags(q.tags),
        ...(q.minDurationMs !== undefined ? { minDurationMs: q.minDurationMs } : {}), ...(q.maxDurationMs !== undefined ? { maxDurationMs: q.maxDurationMs } : {}),
        start: new Date(end.getTime() - q.lookbackMinutes * 60_000), end, limit: q.limit,
      }, abortSignalOf(token));
      return found.map(s => ({
        traceId: s.traceId, rootService: s.rootService ?? '?', rootName: s.rootName ?? '?', durationNs: (s.durationMs ?? 0) * 1e6,
        spanCount: s.spanCount ?? 0, errorCount: s.errorCount ?? 0, startMs: s.startNs !== undefined ? Number(s.startNs / 1_000_000n) : end.getTime(),
      }));
    },
    fetch: async (id: string, traceId: string, token: vscode.CancellationToken) => prepare((await manager.findTrace(traceId, { onlyBackend: id, signal: abortSignalOf(token) })).trace),
    open: async (id: string, traceId: string, hint?: TraceLookupHint) => {
      const found = await withBackendProgress(vscode.l10n.t('Fetching trace {0}…', traceId), { backend: manager.byName(id)?.displayName ?? id, timeoutsMs: [manager.byName(id)?.config.timeoutMs] },
        signal => manager.findTrace(traceId, { onlyBackend: id, ...(hint ? { hint } : {}), signal }));
      const prepared = await prepare(found.trace);
      return traces.open(prepared, { kind: 'backend', label: found.source, backend: found.backendName ?? id });
    },
  };
}
