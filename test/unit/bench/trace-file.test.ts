import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JS module without types
import { jsonPieces, writeTraceFile } from '../../../bench/trace-file.mjs';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../bench/gen-trace.mjs';

const dir = mkdtempSync(join(tmpdir(), 'spanscope-trace-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const joined = (v: unknown, depth?: number): string => [...(jsonPieces(v, depth) as Iterable<string>)].join('');

test('the pieces of a value join to exactly what JSON.stringify writes, at every depth', () => {
  const values: unknown[] = [
    null, 0, -1.5, 'a"b\\c\n\u2028', true, [], {}, [undefined, () => 1, Symbol('s'), null, 1],
    { a: undefined, b: () => 1, c: Symbol('s'), d: 1, 'k"ey': [{ e: { f: [1, 2, { g: 'h' }] } }] },
    { first: undefined, second: 2 }, { nested: { date: new Date(0), list: [[[]], {}] } },
  ];
  for (const v of values) for (const depth of [0, 1, 2, 3, 6]) assert.equal(joined(v, depth), JSON.stringify(v), `${JSON.stringify(v)} at depth ${depth}`);
});

test('no piece of a generated document holds more than one span', () => {
  const doc = generateTrace({ n: 2000, seed: 3, format: 'jaeger' });
  const longest = Math.max(...doc.data[0].spans.map((s: unknown) => JSON.stringify(s).length));
  for (const piece of jsonPieces(doc) as Iterable<string>) assert.ok(piece.length <= Math.max(longest, JSON.stringify(doc.data[0].processes).length), `a piece of ${piece.length} chars`);
});

test('a trace file holds the bytes of JSON.stringify(generateTrace(...)), Jaeger and OTLP', () => {
  for (const format of ['jaeger', 'otlp']) {
    const file = join(dir, `${format}.json`);
    const bytes = writeTraceFile({ n: 3000, seed: 2, format, file });
    const expected = Buffer.from(JSON.stringify(generateTrace({ n: 3000, seed: 2, format })));
    assert.equal(bytes, expected.length);
    assert.ok(readFileSync(file).equals(expected), `${format} file differs from JSON.stringify`);
  }
});
