// Durations and times as people read them. Pure.

/** The one duration format (src/core/units/duration.ts), so the waterfall reads like the editor and the analysis views. */
export { formatDuration } from '../../src/core/units/duration';

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
