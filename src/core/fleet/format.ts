// How fleet figures read in the editor: window lengths ("24h"), the CodeLens line ("fleet p95 1.2 s · 40/s · 2% err
// (24h)"), a sparkline of block characters for hovers, and the time windows themselves. Pure: no vscode.
import { formatDuration } from '../mapping/format';
import type { FleetPoint, FleetStats, FleetWindow } from './types';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** Shortest and longest windows accepted: below a minute the engines have no points; beyond 90 days, no retention. */
export const MIN_WINDOW_MS = 60_000;
export const MAX_WINDOW_MS = 90 * 86_400_000;
/** Points of the hover's sparkline (the step is the window divided by this). */
export const SPARK_POINTS = 30;

/** "15m", "1h", "24h", "7d", "2w" (one number and one unit) → ms; undefined for anything else or out of range. */
export function parseWindow(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(\d{1,6})\s*([smhdw])\s*$/i.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  return ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS ? ms : undefined;
}

/** The shortest text for a window length: 86_400_000 → "24h" (hours up to two days, then days), 90 min → "90m". */
export function windowLabel(ms: number): string {
  if (ms % UNIT_MS.d! === 0 && ms > 2 * UNIT_MS.d!) return `${ms / UNIT_MS.d!}d`;
  if (ms % UNIT_MS.h! === 0) return `${ms / UNIT_MS.h!}h`;
  if (ms % UNIT_MS.m! === 0) return `${ms / UNIT_MS.m!}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Window ends are rounded to this, so that questions asked moments apart are the same question. */
export const WINDOW_ALIGN_MS = 15_000;

/**
 * The window ending now, its end rounded UP to the next 15 s: the freshest samples are inside it (a user looking
 * right after a deploy sees it), and questions asked within the same 15 s are identical.
 */
export function fleetWindow(nowMs: number, lengthMs: number, points = SPARK_POINTS): FleetWindow {
  const endMs = Math.ceil(nowMs / WINDOW_ALIGN_MS) * WINDOW_ALIGN_MS;
  const stepMs = Math.max(15_000, Math.floor(lengthMs / points / 1000) * 1000);
  return { startMs: endMs - lengthMs, endMs, stepMs };
}

/** The baseline for "regressed since": the same window `agoMs` earlier. */
export function shiftWindow(w: FleetWindow, agoMs: number): FleetWindow {
  return { startMs: w.startMs - agoMs, endMs: w.endMs - agoMs, stepMs: w.stepMs };
}

/** 40/s, 2.5/s, 12/min, 3/h: calls per second in the unit that keeps a whole-ish number. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec < 0) return '–';
  if (perSec === 0) return '0/s';
  if (perSec >= 100) return `${Math.round(perSec)}/s`;
  if (perSec >= 1) return `${trim(perSec.toFixed(1))}/s`;
  if (perSec * 60 >= 1) return `${trim((perSec * 60).toFixed(1))}/min`;
  return `${trim((perSec * 3600).toFixed(1))}/h`;
}

/** 0.02 → "2%", 0.004 → "0.4%", 0 → "0%". */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r) || r <= 0) return '0%';
  if (r >= 0.1) return `${Math.round(r * 100)}%`;
  if (r >= 0.001) return `${trim((r * 100).toFixed(1))}%`;
  return '<0.1%';
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const ms = (v: number) => formatDuration(v * 1_000_000);

/** "fleet p95 1.2 s · 40/s · 2% err (24h)"; figures the engine did not give are left out, never shown as 0. */
export function fleetLensText(s: Pick<FleetStats, 'p95Ms' | 'p50Ms' | 'callsPerSec' | 'errorRatio'>, windowText: string): string {
  const parts: string[] = [];
  if (s.p95Ms !== undefined) parts.push(`fleet p95 ${ms(s.p95Ms)}`);
  else if (s.p50Ms !== undefined) parts.push(`fleet p50 ${ms(s.p50Ms)}`);
  else parts.push('fleet');
  if (s.callsPerSec !== undefined) parts.push(formatRate(s.callsPerSec));
  if (s.errorRatio !== undefined) parts.push(`${formatRatio(s.errorRatio)} err`);
  return `${parts.join(' · ')} (${windowText})`;
}

/** A duration in ms as the editor writes it ("1.2 s", "180 ms"). */
export function formatMs(v: number | undefined): string {
  return v === undefined ? '–' : ms(v);
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of block characters, lowest value ▁, highest █, a gap (a middle dot) where the engine had no sample.
 * At most `width` characters: longer series are averaged into buckets.
 */
export function sparkline(points: readonly FleetPoint[] | undefined, width = SPARK_POINTS): string {
  if (!points || points.length === 0) return '';
  const n = Math.min(width, points.length);
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * points.length) / n), to = Math.floor(((b + 1) * points.length) / n);
    let sum = 0, count = 0;
    for (let k = from; k < to; k++) {
      const v = points[k]!.value;
      if (Number.isFinite(v)) { sum += v; count++; }
    }
    values.push(count > 0 ? sum / count : NaN);
  }
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '·'.repeat(n);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return values.map(v => {
    if (!Number.isFinite(v)) return '·';
    const k = hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1));
    return BLOCKS[k];
  }).join('');
}
