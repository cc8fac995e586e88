import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestSuffixMatch, classifySpanPath, commonSuffixSegments, isInside, toEditorPosition } from '../../../src/host/sourcePaths';

test('1-based span lines and columns become 0-based editor positions', () => {
  assert.deepEqual(toEditorPosition(1, 1), { line0: 0, character0: 0 });
  assert.deepEqual(toEditorPosition(42, 7), { line0: 41, character0: 6 });
  assert.deepEqual(toEditorPosition(42), { line0: 41, character0: 0 });
  for (const bad of [undefined, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.deepEqual(toEditorPosition(bad, bad), { line0: 0, character0: 0 }, String(bad));
  }
  assert.deepEqual(toEditorPosition(10.9, 2.2), { line0: 9, character0: 1 });
});

test('absolute POSIX paths are normalized; file URIs become paths', () => {
  assert.deepEqual(classifySpanPath('/app/src/../lib/x.ts', 'linux'), { kind: 'absolute', path: '/app/lib/x.ts' });
  assert.deepEqual(classifySpanPath('file:///home/u/p/a%20b.ts', 'linux'), { kind: 'absolute', path: '/home/u/p/a b.ts' });
  assert.deepEqual(classifySpanPath('file://localhost/x.ts', 'linux'), { kind: 'absolute', path: '/x.ts' });
});

test('other URI schemes, UNC and network paths are rejected', () => {
  for (const p of ['command:workbench.action.terminal.new', 'vscode://x/y', 'http://evil/x.ts', 'https://a/b', 'javascript:alert(1)',
    '\\\\server\\share\\x.ts', '//server/share/x.ts', 'file://server/share/x.ts', '', '   ', 'a\u0000b.ts', 'x'.repeat(5000)]) {
    assert.equal(classifySpanPath(p, 'linux').kind, 'rejected', JSON.stringify(p.slice(0, 40)));
  }
  assert.equal(classifySpanPath('\\\\server\\share\\x.ts', 'win32').kind, 'rejected');
});

test('relative paths that climb out with .. are rejected; others normalized', () => {
  assert.equal(classifySpanPath('../etc/passwd', 'linux').kind, 'rejected');
  assert.equal(classifySpanPath('src/../../etc/passwd', 'linux').kind, 'rejected');
  assert.deepEqual(classifySpanPath('./src/a/../b.ts', 'linux'), { kind: 'relative', path: 'src/b.ts' });
  assert.deepEqual(classifySpanPath('src\\win\\x.cs', 'win32'), { kind: 'relative', path: 'src/win/x.cs' });
});

test('Windows drive paths: absolute on Windows, a suffix to match on POSIX', () => {
  assert.deepEqual(classifySpanPath('C:\\build\\src\\Orders.cs', 'win32'), { kind: 'absolute', path: 'C:\\build\\src\\Orders.cs' });
  assert.deepEqual(classifySpanPath('C:\\build\\src\\Orders.cs', 'linux'), { kind: 'relative', path: 'build/src/Orders.cs' });
  assert.equal(classifySpanPath('C:\\..\\..\\x', 'linux').kind, 'rejected');
});

test('isInside: only strictly below the root', () => {
  assert.equal(isInside('/ws', '/ws/a/b.ts', 'linux'), true);
  assert.equal(isInside('/ws', '/ws', 'linux'), false);
  assert.equal(isInside('/ws', '/wsx/a.ts', 'linux'), false);
  assert.equal(isInside('/ws', '/other/a.ts', 'linux'), false);
  assert.equal(isInside('C:\\ws', 'c:\\WS\\a.ts', 'win32'), true);
});

test('suffix matching picks the longest common suffix and reports ties', () => {
  assert.equal(commonSuffixSegments('/app/src/orders/db.ts', '/home/u/shop/src/orders/db.ts'), 3);
  const m = bestSuffixMatch('/app/src/orders/db.ts', ['/ws/src/inventory/db.ts', '/ws/src/orders/db.ts', '/ws/db.ts']);
  assert.deepEqual(m, { path: '/ws/src/orders/db.ts', segments: 3, ambiguous: false });
  const tie = bestSuffixMatch('/app/db.ts', ['/ws/a/db.ts', '/ws/b/db.ts']);
  assert.equal(tie?.ambiguous, true);
  assert.equal(bestSuffixMatch('/app/db.ts', ['/ws/x.ts']), undefined);
});
