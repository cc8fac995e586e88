// The typed settings (src/host/config.ts) and package.json `contributes.configuration` declare the same keys,
// types and defaults; every setting has a markdownDescription and a scope.
import '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { RECEIVER_DEFAULTS, TRACE_DEFAULTS } from '../../../src/host/config';

interface Prop { type?: string | string[]; default?: unknown; markdownDescription?: string; description?: string; scope?: string; enum?: unknown[] }
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { contributes?: { configuration?: { title?: string; properties?: Record<string, Prop> }[] | { properties?: Record<string, Prop> } } };
const sections = Array.isArray(pkg.contributes?.configuration) ? pkg.contributes.configuration : pkg.contributes?.configuration ? [pkg.contributes.configuration] : [];
const props: Record<string, Prop> = Object.assign({}, ...sections.map(s => s.properties ?? {}));

test('the host defaults are the defaults package.json declares', () => {
  for (const [key, value] of Object.entries(RECEIVER_DEFAULTS)) {
    const p = props[`spanscope.receiver.${key}`];
    assert.ok(p, `spanscope.receiver.${key} is read by the host but not contributed`);
    assert.deepEqual(p.default, value, `spanscope.receiver.${key} default`);
  }
  for (const [key, value] of Object.entries(TRACE_DEFAULTS)) {
    const p = props[`spanscope.trace.${key}`];
    assert.ok(p, `spanscope.trace.${key} is read by the host but not contributed`);
    assert.deepEqual(p.default, value, `spanscope.trace.${key} default`);
  }
});

test('every contributed setting is documented, scoped, typed, and in the spanscope section', () => {
  assert.ok(Object.keys(props).length > 0);
  for (const [key, p] of Object.entries(props)) {
    assert.match(key, /^spanscope\./, key);
    assert.ok((p.markdownDescription ?? p.description ?? '').trim().length > 10, `${key} has no description`);
    assert.ok(p.markdownDescription, `${key} should use markdownDescription`);
    assert.ok(p.scope, `${key} has no scope`);
    assert.ok(p.type, `${key} has no type`);
    if (p.enum && p.default !== undefined) assert.ok(p.enum.includes(p.default), `${key} default is not one of its enum values`);
  }
});

test('settings that start servers, call backends or decide which file opens are restricted in untrusted workspaces', () => {
  const pkgAll = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } } };
  const u = pkgAll.capabilities?.untrustedWorkspaces;
  assert.equal(u?.supported, 'limited');
  for (const key of ['spanscope.receiver.autoStart', 'spanscope.receiver.host', 'spanscope.receiver.port', 'spanscope.backends', 'spanscope.pathMappings']) {
    assert.ok(u?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
  }
});
