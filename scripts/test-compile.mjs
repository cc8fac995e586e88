// Compiles test files once with esbuild (one CommonJS bundle per test file, under out/test/) so that `node --test`
// can run them without the TypeScript loader: starting tsx and transforming each file's imports costs about a second
// per test file, which was most of the unit layer's two minutes.
// Each bundle behaves like its sources: `__dirname`, `__filename` and `import.meta.url` in project files are replaced
// by the source file's own location (tests find fixtures and dist/ relative to themselves); the vscode module stays
// a require so that test/support/host/fakeVscode.ts can answer it; npm packages are loaded from node_modules as usual,
// except ES-module-only ones (d3-*), which are bundled because CommonJS cannot require them on every Node 20.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
export const COMPILED_DIR = join(ROOT, 'out', 'test');

/** Replaces the module-location globals in one project file by its own location, as a string literal. */
function withOwnLocation(text, file) {
  return text
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(file).href))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(file)))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(file))
    .replace(/(?<![.\w$])__dirname\b/g, JSON.stringify(dirname(file)))
    .replace(/(?<![.\w$])__filename\b/g, JSON.stringify(file));
}

const LOADERS = { '.ts': 'ts', '.tsx': 'tsx', '.mts': 'ts', '.mjs': 'js', '.js': 'js', '.cjs': 'js' };

/** @type {esbuild.Plugin} */
const sourceLocations = {
  name: 'source-locations',
  setup(build) {
    build.onLoad({ filter: /\.(ts|tsx|mts|mjs|js|cjs)$/ }, args => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!/__dirname|__filename|import\.meta/.test(text)) return undefined;
      const ext = args.path.slice(args.path.lastIndexOf('.'));
      return { contents: withOwnLocation(text, args.path), loader: LOADERS[ext], resolveDir: dirname(args.path) };
    });
  },
};

const esmOnly = new Map();
/** True when a package can only be imported (package.json "type": "module" and no CommonJS entry). */
function isEsmOnly(name) {
  if (!esmOnly.has(name)) {
    let only = false;
    try {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
      only = pkg.type === 'module' && !JSON.stringify(pkg.exports ?? {}).includes('"require"') && !(pkg.main ?? '').endsWith('.cjs');
    } catch { only = false; }
    esmOnly.set(name, only);
  }
  return esmOnly.get(name);
}

/** @type {esbuild.Plugin} */
const packagesFromNodeModules = {
  name: 'packages-from-node-modules',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, args => {
      if (args.path.startsWith('node:') || args.path === 'vscode') return { path: args.path, external: true };
      const parts = args.path.split('/');
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      // Inside a bundled ES-only package, its own dependencies follow the same rule.
      return isEsmOnly(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * Bundles `files` (paths relative to the project root) into `outDir` (emptied first; it must lie inside the project,
 * where the bundles find node_modules) and returns the compiled paths, relative to the root, in the same order.
 */
export async function compileTests(files, outDir = COMPILED_DIR) {
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files.map(f => join(ROOT, f)),
    outdir: outDir,
    outbase: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    outExtension: { '.js': '.js' },
    plugins: [sourceLocations, packagesFromNodeModules],
  });
  return files.map(f => relative(ROOT, join(outDir, f.replace(/\.(ts|tsx|mts|mjs)$/, '.js'))));
}

/**
 * Puts the compiled test files that can share a process into `groups` files (`outDir`/group-N.test.js), each
 * requiring its files one after another, each file inside a suite named by its source path; returns what to give
 * `node --test`: the group files first, then the files that run in a process of their own.
 * Why: `node --test` starts a process per file, and on 2 cores the start-up and module loading of 122 processes was
 * about a quarter of the unit layer's CPU time (a same-run comparison: 22.8 s against 28.3 s of tests).
 * A file that uses the fake `vscode` (anything from test/support/host/) keeps its own process: each bundle carries
 * its own fake, and a process has one `vscode` module. Inside its suite, a file's top-level before/after hooks stay
 * its own.
 * @param {string[]} files the source paths, relative to the project root
 * @param {string[]} compiled their compiled paths, in the same order (what compileTests returned)
 * @param {{ root?: string, outDir?: string }} where the project root and the directory the group files go in
 */
export function groupTests(files, compiled, groups, { root = ROOT, outDir = COMPILED_DIR } = {}) {
  const shared = [], alone = [];
  files.forEach((file, i) => {
    const usesFakeVscode = /support\/host\//.test(readFileSync(join(root, file), 'utf8'));
    (usesFakeVscode ? alone : shared).push({ file, compiled: compiled[i] });
  });
  const count = Math.min(groups, shared.length);
  const groupFiles = Array.from({ length: count }, (_, g) => {
    const path = join(outDir, `group-${g}.test.js`);
    const members = shared.filter((_, i) => i % count === g);
    writeFileSync(path, '// Generated by scripts/test-compile.mjs: test files that share one process, each in a suite named by its source.\n'
      + "const { describe } = require('node:test');\n"
      + members.map(m => `describe(${JSON.stringify(m.file)}, () => { require(${JSON.stringify(join(root, m.compiled))}); });\n`).join(''));
    return relative(root, path);
  });
  return [...groupFiles, ...alone.map(m => m.compiled)];
}
