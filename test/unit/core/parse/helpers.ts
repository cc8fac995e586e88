// Test helpers for the parser suites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_FIXTURES } from '../../../support/paths';
import { TraceParseError, type Span } from '../../../../src/core/model';
import { parseTraceDocument } from '../../../../src/core/parse/index';
import assert from 'node:assert/strict';

export const fixture = (name: string): string => readFileSync(join(OWN_FIXTURES, 'parse', name), 'utf8');
export const allSpans = (text: string | Uint8Array): Span[] => parseTraceDocument(text).traces.flatMap(t => [...t.spans]);

/** Asserts a TraceParseError whose message matches `message` and whose path matches `path`. */
export function assertParseError(input: string | Uint8Array, message: RegExp, path?: RegExp | string): void {
  assert.throws(() => parseTraceDocument(input), (e: unknown) => {
    assert.ok(e instanceof TraceParseError, `expected TraceParseError, got ${String(e)}`);
    assert.match(e.message, message);
    if (path !== undefined) {
      if (typeof path === 'string') assert.equal(e.path, path);
      else assert.match(e.path, path);
    }
    return true;
  });
}

export function otlpDoc(spans: unknown[], resourceAttrs: unknown[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans }] }] });
}

export const T1 = '0af7651916cd43dd8448eb211c80319c';
export function otlpSpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: T1, spanId: 'b7ad6b7169203331', name: 'op', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000', ...over };
}
