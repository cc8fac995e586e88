// SpanFacts from a parsed span: the code.* attributes (never the stack-trace fallback of extractCodeLocation:
// the engine reads every stack frame itself), the attributes the heuristics need, and the exception stack traces.
import type { CodeLocation } from '../../analysis/types';
import { extractCodeLocation } from '../../code/location';
import { attrToString, type Span } from '../../model';
import { attributeKeysOf, ENGINE_ATTRIBUTES, type SpanFacts } from './types';

const WANTED = new Set(ENGINE_ATTRIBUTES);
/** Attribute text past this is not needed to recognise a route, a URL or a query. */
const MAX_ATTR_CHARS = 8192;

/**
 * The code.* part of SpanFacts from an extracted location, or undefined for none or a stack-trace fallback (the
 * engine reads every stack frame itself). Shared by the parsed-span and the compact-view front doors.
 */
export function codeFactsOf(loc: CodeLocation | undefined): SpanFacts['code'] {
  if (!loc || loc.source === 'stacktrace') return undefined;
  return {
    ...(loc.filePath !== undefined ? { filePath: loc.filePath } : {}),
    ...(loc.line !== undefined ? { line: loc.line } : {}),
    ...(loc.column !== undefined ? { column: loc.column } : {}),
    ...(loc.function !== undefined ? { function: loc.function } : {}),
    ...(loc.namespace !== undefined ? { namespace: loc.namespace } : {}),
  };
}

export function factsFromSpan(span: Span): SpanFacts {
  const attributes: Record<string, string> = {};
  for (const a of span.attributes) {
    if (WANTED.has(a.key) && !(a.key in attributes)) attributes[a.key] = attrToString(a.value).slice(0, MAX_ATTR_CHARS);
  }
  const stackTraces: string[] = [];
  for (const e of span.events) {
    for (const a of e.attributes) if (a.key === 'exception.stacktrace' && typeof a.value === 'string') stackTraces.push(a.value);
  }
  const code = codeFactsOf(extractCodeLocation(span));
  // attribute names tell overloads apart, which only a span naming its function needs (other spans keep batching)
  const keys = code?.function !== undefined ? attributeKeysOf(span.attributes.map(a => a.key)) : undefined;
  return { service: span.resource.serviceName, name: span.name, kind: span.kind, ...(code ? { code } : {}), attributes, ...(keys ? { attributeKeys: keys } : {}), stackTraces };
}

/** A key equal for spans the engine would map the same way (it maps each key once). */
export function factsKey(f: SpanFacts): string {
  const c = f.code;
  const attrs = Object.keys(f.attributes).sort().map(k => `${k}=${f.attributes[k]}`).join('\u0001');
  return [f.service, f.name, f.kind, c?.filePath ?? '', c?.line ?? '', c?.column ?? '', c?.function ?? '', c?.namespace ?? '', attrs, (f.attributeKeys ?? []).join('\u0001'), ...f.stackTraces].join('\u0000');
}
