import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCodeLocation } from '../../../../src/core/code/location';
import { span } from '../../../support/builders';

const loc = (attrs: Record<string, string | number | bigint | boolean>, events?: Parameters<typeof span>[0]['events']) =>
  extractCodeLocation(span({ id: 'a', attrs, ...(events ? { events } : {}) }));

test('new semconv code.* names (1.30+), with line as int64', () => {
  assert.deepEqual(loc({ 'code.file.path': '/app/x.py', 'code.line.number': 12n, 'code.column.number': 4, 'code.function.name': 'pkg.mod.fn' }),
    { source: 'code.attributes', filePath: '/app/x.py', line: 12, column: 4, function: 'pkg.mod.fn' });
});

test('old code.* names, and function + namespace only (Java agent)', () => {
  assert.deepEqual(loc({ 'code.filepath': 'src/a.ts', 'code.lineno': 7, 'code.column': 2, 'code.function': 'get', 'code.namespace': 'Cart' }),
    { source: 'code.attributes.old', filePath: 'src/a.ts', line: 7, column: 2, function: 'get', namespace: 'Cart' });
  assert.deepEqual(loc({ 'code.function': 'pay', 'code.namespace': 'com.acme.OrderService' }),
    { source: 'code.attributes.old', function: 'pay', namespace: 'com.acme.OrderService' });
});

test('mixed generations: new names win field by field; bad numbers are dropped', () => {
  assert.deepEqual(loc({ 'code.file.path': 'new.ts', 'code.filepath': 'old.ts', 'code.lineno': 3, 'code.namespace': 'ns' }),
    { source: 'code.attributes', filePath: 'new.ts', line: 3, namespace: 'ns' });
  assert.deepEqual(loc({ 'code.filepath': 'a.ts', 'code.lineno': 0 }), { source: 'code.attributes.old', filePath: 'a.ts' });
  assert.deepEqual(loc({ 'code.filepath': 'a.ts', 'code.lineno': -4 }), { source: 'code.attributes.old', filePath: 'a.ts' });
  assert.deepEqual(loc({ 'code.filepath': 'a.ts', 'code.lineno': '15' }), { source: 'code.attributes.old', filePath: 'a.ts', line: 15 });
  assert.equal(loc({ 'code.lineno': 5 }), undefined, 'a line without a file or function locates nothing');
});

test('Datadog code origin: the lowest frame index', () => {
  assert.deepEqual(loc({
    '_dd.code_origin.type': 'entry',
    '_dd.code_origin.frames.1.file': 'b.py', '_dd.code_origin.frames.1.line': 2,
    '_dd.code_origin.frames.0.file': '/app/a.py', '_dd.code_origin.frames.0.line': '41', '_dd.code_origin.frames.0.method': 'index', '_dd.code_origin.frames.0.type': 'app.views',
  }), { source: 'datadog.code_origin', filePath: '/app/a.py', line: 41, function: 'index', namespace: 'app.views' });
});

test('else the innermost frame of an exception stack trace event', () => {
  const ev = (stack: string) => [{ name: 'exception', attrs: { 'exception.type': 'E', 'exception.stacktrace': stack } }];
  assert.deepEqual(loc({}, ev('Error: x\n    at handler (/srv/app.js:10:5)\n    at run (/srv/run.js:1:1)')),
    { source: 'stacktrace', filePath: '/srv/app.js', line: 10, column: 5, function: 'handler' });
  assert.deepEqual(loc({}, ev('Traceback (most recent call last):\n  File "/a.py", line 1, in main\n  File "/b.py", line 2, in f\nE: x')),
    { source: 'stacktrace', filePath: '/b.py', line: 2, function: 'f' });
  assert.equal(loc({}, ev('nothing parseable')), undefined);
  assert.equal(loc({}), undefined);
  assert.equal(loc({ 'code.filepath': 'attr.ts' }, ev('Error\n    at f (/x.js:1:1)'))?.filePath, 'attr.ts', 'attributes come first');
});
