import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInside, joinPath, parseSpanPath } from '../../../../src/core/mapping/paths';

function ok(raw: string) {
  const v = parseSpanPath(raw);
  assert.ok(v.ok, `expected ${JSON.stringify(raw)} to parse: ${v.ok ? '' : v.reason}`);
  return v.path;
}
function refused(raw: unknown, reason: RegExp) {
  const v = parseSpanPath(raw);
  assert.equal(v.ok, false, `expected ${JSON.stringify(raw)} to be refused`);
  if (!v.ok) assert.match(v.reason, reason);
}

test('schemes other than file are refused, whatever their case', () => {
  refused('command:workbench.action.terminal.new', /scheme "command:"/);
  refused('vscode://ms-vscode.remote/x', /scheme "vscode:"/);
  refused('http://evil.example/a.ts', /scheme "http:"/);
  refused('HTTPS://evil.example/a.ts', /scheme "https:"/);
  refused('javascript:alert(1)', /scheme "javascript:"/);
  refused('vscode-remote://ssh-remote+x/etc/passwd', /scheme "vscode-remote:"/);
  refused('data:text/plain,hi', /scheme "data:"/);
});

test('.. traversal is resolved before anything looks at the path', () => {
  assert.equal(ok('/app/src/../lib/a.ts').normalized, '/app/lib/a.ts');
  assert.equal(ok('/app/./src//a.ts').normalized, '/app/src/a.ts');
  refused('/app/../../etc/passwd', /climbs above its root/);
  refused('C:\\app\\..\\..\\Windows\\win.ini', /climbs above its root/);
  const rel = ok('../../etc/passwd');
  assert.equal(rel.flavor, 'relative');
  assert.equal(rel.climbs, true);
  assert.equal(rel.normalized, '../../etc/passwd');
  // A percent-encoded traversal in a file URI is decoded first, then resolved.
  refused('file:///app/%2e%2e/%2e%2e/etc/passwd', /climbs above its root/);
  assert.equal(ok('file:///app/src/%2e%2e/a.ts').normalized, '/app/a.ts');
});

test('Windows drive, UNC and device paths are recognised, not treated as relative', () => {
  const w = ok('C:\\build\\src\\Orders.cs');
  assert.equal(w.flavor, 'windows');
  assert.equal(w.normalized, 'C:/build/src/Orders.cs');
  assert.equal(ok('c:/x/y.ts').normalized, 'C:/x/y.ts');
  const u = ok('\\\\fileserver\\share\\src\\a.ts');
  assert.equal(u.flavor, 'unc');
  assert.equal(u.normalized, '//fileserver/share/src/a.ts');
  assert.deepEqual(u.segments, ['fileserver', 'share', 'src', 'a.ts']);
  assert.equal(ok('\\\\?\\C:\\long\\a.ts').normalized, 'C:/long/a.ts');
  assert.equal(ok('\\\\?\\UNC\\srv\\sh\\a.ts').normalized, '//srv/sh/a.ts');
  refused('\\\\.\\pipe\\evil', /device path/);
  refused('\\\\server', /UNC path without server and share/);
  assert.equal(ok('file://srv/share/a.ts').normalized, '//srv/share/a.ts');
  assert.equal(ok('file:///C:/src/a.ts').normalized, 'C:/src/a.ts');
});

test('control characters, empty values, non-strings and absurd lengths are refused', () => {
  refused('/app/a.ts\u0000.png', /control characters/);
  refused('/app/a\n.ts', /control characters/);
  refused('', /no file path/);
  refused('   ', /no file path/);
  refused(42, /no file path/);
  refused(undefined, /no file path/);
  refused('/' + 'a'.repeat(5000), /longer than/);
});

test('bundler URIs become relative sources for suffix matching only', () => {
  const p = ok('webpack:///./src/orders/service.ts');
  assert.equal(p.flavor, 'relative');
  assert.equal(p.normalized, 'src/orders/service.ts');
  assert.equal(p.fromBundlerUri, true);
  assert.equal(ok('webpack://shop/./src/a.ts').normalized, 'src/a.ts');
  assert.equal(ok('webpack:///C:/x/a.ts').normalized, 'C:/x/a.ts');
});

test('containment is segment-wise and honours case rules', () => {
  assert.equal(isInside('/work/app/a.ts', '/work/app'), true);
  assert.equal(isInside('/work/app', '/work/app/'), true);
  assert.equal(isInside('/work/app-evil/a.ts', '/work/app'), false);
  assert.equal(isInside('/work/App/a.ts', '/work/app'), false);
  assert.equal(isInside('C:/Work/App/a.ts', 'c:/work/app', true), true);
  assert.equal(isInside('/etc/passwd', '/'), true);
});

test('joinPath resolves relative parts and never climbs above the root', () => {
  assert.equal(joinPath('/w/dist', '../src/a.ts'), '/w/src/a.ts');
  assert.equal(joinPath('/w', '/abs/x.ts'), '/abs/x.ts');
  assert.equal(joinPath('/w', '../../../x'), undefined);
});
