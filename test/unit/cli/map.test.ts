// Runs the built CLI's `map` command (`node dist/cli.js map`, built by scripts/test.mjs) over a workspace on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { diskWorkspace } from '../../support/mappingWorkspace';
import { otlpDocument } from '../../support/otlpJson';
import { runCliInProcess } from '../../support/cli';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
if (!existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });

function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [CLI, 'map', ...args], { input: stdin ?? '', encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}


const PRICING_KT = `package com.example.shop

class Pricing {
    fun discount(total: Int): Int {
        return total / 10
    }
}
`;

test('map prints each span with file (relative), line, confidence, reason and candidates', t => {
  const dir = diskWorkspace({
    'app/src/main/kotlin/com/example/shop/Pricing.kt': PRICING_KT,
    'web/src/orders.ts': 'export function place() {\n  return 1;\n}\n',
    'node_modules/lib/src/orders.ts': 'ignored dependency',
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const doc = otlpDocument([
    { name: 'Pricing.discount', attrs: { 'code.namespace': 'com.example.shop.Pricing', 'code.function': 'discount' } },
    { name: 'place', attrs: { 'code.file.path': '/app/src/orders.ts', 'code.line.number': 2 } },
    { name: 'place', attrs: { 'code.file.path': '/srv/web/src/orders.ts', 'code.line.number': 2 } },
    { name: 'nothing', service: 'other' },
  ]);
  writeFileSync(join(dir, 'trace.json'), doc);
  const r = run(['--workspace', dir, '--path-mapping', '/srv/web/=${workspaceFolder}/web/', join(dir, 'trace.json')]);
  assert.equal(r.code, 0, r.err);
  const { spans } = JSON.parse(r.out);
  assert.equal(spans.length, 4);
  assert.deepEqual(Object.keys(spans[0]), ['traceId', 'spanId', 'service', 'name', 'file', 'line', 'confidence', 'reason', 'candidates']);
  const [kt, suffix, mapped, none] = spans;
  // Kotlin has no tree-sitter grammar: the method is found from the text, and said to be a guess
  assert.deepEqual([kt.file, kt.line, kt.confidence], ['app/src/main/kotlin/com/example/shop/Pricing.kt', 4, 'low']);
  assert.match(kt.reason, /no parser/);
  assert.deepEqual(kt.candidates[0], { file: 'app/src/main/kotlin/com/example/shop/Pricing.kt', line: 4, reason: kt.candidates[0].reason });
  assert.deepEqual([suffix.file, suffix.line, suffix.confidence], ['web/src/orders.ts', 2, 'high'], 'a path suffix match is not exact');
  assert.deepEqual([mapped.file, mapped.line, mapped.confidence], ['web/src/orders.ts', 2, 'exact']);
  assert.match(mapped.reason, /path mapping/);
  assert.deepEqual([none.file, none.line, none.confidence, none.candidates], [null, null, 'none', []]);
  assert.equal(none.service, 'other');
  assert.equal(typeof none.reason, 'string');
});

test('Java agent spans (all three semconv modes, a nested class) and an exception map to their lines through the parser', t => {
  const dir = diskWorkspace({
    'shop/src/main/java/com/example/shop/OrderService.java': [
      'package com.example.shop;', '', 'public class OrderService {', '    public long placeOrder(String item) {', '        return 1;', '    }', '',
      '    static class Audit {', '        void placeOrder(String item) { }', '    }', '}', ''].join('\n'),
    'billing/src/main/java/com/example/billing/OrderService.java': [
      'package com.example.billing;', '', 'public class OrderService {', '    public void placeOrder(String item) {', '        throw new IllegalStateException("down");', '    }', '}', ''].join('\n'),
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const doc = otlpDocument([
    { name: 'OrderService.placeOrder', attrs: { 'code.namespace': 'com.example.shop.OrderService', 'code.function': 'placeOrder' } },
    { name: 'OrderService.placeOrder', attrs: { 'code.function.name': 'com.example.shop.OrderService.placeOrder' } },
    { name: 'OrderService.placeOrder', attrs: { 'code.function.name': 'com.example.shop.OrderService.placeOrder', 'code.namespace': 'com.example.shop.OrderService', 'code.function': 'placeOrder' } },
    { name: 'Audit.placeOrder', attrs: { 'code.namespace': 'com.example.shop.OrderService$Audit', 'code.function': 'placeOrder' } },
    { name: 'billing', service: 'billing', stacktrace: 'java.lang.IllegalStateException: down\n\tat com.example.billing.OrderService.placeOrder(OrderService.java:5)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)' },
  ]);
  const r = run(['--workspace', dir, '-'], doc);
  assert.equal(r.code, 0, r.err);
  const got = JSON.parse(r.out).spans.map((s: { file: string; line: number; confidence: string }) => [s.file, s.line, s.confidence]);
  const shop = 'shop/src/main/java/com/example/shop/OrderService.java';
  assert.deepEqual(got, [
    [shop, 4, 'high'], [shop, 4, 'high'], [shop, 4, 'high'], [shop, 9, 'high'],
    ['billing/src/main/java/com/example/billing/OrderService.java', 5, 'low'],
  ]);
});

test('reads the trace from standard input with -', t => {
  const dir = diskWorkspace({ 'a.ts': 'x' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = run(['--workspace', dir, '-'], otlpDocument([{ name: 'a', attrs: { 'code.file.path': 'a.ts', 'code.line.number': 1 } }]));
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).spans[0].confidence, 'exact');
});

test('bad input and a missing workspace exit 2 with one line', async t => {
  const dir = diskWorkspace({ 'a.ts': 'x' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A document on standard input goes through the real process; the rest are refused before any input is read,
  // so they run in process (test/support/cli.ts).
  const cases: [string[], string | undefined, RegExp][] = [
    [['--workspace', dir, '-'], '{"resourceSpans": [', /not valid JSON|truncated|end of/i],
    [['--workspace', join(dir, 'missing'), '-'], undefined, /workspace .* does not exist/],
    [['--workspace', join(dir, 'a.ts'), '-'], undefined, /not a directory/],
    [['-'], undefined, /missing --workspace/],
    [['--workspace', dir], undefined, /missing input/],
    [['--workspace', dir, '--path-mapping', 'nope', '-'], undefined, /FROM=TO/],
    [['--workspace', dir, join(dir, 'nope.json')], undefined, /cannot read .*no such file/],
    [['--workspace', dir, '--bogus', '-'], undefined, /unknown option --bogus/],
  ];
  for (const [args, stdin, re] of cases) {
    const r = stdin === undefined ? await runCliInProcess(['map', ...args]) : run(args, stdin);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.out, '');
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, /^spanscope map: /);
    assert.match(lines[0]!, re);
  }
});

test('--help documents the command', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /usage: spanscope map --workspace DIR/);
});
