// Type-checking of host, core, tests (tsconfig.json) and webview (webview/tsconfig.json) is part of the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';

const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
for (const project of ['tsconfig.json', 'webview/tsconfig.json']) {
  test(`tsc -p ${project} has no errors`, { timeout: 300_000 }, () => {
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
}
