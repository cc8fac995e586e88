// From a fleet figure to a trace that shows it: the metric source's exemplars when it keeps them (Prometheus
// exemplars name the trace behind a bucket), else a trace backend searched for that service and operation with a
// duration near the p95 (closest first, then wider), else the embedded receiver's traces of that root operation.
// The trace found opens in the waterfall through the usual open paths (open by ID, a backend search result, the
// receiver), so it behaves like any trace opened by hand.
import * as vscode from 'vscode';
import { exampleDurationRanges, parseExampleArgs } from '../../core/fleet/lenses';
import type { FleetExemplar } from '../../core/fleet/types';
import { formatMs } from '../../core/fleet/format';
import { Commands } from '../commands';
import type { BackendsSource, ReceiverLike, TraceSearchResult } from '../sidebar/deps';
import type { FleetHub } from './fleetHub';
import { abortSignalOf } from '../lifecycle';

export interface ExampleDeps {
  readonly hub: FleetHub;
  readonly backends: () => BackendsSource | undefined;
  readonly receiver?: ReceiverLike;
  readonly log: vscode.LogOutputChannel;
  readonly now?: () => number;
}

const SEARCH_LIMIT = 20;

/** The one of several candidates closest to the p95 (newest first when there is no p95 or no duration). */
export function closestTo<T>(items: readonly T[], p95Ms: number | undefined, durationMs: (t: T) => number | undefined): T | undefined {
  if (p95Ms === undefined) return items[0];
  let best: T | undefined, bestGap = Infinity;
  for (const it of items) {
    const d = durationMs(it);
    const gap = d === undefined ? Infinity : Math.abs(Math.log(Math.max(d, 1e-3) / Math.max(p95Ms, 1e-3)));
    if (best === undefined || gap < bestGap) { best = it; bestGap = gap; }
  }
  return best;
}

export async function openFleetExamples(deps: ExampleDeps, arg: unknown): Promise<boolean> {
  const a = parseExampleArgs(arg);
  if (!a) return false;
  if (!deps.hub.configured) { await deps.hub.hintNoSources(); return false; }
  const { key } = a;
  const near = a.p95Ms !== undefined ? vscode.l10n.t(' near p95 {0}', formatMs(a.p95Ms)) : '';
  const opened = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Finding example traces of {0}{1}', key.spanName, near), cancellable: true }, async (_p, token) => {
    const signal = abortSignalOf(token);
    // 1. Exemplars kept by the metric source.
    const service = await deps.hub.service();
    let exemplars: FleetExemplar[] = [];
    try {
      exemplars = await service.exemplars(key, { startMs: a.startMs, endMs: a.endMs, stepMs: 60_000 }, signal);
    } catch (err) {
      if (token.isCancellationRequested) return 'cancelled';
      deps.log.warn(`fleet examples: exemplars failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ex = closestTo(exemplars, a.p95Ms, e => e.durationMs);
    if (ex) {
      deps.log.info(`fleet examples: exemplar trace ${ex.traceId} for ${key.service} ${key.spanName}`);
      await vscode.commands.executeCommand(Commands.openTraceById, { traceId: ex.traceId, ...(ex.spanId ? { spanId: ex.spanId } : {}) });
      return 'opened';
    }
    // 2. A trace backend's search for the operation, durations near the p95 first.
    const source = deps.backends();
    const now = deps.now?.() ?? Date.now();
    const lookbackMinutes = Math.max(1, Math.ceil((now - a.startMs) / 60_000));
    if (source?.search && source.open) {
      for (const b of source.list()) {
        for (const range of exampleDurationRanges(a.p95Ms)) {
          if (token.isCancellationRequested) return 'cancelled';
          let found: TraceSearchResult[] = [];
          try {
            found = await source.search(b.id, { service: key.service, operation: key.spanName, ...range, lookbackMinutes, limit: SEARCH_LIMIT }, token);
          } catch (err) {
            deps.log.warn(`fleet examples: searching ${b.label} failed: ${err instanceof Error ? err.message : String(err)}`);
            break;
          }
          const pick = closestTo(found, a.p95Ms, r => r.durationNs / 1e6);
          if (pick) {
            deps.log.info(`fleet examples: ${b.label} trace ${pick.traceId} (${found.length} found) for ${key.service} ${key.spanName}`);
            await source.open(b.id, pick.traceId, { startMs: pick.startMs, durationMs: pick.durationNs / 1e6 });
            return 'opened';
          }
        }
      }
    }
    // 3. The embedded receiver's traces rooted at this operation.
    const rx = deps.receiver;
    if (rx) {
      const mine = rx.list().filter(i => i.rootService === key.service && i.rootName === key.spanName && Number(i.startNs / 1_000_000n) >= a.startMs);
      const pick = closestTo(mine.sort((x, y) => y.lastUpdateMs - x.lastUpdateMs), a.p95Ms, i => i.durationNs / 1e6);
      if (pick) {
        await vscode.commands.executeCommand(Commands.openReceiverTrace, pick.traceId);
        return 'opened';
      }
    }
    return 'none';
  });
  if (opened === 'none') {
    void vscode.window.showInformationMessage(vscode.l10n.t('No example trace of {0} ({1}){2} found: the metric source keeps no exemplars, and no trace backend or the receiver has a matching trace in the window.', key.spanName, key.service, near));
  }
  return opened === 'opened';
}
