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

function build(f: Fields, source: CodeLocation['source']): CodeLocation | undefined {
  if (f.file === undefined && f.fn === undefined) return undefined;
  const loc: { -readonly [K in keyof CodeLocation]: CodeLocation[K] } = { source };
  if (f.file !== undefined) loc.filePath = f.file;
  if (f.line !== undefined) loc.line = f.line;
  if (f.column !== undefined) loc.column = f.column;
  if (f.fn !== undefined) loc.function = f.fn;
  if (f.ns !== undefined) loc.namespace = f.ns;
  return loc;
}

/** One pass over the attributes; keys that cannot be code locations are rejected by their first letters. */
function fromAttributes(attrs: Attributes): CodeLocation | undefined {
  let fresh: Fields | undefined;
  let old: Fields | undefined;
  let dd: Map<number, Fields> | undefined;
  for (const a of attrs) {
    const k = a.key;
    if (k.charCodeAt(0) === 99 /* c */ && k.startsWith('code.')) {
      switch (k) {
        case 'code.file.path': (fresh ??= {}).file = str(a.value); break;
        case 'code.line.number': (fresh ??= {}).line = positive(a.value); break;
        case 'code.column.number': (fresh ??= {}).column = positive(a.value); break;
        case 'code.function.name': (fresh ??= {}).fn = str(a.value); break;
        case 'code.filepath': (old ??= {}).file = str(a.value); break;
        case 'code.lineno': (old ??= {}).line = positive(a.value); break;
        case 'code.column': (old ??= {}).column = positive(a.value); break;
        case 'code.function': (old ??= {}).fn = str(a.value); break;
        case 'code.namespace': (old ??= {}).ns = str(a.value); break;
      }
    } else if (k.charCodeAt(0) === 95 /* _ */ && k.startsWith('_dd.code_origin.frames.')) {
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
  if (fresh) {
    // a span may mix generations (new path, old namespace): take each field from the newest name present
    const merged: Fields = {
      file: fresh.file ?? old?.file, line: fresh.line ?? old?.line, column: fresh.column ?? old?.column,
      fn: fresh.fn ?? old?.fn, ns: fresh.ns ?? old?.ns,
    };
    const loc = build(merged, 'code.attributes');
    if (loc) return loc;
  }
  if (old) {
    const loc = build(old, 'code.attributes.old');
    if (loc) return loc;
  }
  if (dd) {
    const firstIdx = Math.min(...dd.keys());
    return build(dd.get(firstIdx)!, 'datadog.code_origin');
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
