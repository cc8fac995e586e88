// zod validation with errors reported as TraceParseError at a JSON path.
import type * as z from '../schema';
import { TraceParseError } from '../model';

export function pathOf(base: string, segments: readonly PropertyKey[]): string {
  let p = base;
  for (const s of segments) {
    if (typeof s === 'number') p += `[${s}]`;
    else {
      const k = String(s);
      p += /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    }
  }
  return p;
}

/** Validates `value` with `schema`; throws TraceParseError naming the first problem and where it is. */
export function validate<T extends z.ZodMiniType>(schema: T, value: unknown, base: string, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = pathOf(base, issue.path);
  throw new TraceParseError(`${what}: ${issue.message} at ${path}`, path);
}

/** Like `validate` but returns the problem instead of throwing (for per-item checks that only warn). */
export function check<T extends z.ZodMiniType>(schema: T, value: unknown, base: string): { ok: true; data: z.output<T> } | { ok: false; path: string; message: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, path: pathOf(base, issue.path), message: issue.message };
}
