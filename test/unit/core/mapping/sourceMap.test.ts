import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as esbuild from 'esbuild';
import { decodeInlineSourceMap, decodeMappings, findSourceMappingUrl, SourceMap, SourceMapError } from '../../../../src/core/mapping/sourceMap';

const ORDERS_TS = `// orders service
export interface Order { id: string; total: number }

export function placeOrder(o: Order): number {
  const tax = o.total * 0.2;
  console.log('MARK_PLACE_ORDER', o.id);
  return o.total + tax;
}

export class Billing {
  charge(amount: number): string {
    const id = 'MARK_CHARGE' + amount;
    return id;
  }
}
`;
const MAIN_TS = `import { placeOrder, Billing } from './orders';
const b = new Billing();
console.log(placeOrder({ id: 'x', total: 1 }), b.charge(2), 'MARK_MAIN');
`;

function lineOf(text: string, marker: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex(l => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} not found`);
  return { line: i + 1, column: lines[i]!.indexOf(marker) + 1 };
}

test('a real esbuild map moves dist lines back to the TypeScript lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-sm-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'orders.ts'), ORDERS_TS);
    writeFileSync(join(dir, 'src', 'main.ts'), MAIN_TS);
    await esbuild.build({ entryPoints: [join(dir, 'src', 'main.ts')], bundle: true, outfile: join(dir, 'dist', 'main.js'), sourcemap: 'linked', platform: 'node', format: 'cjs', logLevel: 'silent' });
    const js = readFileSync(join(dir, 'dist', 'main.js'), 'utf8');
    assert.equal(findSourceMappingUrl(js), 'main.js.map');
    const mapPath = join(dir, 'dist', 'main.js.map');
    const map = SourceMap.parse(readFileSync(mapPath, 'utf8'), mapPath);
    for (const [marker, file] of [['MARK_PLACE_ORDER', 'orders.ts'], ['MARK_CHARGE', 'orders.ts'], ['MARK_MAIN', 'main.ts']] as const) {
      const gen = lineOf(js, marker);
      const source = file === 'orders.ts' ? ORDERS_TS : MAIN_TS;
      const want = lineOf(source, marker);
      // Without a column: the first mapped segment of the generated line.
      const a = map.originalPositionFor(gen.line);
      assert.equal(a?.source, join(dir, 'src', file));
      assert.equal(a?.line, want.line, `${marker} without column`);
      // With the column of the marker itself.
      const b = map.originalPositionFor(gen.line, gen.column);
      assert.equal(b?.line, want.line, `${marker} with column`);
      // The segment covering the marker starts at its string literal's opening quote.
      assert.equal(b?.column, want.column - 1);
    }
    assert.equal(map.originalPositionFor(100000), undefined);
    assert.equal(map.originalPositionFor(0), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an inline map is found and decoded', async () => {
  const r = await esbuild.build({ stdin: { contents: ORDERS_TS, sourcefile: 'src/orders.ts', loader: 'ts' }, write: false, sourcemap: 'inline', format: 'esm', logLevel: 'silent' });
  const js = r.outputFiles[0]!.text;
  const url = findSourceMappingUrl(js);
  assert.ok(url?.startsWith('data:application/json;base64,'));
  const json = decodeInlineSourceMap(url!);
  assert.ok(json);
  const map = SourceMap.parse(json!);
  const pos = map.originalPositionFor(lineOf(js, 'MARK_CHARGE').line);
  assert.equal(pos?.source, 'src/orders.ts');
  assert.equal(pos?.line, lineOf(ORDERS_TS, 'MARK_CHARGE').line);
  assert.equal(decodeInlineSourceMap('http://evil/x.map'), undefined);
});

test('VLQ decoding matches hand-computed segments', () => {
  // "AAAA;AACA,EAAE" : line0 [0,0,0,0]; line1 [0,0,1,0], [2,0,1,2]
  assert.deepEqual(decodeMappings('AAAA;AACA,EAAE'), [[[0, 0, 0, 0]], [[0, 0, 1, 0], [2, 0, 1, 2]]]);
  // Negative and multi-digit values: 'D' = -1, 'gB' = 16; segments come back in column order.
  assert.deepEqual(decodeMappings('gBAAA,DAAD'), [[[15, 0, 0, -1], [16, 0, 0, 0]]]);
});

test('malformed maps raise SourceMapError', () => {
  assert.throws(() => decodeMappings('AA!A'), SourceMapError);
  assert.throws(() => decodeMappings('AAg'), SourceMapError);
  assert.throws(() => decodeMappings('AA'), SourceMapError);
  assert.throws(() => decodeMappings('AAAAAA'), SourceMapError); // six fields
  assert.throws(() => decodeMappings('gggggggggA'), SourceMapError); // over 32 bits
  // A map with a malformed mappings string is refused when parsed, not decoded into arbitrary positions.
  assert.throws(() => SourceMap.parse('{"version":3,"sources":["a.ts"],"mappings":"AA!A"}'), SourceMapError);
  assert.throws(() => SourceMap.parse('{'), SourceMapError);
  assert.throws(() => SourceMap.parse('{"version":2,"sources":[],"mappings":""}'), SourceMapError);
});

test('index maps with sections offset generated positions', () => {
  const json = JSON.stringify({
    version: 3,
    sections: [
      { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA;AACA' } },
      { offset: { line: 10, column: 0 }, map: { version: 3, sources: ['b.ts'], names: [], mappings: 'AAAA;AAEA' } },
    ],
  });
  const map = SourceMap.parse(json, '/w/dist/x.js.map');
  assert.deepEqual(map.originalPositionFor(2), { source: '/w/dist/a.ts', line: 2, column: 1 });
  assert.deepEqual(map.originalPositionFor(12), { source: '/w/dist/b.ts', line: 3, column: 1 });
});

test('hostile sources stay unresolved instead of escaping', () => {
  const a = SourceMap.parse(JSON.stringify({ version: 3, sourceRoot: '../../../../../', sources: ['etc/passwd'], mappings: 'AAAA' }), '/w/dist/x.js.map');
  // The traversal cannot be resolved under the map's folder, so the source is left relative (suffix matching only).
  assert.equal(a.sources[0], '../../../../../etc/passwd');
  const b = SourceMap.parse(JSON.stringify({ version: 3, sources: ['webpack:///./src/a.ts', 'command:x', '../src/b.ts'], mappings: 'AAAA' }), '/w/dist/x.js.map');
  assert.deepEqual(b.sources, ['src/a.ts', 'command:x', '/w/src/b.ts']);
});
