// The one way a duration is written for a person, everywhere: editor text (inline, CodeLens, hovers, status bar),
// the side bar, the waterfall and the analysis views, findings, MCP tool text and the host's pickers.
//
// Rules: a number, a space, a unit (ns, µs, ms, s), so "182 ms" reads the same in a hover and a table; three
// significant figures with trailing zeros dropped ("1.25 s", "12.5 µs", "40 ms"), enough to tell apart the
// spans people compare and short enough for a gutter or a bar label; the unit is the largest one that keeps the
// number at 1 or more, chosen after rounding (999.96 µs is "1 ms", not "1000 µs"); from a minute on, minutes and
// zero-padded seconds ("2m 05s"), from an hour on, hours and minutes ("1h 02m"). Negative values (differences)
// carry a minus sign (U+2212); anything not finite is "–".
//
// Machine-readable fields (the CLI's key=value lines, MCP's `…Ms` numbers, JSON) keep fixed units and are not
// formatted here.

const STEPS: readonly (readonly [scale: number, unit: string])[] = [[1e3, 'µs'], [1e6, 'ms'], [1e9, 's']];

/** 850 ns, 12.5 µs, 182 ms, 1.25 s, 2m 05s, 1h 02m. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const sign = ns < 0 ? '\u2212' : '';
  const a = Math.abs(ns);
  if (Math.round(a) < 1000) return `${sign}${Math.round(a)} ns`;
  for (const [scale, unit] of STEPS) {
    const v = threeFigures(a / scale);
    if (v < (unit === 's' ? 60 : 1000)) return `${sign}${v} ${unit}`;
  }
  const s = Math.round(a / 1e9);
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  const m = Math.round(a / 60e9);
  return `${sign}${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

/** A difference: "+12 ms", "−3.5 µs", "0 ns". */
export function formatDurationDelta(ns: number): string {
  return (ns > 0 ? '+' : '') + formatDuration(ns);
}

/** Microseconds (what trace lists and backends report), written the same way. */
export function formatMicros(us: number): string {
  return formatDuration(us * 1e3);
}

/** `v` (≥ 1) rounded to three significant figures; as a number, so that it prints without trailing zeros. */
function threeFigures(v: number): number {
  if (v >= 100) return Math.round(v);
  if (v >= 10) return Math.round(v * 10) / 10;
  return Math.round(v * 100) / 100;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
