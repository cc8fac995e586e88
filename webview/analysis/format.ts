// Durations for people: 3 significant digits, unit chosen by size.
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  const sign = ns < 0 ? '−' : '';
  const f = (v: number, u: string) => `${sign}${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${u}`;
  if (a >= 1e9) return f(a / 1e9, 's');
  if (a >= 1e6) return f(a / 1e6, 'ms');
  if (a >= 1e3) return f(a / 1e3, 'µs');
  return `${sign}${a.toFixed(0)} ns`;
}
export const formatDelta = (ns: number): string => (ns > 0 ? '+' : '') + formatNs(ns);
export const percent = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)} %`;
