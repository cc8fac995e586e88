// Every dependency that ships an install script is reviewed in package.json's allowScripts (npm 11.16+), so that
// `npm install` does not warn about unreviewed scripts and a future npm that blocks them by default still builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';

interface LockEntry { version?: string; hasInstallScript?: boolean; dev?: boolean; optional?: boolean }

test('allowScripts in package.json covers every locked package that has an install script', () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const allow = pkg.allowScripts ?? {};
  const withScripts = Object.entries(lock.packages)
    .filter(([path, e]) => path !== '' && e.hasInstallScript)
    // The package name is what follows the last node_modules/ of its path (scoped names keep their scope).
    .map(([path, e]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: e.version ?? '' }));
  assert.ok(withScripts.length > 0, 'the lockfile lists packages with install scripts (else this test checks nothing)');
  const unreviewed = withScripts.filter(p => !(p.name in allow) && !(`${p.name}@${p.version}` in allow));
  assert.deepEqual(unreviewed, [], 'packages whose install scripts are neither allowed nor denied in allowScripts');
  // Each entry names a package that is really there (a stale entry would hide a renamed package's new script).
  for (const key of Object.keys(allow)) {
    const name = key.startsWith('@') ? `@${key.slice(1).split('@')[0]}` : key.split('@')[0]!;
    assert.ok(withScripts.some(p => p.name === name), `allowScripts entry ${key} matches no package with an install script`);
  }
  // The scripts the build needs run: esbuild's install checks its native binary, vsce-sign's copies its binary into
  // place. protobufjs' only prints a version-scheme hint, so it is denied.
  assert.equal(allow.esbuild, true);
  assert.equal(allow['@vscode/vsce-sign'], true);
  assert.equal(allow.protobufjs, false);
  // keytar (an optional dependency of vsce, for storing a publisher token) builds a native module; nothing here uses it.
  assert.equal(allow.keytar, false);
});
