// zod for everything the webviews and the parse workers load: its small build, zod/mini (the same checks and
// messages through functions instead of methods). The classic build is about 90 KB of minified code; in the
// waterfall's bundle and the parse worker's it was a third of each, compiled on a cold start before the first row
// can be drawn. zod/mini carries no messages of its own: English is set here, so an issue reads as with classic zod
// ("Invalid input: expected string, received number").
//
//   import * as z from '../core/schema';   z.object({ name: z.maxString(256), count: z.optional(z.nonNegativeInt()) })
//
// (Re-exported with `export *`, never as a namespace object: a bundler can then leave out what is not used; an
// exported namespace object keeps all of zod's core and every locale, 400 KB.)
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the one place the core imports zod
import { config, int, maxLength, minLength, nonnegative, string, type core } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the one place the core imports zod
export * from 'zod/mini';

/** A string of at most `max` UTF-16 units. */
export const maxString = (max: number) => string().check(maxLength(max));
/** A string of 1 to `max` UTF-16 units. */
export const nonEmptyString = (max: number) => string().check(minLength(1), maxLength(max));
/** An integer ≥ 0. */
export const nonNegativeInt = () => int().check(nonnegative());

/** The first three issues of a failed check, each with its path: for the log line of a dropped message. */
export function describeIssues(error: core.$ZodError): string {
  return error.issues.slice(0, 3).map(i => `${i.path.join('.') || '$'}: ${i.message}`).join('; ');
}
