// Hot Spots' two fleet lists: the slowest code in the fleet (by p95), and what regressed since the baseline window
// (current p95 over baseline p95, highest ratio first). Pure.
import { fleetKeyId, type FleetLocated } from './locate';
import type { FleetStats } from './types';

/** Ratios below this are noise, not a regression (p95 of a histogram moves by a bucket easily). */
export const MIN_REGRESSION_RATIO = 1.1;

export function slowest(located: readonly FleetLocated[], limit: number): FleetLocated[] {
  return located.filter(l => l.stats.p95Ms !== undefined && Number.isFinite(l.stats.p95Ms))
    .sort((a, b) => b.stats.p95Ms! - a.stats.p95Ms! || a.file.localeCompare(b.file) || a.line - b.line)
    .slice(0, Math.max(0, limit));
}

export interface Regression {
  readonly current: FleetLocated;
  readonly baseline: FleetStats;
  /** current p95 / baseline p95 (> 1: slower now). */
  readonly ratio: number;
}

/**
 * Series whose p95 grew by at least `minRatio` between the baseline and the current window, highest ratio first.
 * Series absent from the baseline, or with no p95 in either window, are left out (no ratio to rank by).
 */
export function regressions(current: readonly FleetLocated[], baseline: readonly FleetStats[], limit: number, minRatio = MIN_REGRESSION_RATIO): Regression[] {
  const base = new Map<string, FleetStats>();
  for (const b of baseline) base.set(fleetKeyId(b.key), b);
  const out: Regression[] = [];
  for (const c of current) {
    const b = base.get(fleetKeyId(c.stats.key));
    const now = c.stats.p95Ms, then = b?.p95Ms;
    if (!b || now === undefined || then === undefined || !Number.isFinite(now) || !Number.isFinite(then) || then <= 0) continue;
    const ratio = now / then;
    if (ratio >= minRatio) out.push({ current: c, baseline: b, ratio });
  }
  return out.sort((a, b) => b.ratio - a.ratio || a.current.file.localeCompare(b.current.file) || a.current.line - b.current.line).slice(0, Math.max(0, limit));
}
