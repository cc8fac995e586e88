import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SuffixIndex } from '../../../../src/core/mapping/suffixIndex';

function index(paths: string[]): SuffixIndex {
  const i = new SuffixIndex();
  for (const p of paths) i.add(p);
  return i;
}
const seg = (p: string) => p.split('/').filter(Boolean);

test('the longest common suffix wins', () => {
  const i = index(['/w/shop/src/orders/service.ts', '/w/shop/src/billing/service.ts', '/w/shop/test/service.ts']);
  assert.deepEqual(i.match(seg('/app/src/orders/service.ts')), { kind: 'unique', path: '/w/shop/src/orders/service.ts', suffixLength: 3 });
  assert.deepEqual(i.match(seg('/app/test/service.ts')), { kind: 'unique', path: '/w/shop/test/service.ts', suffixLength: 2 });
});

test('a tie is reported as ambiguous with every candidate', () => {
  const i = index(['/w/a/src/index.ts', '/w/b/src/index.ts', '/w/c/lib/index.ts']);
  assert.deepEqual(i.match(seg('/app/src/index.ts')), { kind: 'ambiguous', candidates: ['/w/a/src/index.ts', '/w/b/src/index.ts'], suffixLength: 2 });
  assert.deepEqual(i.match(seg('/x/index.ts')), { kind: 'ambiguous', candidates: ['/w/a/src/index.ts', '/w/b/src/index.ts', '/w/c/lib/index.ts'], suffixLength: 1 });
});

test('no file with the same base name means no match; minSuffix raises the bar', () => {
  const i = index(['/w/src/a.ts']);
  assert.deepEqual(i.match(seg('/app/src/b.ts')), { kind: 'none' });
  assert.deepEqual(i.match(seg('/app/lib/a.ts'), { minSuffix: 2 }), { kind: 'none' });
  assert.equal(i.match(seg('/app/lib/a.ts')).kind, 'unique');
  assert.deepEqual(i.match([]), { kind: 'none' });
});

test('Windows span paths match case-insensitively when asked', () => {
  const i = index(['/w/Shop/Src/Orders.cs']);
  assert.deepEqual(i.match(seg('C:/build/shop/src/orders.cs'), { caseInsensitive: true }), { kind: 'unique', path: '/w/Shop/Src/Orders.cs', suffixLength: 3 });
  assert.deepEqual(i.match(seg('C:/build/shop/src/orders.cs')), { kind: 'none' });
});

test('incremental add, remove and folder removal keep lookups right', () => {
  const i = index(['/w/a/src/x.ts', '/w/b/src/x.ts']);
  assert.equal(i.match(seg('/app/src/x.ts')).kind, 'ambiguous');
  assert.equal(i.remove('/w/b/src/x.ts'), true);
  assert.equal(i.remove('/w/b/src/x.ts'), false);
  assert.deepEqual(i.match(seg('/app/src/x.ts')), { kind: 'unique', path: '/w/a/src/x.ts', suffixLength: 2 });
  i.add('/w/a/src/x.ts');
  assert.equal(i.size, 1);
  i.add('/w/c/deep/src/x.ts');
  i.add('/w/c/deep/src/y.ts');
  i.add('/w/cc/src/y.ts');
  assert.equal(i.removeUnder('/w/c'), 2);
  assert.equal(i.size, 2);
  assert.equal(i.has('/w/cc/src/y.ts'), true);
  assert.deepEqual([...i.paths()].sort(), ['/w/a/src/x.ts', '/w/cc/src/y.ts']);
});
