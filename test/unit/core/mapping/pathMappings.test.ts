import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPathMappings, compilePathMappings, substituteVariables } from '../../../../src/core/mapping/pathMappings';
import { parseSpanPath, type ParsedPath } from '../../../../src/core/mapping/paths';

const folders = [{ name: 'shop', path: '/home/u/shop' }, { name: 'billing', path: '/home/u/billing' }];
function p(raw: string): ParsedPath {
  const v = parseSpanPath(raw);
  assert.ok(v.ok);
  return v.path;
}

test('${workspaceFolder} and ${workspaceFolder:name} are substituted; unknown names are reported', () => {
  assert.equal(substituteVariables('${workspaceFolder}/src', folders), '/home/u/shop/src');
  assert.equal(substituteVariables('${workspaceFolder:billing}/', folders), '/home/u/billing/');
  assert.deepEqual(substituteVariables('${workspaceFolder:nope}', folders), { error: 'no workspace folder named "nope"' });
  assert.deepEqual(substituteVariables('${env:HOME}', folders), { error: 'unknown variable ${env:HOME}' });
  assert.deepEqual(substituteVariables('${workspaceFolder}', []), { error: 'no workspace folder is open' });
});

test('the longest matching prefix wins and matches on segment boundaries', () => {
  const m = compilePathMappings({ '/app/': '${workspaceFolder}/', '/app/billing/': '${workspaceFolder:billing}/' }, folders);
  assert.deepEqual(m.problems, []);
  assert.equal(applyPathMappings(p('/app/src/orders.ts'), m)?.path, '/home/u/shop/src/orders.ts');
  assert.equal(applyPathMappings(p('/app/billing/src/pay.ts'), m)?.path, '/home/u/billing/src/pay.ts');
  assert.equal(applyPathMappings(p('/apple/src/x.ts'), m), undefined);
  assert.equal(applyPathMappings(p('/app/billing/src/pay.ts'), m)?.rule.from, '/app/billing/');
});

test('a traversal in the span path cannot reach outside the mapped root', () => {
  const m = compilePathMappings({ '/app/': '${workspaceFolder}/' }, folders);
  // Normalized before mapping: /app/../etc/passwd is /etc/passwd, which no rule maps.
  assert.equal(applyPathMappings(p('/app/../etc/passwd'), m), undefined);
  assert.equal(applyPathMappings(p('/app/src/../../etc/passwd'), m), undefined);
});

test('Windows keys match Windows span paths case-insensitively', () => {
  const m = compilePathMappings({ 'C:\\build\\shop\\': '${workspaceFolder}/' }, folders);
  assert.equal(applyPathMappings(p('c:\\Build\\shop\\src\\Orders.cs'), m)?.path, '/home/u/shop/src/Orders.cs');
});

test('one * carries the rest of the path', () => {
  const m = compilePathMappings({ '/srv/*/current/': '${workspaceFolder}/*/' }, folders);
  assert.equal(applyPathMappings(p('/srv/a/current/x.ts'), m), undefined);
  const m2 = compilePathMappings({ '/srv/releases/*': '${workspaceFolder}/*' }, folders);
  assert.equal(applyPathMappings(p('/srv/releases/src/x.ts'), m2)?.path, '/home/u/shop/src/x.ts');
  const m3 = compilePathMappings({ '/dist/*.js': '${workspaceFolder}/src/*.ts' }, folders);
  assert.equal(applyPathMappings(p('/dist/lib/a.js'), m3)?.path, '/home/u/shop/src/lib/a.ts');
});

test('bad settings are reported, not thrown', () => {
  const m = compilePathMappings({ '/a/': 3, '': '/x', '/b/*/*': '/y', '/c/': '${workspaceFolder:zzz}' }, folders);
  assert.equal(m.rules.length, 0);
  assert.deepEqual(m.problems.map(x => x.from).sort(), ['', '/a/', '/b/*/*', '/c/']);
  assert.deepEqual(compilePathMappings('nonsense', folders), { rules: [], problems: [] });
});
