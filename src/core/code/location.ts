// Where in the source a span was produced: OpenTelemetry `code.*` attributes (semconv ≥ 1.30 names
// first, then the old ones), Datadog code origin frames, else the innermost frame of an exception
// stack trace recorded on the span. Lines and columns stay 1-based here, as the data has them.
import type { AttrValue, Attributes, Span } from '../model';
import type { CodeLocation } from '../analysis/types';
import { innermostFrame, parseStackTrace } from './stacktrace';

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function positive(v: AttrValue | undefined): number | undefined {
  let x: number | undefined;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'bigint') x = Number(v);
  else if (typeof v === 'string' && /^\d{1,9}$/.test(v)) x = Number(v);
  return x !== undefined && Number.isSafeInteger(x) && x > 0 ? x : undefined;
}

interface Fields { file?: string; line?: number; column?: number; fn?: string; ns?: string }

function build(source: CodeLocation['source'], file: string | undefined, line: number | undefined, column: number | undefined, fn: string | undefined, ns: string | undefined): CodeLocation | undefined {
  if (file === undefined && fn === undefined) return undefined;
  const loc: { -readonly [K in keyof CodeLocation]: CodeLocation[K] } = { source };
  if (file !== undefined) loc.filePath = file;
  if (line !== undefined) loc.line = line;
  if (column !== undefined) loc.column = column;
  if (fn !== undefined) loc.function = fn;
  if (ns !== undefined) loc.namespace = ns;
  return loc;
}

/**
 * One pass over the attributes, no temporary objects (this runs for every span): keys that cannot be
 * code locations are rejected by their first letter.
 */
function fromAttributes(attrs: Attributes): CodeLocation | undefined {
  let newFile: string | undefined, newLine: number | undefined, newCol: number | undefined, newFn: string | undefined;
  let oldFile: string | undefined, oldLine: number | undefined, oldCol: number | undefined, oldFn: string | undefined, oldNs: string | undefined;
  let hasNew = false, hasOld = false;
  let dd: Map<number, Fields> | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const k = a.key;
    const c0 = k.charCodeAt(0);
    if (c0 === 99 /* c */) {
      if (k.length < 9 || !k.startsWith('code.')) continue;
      switch (k) {
        case 'code.file.path': newFile = str(a.value); hasNew = true; break;
        case 'code.line.number': newLine = positive(a.value); hasNew = true; break;
        case 'code.column.number': newCol = positive(a.value); hasNew = true; break;
        case 'code.function.name': newFn = str(a.value); hasNew = true; break;
        case 'code.filepath': oldFile = str(a.value); hasOld = true; break;
        case 'code.lineno': oldLine = positive(a.value); hasOld = true; break;
        case 'code.column': oldCol = positive(a.value); hasOld = true; break;
        case 'code.function': oldFn = str(a.value); hasOld = true; break;
        case 'code.namespace': oldNs = str(a.value); hasOld = true; break;
      }
    } else if (c0 === 95 /* _ */ && k.startsWith('_dd.code_origin.frames.')) {
      const m = /^_dd\.code_origin\.frames\.(\d{1,4})\.(file|line|column|method|type)$/.exec(k);
      if (!m) continue;
      const idx = Number(m[1]);
      dd ??= new Map();
      let f = dd.get(idx);
      if (!f) dd.set(idx, (f = {}));
      switch (m[2]) {
        case 'file': f.file = str(a.value); break;
        case 'line': f.line = positive(a.value); break;
        case 'column': f.column = positive(a.value); break;
        case 'method': f.fn = str(a.value); break;
        case 'type': f.ns = str(a.value); break;
      }
    }
  }
  if (hasNew) {
    // a span may mix generations (new path, old namespace): take each field from the newest name present
    const loc = build('code.attributes', newFile ?? oldFile, newLine ?? oldLine, newCol ?? oldCol, newFn ?? oldFn, oldNs);
    if (loc) return loc;
  }
  if (hasOld) {
    const loc = build('code.attributes.old', oldFile, oldLine, oldCol, oldFn, oldNs);
    if (loc) return loc;
  }
  if (dd) {
    const f = dd.get(Math.min(...dd.keys()))!;
    return build('datadog.code_origin', f.file, f.line, f.column, f.fn, f.ns);
  }
  return undefined;
}

function fromStackTrace(span: Span): CodeLocation | undefined {
  for (const e of span.events) {
    for (const a of e.attributes) {
      if (a.key !== 'exception.stacktrace' || typeof a.value !== 'string') continue;
      const f = innermostFrame(parseStackTrace(a.value).filter(x => x.filePath !== undefined));
      if (!f) continue;
      return {
        source: 'stacktrace',
        ...(f.filePath !== undefined ? { filePath: f.filePath } : {}),
        ...(f.line !== undefined ? { line: f.line } : {}),
        ...(f.column !== undefined ? { column: f.column } : {}),
        ...(f.function !== undefined ? { function: f.function } : {}),
      };
    }
  }
  return undefined;
}

export function extractCodeLocation(span: Span): CodeLocation | undefined {
  return fromAttributes(span.attributes) ?? fromStackTrace(span);
}
