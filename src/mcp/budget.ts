// Every tool answer is bounded: an assistant's context is small and a 100 000-span trace is not. A tool builds its
// answer from the first `n` items of its main list; `fitList` finds the largest `n` whose JSON fits the budget and
// marks the answer `truncated` with a hint how to narrow the question. Tokens are estimated as 4 characters each
// (JSON of identifiers and numbers tokenizes at about that rate), which errs on the safe side for prose.

export const CHARS_PER_TOKEN = 4;
export const DEFAULT_MAX_TOKENS = 8000;

export interface Bounded {
  readonly text: string;
  readonly truncated: boolean;
}

/**
 * `build(n)` returns the answer with the first `n` of `total` items. Returns the JSON of the largest one within
 * `maxChars`, with `truncated`, `shown`, `total` and `hint` added when items had to be left out.
 */
export function fitList(build: (n: number) => Record<string, unknown>, total: number, maxChars: number, hint: string): Bounded {
  const full = JSON.stringify(build(total));
  if (full.length <= maxChars) return { text: full, truncated: false };
  const withNote = (n: number): string => JSON.stringify({ ...build(n), truncated: true, shown: n, total, hint });
  // binary search the largest n that fits (the JSON grows with n)
  let lo = 0, hi = total - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (withNote(mid).length <= maxChars) lo = mid; else hi = mid - 1;
  }
  return { text: withNote(lo), truncated: true };
}

/** A string cut to `max` characters, saying how much was dropped. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [${s.length - max} more characters]`;
}

/** Nanoseconds as milliseconds with microsecond precision (what `…Ms` fields carry). */
export function ms(ns: number): number {
  return Math.round(ns / 1000) / 1000;
}
