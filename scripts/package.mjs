// `npm run package`: a production build (minified, no source maps) of the bundles into a clean staging folder with
// package.json, README, LICENSE, CHANGELOG, media/ and .vscodeignore, then `vsce package --no-dependencies` there
// (esbuild bundles everything the extension runs; node_modules stays out). Staging keeps dist/ untouched (tests
// running at the same time load it) and keeps stale files out of the package.
//   node scripts/package.mjs [--out FILE]     default dist/spanscope-<version>.vsix; prints path and size
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outAt = process.argv.indexOf('--out');
const out = resolve(outAt >= 0 ? process.argv[outAt + 1] : join('dist', `spanscope-${pkg.version}.vsix`));

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    console.error(`package: ${[cmd, ...args].join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

const stage = mkdtempSync(join(tmpdir(), 'spanscope-package-'));
try {
  run(process.execPath, ['scripts/build.mjs', '--production', '--outdir', join(stage, 'dist')], root);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'media']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  }
  mkdirSync(dirname(out), { recursive: true });
  run(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out], stage);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
console.log(`${out} ${(statSync(out).size / 1024).toFixed(0)} KiB`);
