import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLineThroughDiff, parseDiffHunks, judgeDrift, revisionOf } from '../../../../src/core/mapping/drift';
import { compilePathMappings } from '../../../../src/core/mapping/pathMappings';
import { proposePathMappings } from '../../../../src/core/mapping/propose';
import { resolveFilePath, type FileResolveContext } from '../../../../src/core/mapping/resolve';
import { SuffixIndex } from '../../../../src/core/mapping/suffixIndex';

const folders = [{ name: 'shop', path: '/home/u/shop' }, { name: 'billing', path: '/home/u/billing' }];
function ctx(files: string[], setting: unknown = {}): FileResolveContext {
  const index = new SuffixIndex();
  for (const f of files) index.add(f);
  return { mappings: compilePathMappings(setting, folders), folders: folders.map(f => f.path), index };
}
const FILES = ['/home/u/shop/src/orders/service.ts', '/home/u/shop/src/index.ts', '/home/u/billing/src/index.ts', '/home/u/billing/src/pay.ts'];

test('each route to a file says how it got there', () => {
  const c = ctx(FILES, { '/app/': '${workspaceFolder}/' });
  assert.deepEqual(resolveFilePath('/home/u/shop/src/index.ts', c), { ok: true, path: '/home/u/shop/src/index.ts', how: 'attribute', detail: '/home/u/shop/src/index.ts', inside: true });
  assert.deepEqual(resolveFilePath('/app/src/index.ts', c), { ok: true, path: '/home/u/shop/src/index.ts', how: 'path-mapping', detail: '"/app/" → "${workspaceFolder}/"', inside: true });
  const s = resolveFilePath('/srv/build/src/orders/service.ts', c);
  assert.equal(s.ok && s.how, 'suffix');
  assert.equal(s.ok && s.path, '/home/u/shop/src/orders/service.ts');
  const r = resolveFilePath('src/pay.ts', c);
  assert.equal(r.ok && r.how, 'attribute');
  assert.equal(r.ok && r.path, '/home/u/billing/src/pay.ts');
  const w = resolveFilePath('C:\\agent\\_work\\src\\orders\\Service.ts', c);
  assert.equal(w.ok && w.how, 'suffix', 'Windows paths match case-insensitively');
});

test('ambiguity and misses are explained, with candidates', () => {
  const c = ctx(FILES);
  const a = resolveFilePath('src/index.ts', c);
  assert.equal(a.ok, false);
  if (!a.ok) { assert.match(a.reason, /exists in 2 workspace folders/); assert.deepEqual(a.candidates, ['/home/u/shop/src/index.ts', '/home/u/billing/src/index.ts']); }
  const b = resolveFilePath('/app/src/index.ts', c);
  if (!b.ok) assert.match(b.reason, /2 workspace files end in …\/src\/index.ts/); else assert.fail();
  const m = resolveFilePath('/app/src/nothing.ts', c);
  if (!m.ok) assert.match(m.reason, /not in the workspace/); else assert.fail();
  const h = resolveFilePath('command:workbench.action.openSettings', c);
  if (!h.ok) assert.match(h.reason, /never followed/); else assert.fail();
});

test('a file outside the workspace is resolved but marked as not inside (the host asks before opening it)', () => {
  const c: FileResolveContext = { ...ctx(FILES), exists: p => p === '/usr/lib/node/x.js' || FILES.includes(p) };
  const r = resolveFilePath('/usr/lib/node/x.js', c);
  assert.deepEqual(r, { ok: true, path: '/usr/lib/node/x.js', how: 'attribute', detail: '/usr/lib/node/x.js', inside: false });
  const t = resolveFilePath('/home/u/shop/../../../etc/passwd', c);
  assert.equal(t.ok, false);
});

test('a path mapping is proposed from unmapped paths, in the setting\'s own spelling', () => {
  const index = new SuffixIndex();
  for (const f of FILES) index.add(f);
  const p = proposePathMappings(['/app/src/orders/service.ts', '/app/src/orders/service.ts', '/srv/billing/src/pay.ts', 'relative/x.ts'], index, folders);
  assert.deepEqual(p, [
    { from: '/app/', to: '${workspaceFolder}/', explains: 2 },
    { from: '/srv/billing/', to: '${workspaceFolder:billing}/', explains: 1 },
  ]);
  // The proposal, applied, resolves the paths it explains.
  const setting = Object.fromEntries(p.map(x => [x.from, x.to]));
  const r = resolveFilePath('/srv/billing/src/pay.ts', { mappings: compilePathMappings(setting, folders), folders: folders.map(f => f.path), index });
  assert.equal(r.ok && r.how, 'path-mapping');
});

test('drift: revisions from attributes, lines through a diff, verdicts', () => {
  assert.deepEqual(revisionOf([{ key: 'vcs.ref.head.revision', value: 'ABCDEF1234567' }]), { commit: 'abcdef1234567', commitKey: 'vcs.ref.head.revision' });
  assert.deepEqual(revisionOf([{ key: 'service.version', value: '1.4.2+g3f9a2c1' }]), { commit: '3f9a2c1', commitKey: 'service.version', version: '1.4.2+g3f9a2c1' });
  assert.deepEqual(revisionOf([{ key: 'service.version', value: '1.4.2' }]), { version: '1.4.2' });
  assert.deepEqual(revisionOf([{ key: 'git.commit.sha', value: 'not a sha' }]), {});
  const diff = ['diff --git a/x b/x', '@@ -3,0 +4,2 @@', '+a', '+b', '@@ -10,2 +12 @@', '-x', '-y', '+z', '@@ -20 +21,0 @@', '-gone'].join('\n');
  const h = parseDiffHunks(diff);
  assert.deepEqual(h, [{ oldStart: 3, oldCount: 0, newStart: 4, newCount: 2 }, { oldStart: 10, oldCount: 2, newStart: 12, newCount: 1 }, { oldStart: 20, oldCount: 1, newStart: 21, newCount: 0 }]);
  assert.deepEqual([1, 3, 4, 9, 10, 11, 12, 19, 20, 21].map(l => mapLineThroughDiff(h, l)), [1, 3, 6, 11, undefined, undefined, 13, 20, undefined, 21]);
  assert.equal(judgeDrift({ traceStartMs: 1000, fileLastCommitMs: 2000 }).drifted, true);
  assert.equal(judgeDrift({ traceStartMs: 3000, fileLastCommitMs: 2000 }).drifted, false);
  assert.match(judgeDrift({ traceStartMs: 3000, traceCommit: 'abc1234', headCommit: 'def5678aaaa' }).reason ?? '', /commit abc1234/);
  assert.equal(judgeDrift({ traceStartMs: 3000, traceCommit: 'abc1234', headCommit: 'abc1234ffff' }).drifted, false);
  assert.equal(judgeDrift({ traceStartMs: 3000, dirty: true }).drifted, true);
});
