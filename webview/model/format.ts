// Durations and times as people read them. Pure.

/** 1.2s, 340ms, 12.5µs, 800ns: three significant digits, unit chosen by size. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (!Number.isFinite(ns)) return '–';
  if (a >= 60e9) {
    const m = Math.floor(a / 60e9);
    const s = (a - m * 60e9) / 1e9;
    return `${ns < 0 ? '-' : ''}${m}m ${s.toFixed(s < 10 ? 1 : 0)}s`;
  }
  if (a >= 1e9) return `${trim(ns / 1e9)}s`;
  if (a >= 1e6) return `${trim(ns / 1e6)}ms`;
  if (a >= 1e3) return `${trim(ns / 1e3)}µs`;
  return `${Math.round(ns)}ns`;
}

function trim(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, '');
}

/** Unix ns → local "2024-05-01 12:34:56.789". */
export function formatTimestamp(unixNs: bigint): string {
  const ms = Number(unixNs / 1_000_000n);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(unixNs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Parse "100ms", "1.5s", "200us", "250µs", "3m", "42" (ms) into ns; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$/i.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const mult: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  return v * (mult[unit] ?? 1e6);
}

/** The one short form of IDs (src/core/ids.ts), so the webview and the host agree. */
export { shortTraceId as shortId } from '../../src/core/ids';

export function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
