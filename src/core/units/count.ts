// How a count is written for a person: digits in groups of three, "12,345 spans". Written by hand rather than with
// Number.prototype.toLocaleString because the first call to that (or to Intl.NumberFormat) in a page sets up ICU's
// number formatting: 15-30 ms on a cold webview, spent on the trace's header before its first rows were drawn.
// The grouping is the English one (VS Code's own UI is not localized by this extension either).

/** 12,345 (integers); anything else as String(n). */
export function formatCount(n: number): string {
  if (!Number.isInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  if (digits.length <= 3 || digits.includes('e')) return String(n);
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
