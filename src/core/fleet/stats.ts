// FleetStats from what an engine answers for one key: quantiles in ms, and calls and errors as rates per second.
// Prometheus and Tempo answer in this shape; Jaeger SPM gives the error ratio itself.
import type { FleetKey, FleetPoint, FleetStats, FleetWindow } from './types';

export interface KeyFigures {
  readonly key: FleetKey;
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
  /** Calls per second. */
  readonly calls: number;
  /** Errors per second. */
  readonly errors?: number;
}

/** The error ratio is errors ÷ calls, at most 1 (two rates read at slightly different instants can exceed it); no
 * ratio without calls. */
export function fleetStats(a: KeyFigures, window: FleetWindow, p95Series: readonly FleetPoint[]): FleetStats {
  return {
    key: a.key,
    window,
    ...(a.p50 !== undefined ? { p50Ms: a.p50 } : {}),
    ...(a.p95 !== undefined ? { p95Ms: a.p95 } : {}),
    ...(a.p99 !== undefined ? { p99Ms: a.p99 } : {}),
    callsPerSec: a.calls,
    ...(a.calls > 0 ? { errorRatio: Math.min(1, (a.errors ?? 0) / a.calls) } : {}),
    p95Series,
  };
}
