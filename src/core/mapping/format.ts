// Short figures for editor text (inline annotations, CodeLens, hovers, tree descriptions).
import type { Nanos } from '../model';

/** 850 ns, 12.5 µs, 182 ms, 1.25 s, 2m 05s. Three significant figures at most. */
export function formatDuration(ns: Nanos): string {
  if (!Number.isFinite(ns) || ns < 0) return '–';
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${sig(ns / 1_000)} µs`;
  if (ns < 1_000_000_000) return `${sig(ns / 1_000_000)} ms`;
  if (ns < 60_000_000_000) return `${sig(ns / 1_000_000_000)} s`;
  const s = Math.round(ns / 1_000_000_000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

function sig(v: number): string {
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return trim(v.toFixed(1));
  return trim(v.toFixed(2));
}
function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(share * 100)}%`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
