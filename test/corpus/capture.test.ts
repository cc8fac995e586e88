// The corpus stays real: each app is built from its registries, run under its real SDK/agent and captured again
// through `spanscope receive` into a temporary folder; the new capture must have the same spans (names, kinds, code.*
// attributes, parent structure) as the committed one. Slow (about a minute and a half with warm caches, several
// minutes cold); needs Java 17+, Go, Python 3 with venv, npm and the registries. Without a toolchain the app's case
// is skipped locally and fails in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_NAMES, CORPUS_DIR, captureApp } from '../../scripts/capture-corpus.mjs';
import { captureShape } from '../../scripts/corpus/truth.mjs';

const TOOL: Record<string, [string, string[]]> = {
  'java-shop': ['javac', ['-version']],
  'go-dispatch': ['go', ['version']],
  'py-inventory': ['python3', ['-m', 'venv', '--help']],
  'node-catalog': ['npm', ['--version']],
};

function missingTool(app: string): string | false {
  const [cmd, args] = TOOL[app]!;
  const ok = spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (ok || process.env.CI) return false;
  return `${cmd} is not installed (CI has it)`;
}

// SPANSCOPE_CORPUS_APPS=go-dispatch,py-inventory re-captures only those.
const only = process.env.SPANSCOPE_CORPUS_APPS?.split(',').filter(Boolean);

for (const app of APP_NAMES.filter(a => !only || only.includes(a))) {
  test(`${app}: a fresh capture has the same spans as the committed one`, { skip: missingTool(app), timeout: 15 * 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), `spanscope-corpus-${app}-`));
    try {
      const t0 = Date.now();
      await captureApp(app, join(dir, 'out'), { workRoot: join(dir, 'work') });
      process.stderr.write(`${app}: captured in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      const committed = readdirSync(join(CORPUS_DIR, app)).filter(f => /^capture.*\.json$/.test(f) && f !== 'capture-meta.json').sort();
      const fresh = readdirSync(join(dir, 'out')).filter(f => /^capture.*\.json$/.test(f) && f !== 'capture-meta.json').sort();
      assert.deepEqual(fresh, committed);
      for (const file of committed) {
        const shape = (p: string) => captureShape(JSON.parse(readFileSync(p, 'utf8')));
        assert.deepEqual(shape(join(dir, 'out', file)), shape(join(CORPUS_DIR, app, file)), `${app}/${file}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
