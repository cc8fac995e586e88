// What the benchmarks that call the TypeScript core share (core, parse, findings, receiver, mcp): where the
// repository is, how they read `--name value` arguments, the --expose-gc check of those that measure heap, and the
// esbuild bundle of the modules they call. The bundle is made the way the extension bundles the core, so a
// benchmark times the code that ships rather than a tsx-transpiled variant of it.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the benchmarks keep their bundles and scratch files (under node_modules, so git and lint skip it). */
export const cacheDir = join(root, 'node_modules', '.cache', 'spanscope-bench');

/** The value after `name` on the command line (`--runs 5`), else `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Exits with a usage message unless node runs with --expose-gc (the heap figures need globalThis.gc). */
export function requireGc(how) {
  if (typeof globalThis.gc !== 'function') {
    console.error(`run with node --expose-gc (${how})`);
    process.exit(2);
  }
}

/** The file bundleCore(name, …) writes, for a child process that imports the same bundle. */
export function bundlePath(name) {
  return join(cacheDir, `${name}.mjs`);
}

/**
 * Bundles the named exports of TypeScript modules (export name → path from the repository root) into
 * bundlePath(name) and imports it.
 */
export async function bundleCore(name, modules) {
  mkdirSync(cacheDir, { recursive: true });
  const entry = Object.entries(modules).map(([what, path]) => `export { ${what} } from ${JSON.stringify(join(root, path))};`).join('\n');
  const bundle = bundlePath(name);
  await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'warning', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  return import(pathToFileURL(bundle).href);
}

/** The middle value of a list of numbers (the upper one of the two middles for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Collects garbage until the heap is quiet (needs --expose-gc; see requireGc). */
export function settle() {
  for (let i = 0; i < 3; i++) globalThis.gc();
}

function heapUsed() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Retained heap bytes (V8 heap + ArrayBuffers, after gc) of what `make` returns, kept alive until measured. */
export function retainedBytes(make) {
  settle();
  const before = heapUsed();
  let keep = make();
  settle();
  const after = heapUsed();
  if (keep === 42) console.log(''); // keep `keep` alive across the gc
  keep = undefined;
  settle();
  return after - before;
}
