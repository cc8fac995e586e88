#!/usr/bin/env node
// The webview harness serving the waterfall as shipped: the production build (`node scripts/build.mjs
// --production`) of a copy of this checkout, so that a benchmark measures what users get and never rewrites the
// dist/ that another process (a test run, a watch build) is using.
//
//   node bench/shipped-harness.mjs [--port N]    prints "harness: <url>" when ready, serves until killed
//
// bench/webview.mjs starts it in-process with shippedHarness().
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Copies the checkout's files as they are now (tracked and new, edits included; not what .gitignore lists). */
export function copyCheckout(to) {
  const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (ls.status !== 0) throw new Error(`git ls-files: ${ls.stderr}`);
  let files = 0;
  for (const rel of ls.stdout.split('\0')) {
    // node_modules is a symlink here (so .gitignore's `node_modules/` does not hide it): linked below instead.
    if (!rel || rel === 'node_modules' || rel.startsWith('node_modules/')) continue;
    const from = join(ROOT, rel);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue; // deleted in the work tree, or a link
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    copyFileSync(from, join(to, rel));
    files++;
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(to, 'node_modules'));
  return files;
}

/**
 * Copy, build for production, start the copy's harness. Returns { url, dir, close() }; close() stops the harness
 * and removes the copy.
 */
export async function shippedHarness({ port = 0, log = m => process.stderr.write(`${m}\n`) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-shipped-'));
  const files = copyCheckout(dir);
  log(`[shipped] copied ${files} files of ${ROOT} to ${dir}; production build`);
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) { rmSync(dir, { recursive: true, force: true }); throw new Error(`production build failed:\n${build.stdout}${build.stderr}`); }
  const child = spawn(process.execPath, ['scripts/harness.mjs', '--port', String(port)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const m = /harness: (http:\/\/[^/\s]+)/.exec(out);
      if (m) ok(m[1]);
    });
    child.once('exit', code => fail(new Error(`the harness exited (${code}) before printing its URL: ${out}`)));
  });
  log(`[shipped] harness ${url}`);
  return {
    url, dir,
    close: async () => {
      if (child.exitCode === null) { child.kill(); await new Promise(r => child.once('exit', r)); }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const h = await shippedHarness({ port: i > 0 ? Number(process.argv[i + 1]) : 0 });
  console.log(`harness: ${h.url}/`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void h.close().then(() => process.exit(0)));
}
