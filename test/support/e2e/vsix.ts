// The packaged extension the E2E tests install: dist/spanscope-<version>.vsix, made by `npm run package`.
// Built once when missing or older than its sources; concurrent test processes are serialized with flock.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths';

const SOURCES = ['src', 'webview', 'media', 'package.json', 'scripts/build.mjs', 'scripts/package.mjs', '.vscodeignore', 'README.md'];

export function vsixPath(): string {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return join(PROJECT_ROOT, 'dist', `spanscope-${version}.vsix`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when the .vsix is missing or any of its sources changed after it was made. */
export function vsixIsStale(): boolean {
  const vsix = vsixPath();
  if (!existsSync(vsix)) return true;
  const built = statSync(vsix).mtimeMs;
  return SOURCES.some(p => newestMtime(join(PROJECT_ROOT, p)) > built);
}

/** Returns the path of an up-to-date .vsix, running `npm run package` (under a lock) when needed. */
export function ensureVsix(): string {
  if (!vsixIsStale()) return vsixPath();
  const r = spawnSync('flock', ['/tmp/spanscope-e2e-package.lock', process.execPath, '--import', 'tsx',
    join(PROJECT_ROOT, 'test', 'support', 'e2e', 'package-vsix.ts')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`npm run package failed (${r.status ?? r.signal}):\n${(r.stdout ?? '').slice(-3000)}\n${(r.stderr ?? '').slice(-3000)}`);
  }
  if (!existsSync(vsixPath())) throw new Error(`npm run package did not produce ${vsixPath()}`);
  return vsixPath();
}
