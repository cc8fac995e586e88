// Builds the bundles in dist/. One options object per target; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// `--outdir DIR` builds somewhere else than dist/ (packaging stages a clean copy there).
const outdirAt = process.argv.indexOf('--outdir');
const outdir = outdirAt >= 0 ? process.argv[outdirAt + 1] : 'dist';
mkdirSync(outdir, { recursive: true });

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// The extension host loads its heavy parts (parsers with zod schemas, protobuf, gRPC, the receiver) on first use
// from a second bundle: `import('…/host/lazy')` in host code becomes `require('./extension-lazy.js')`, so VS Code
// parses only the small bundle at activation. Tests running the TypeScript sources import src/host/lazy.ts itself.
/** @type {esbuild.Plugin} */
const lazyHostModules = {
  name: 'lazy-host-modules',
  setup(build) {
    build.onResolve({ filter: /(^|\/)lazy$/ }, args => {
      const abs = join(args.resolveDir, args.path);
      return abs === resolve('src/host/lazy') && args.kind === 'dynamic-import' ? { path: './extension-lazy.js', external: true } : undefined;
    });
  },
};

// The CLI's commands, each its own bundle (dist/cli-<command>.js) loaded by dist/cli.js when that command runs:
// `spanscope map` then compiles its 0.4 MB instead of the whole 3 MB of every command (about 55 ms of start-up).
// The command modules are the dynamic imports of src/cli/main.ts.
const CLI_COMMANDS = [...readFileSync('src/cli/main.ts', 'utf8').matchAll(/import\('\.\/(\w+)'\)/g)].map(m => m[1]);
/** @type {esbuild.Plugin} */
const cliCommandModules = {
  name: 'cli-command-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/\w+$/ }, args => {
      if (args.kind !== 'dynamic-import' || resolve(args.importer) !== resolve('src/cli/main.ts')) return undefined;
      const name = args.path.slice(2);
      return CLI_COMMANDS.includes(name) ? { path: `./cli-${name}.js`, external: true } : undefined;
    });
  },
};

/** @type {Record<string, esbuild.BuildOptions>} */
export const targets = {
  // The extension host: CommonJS for Node, `vscode` provided by the editor.
  extension: { ...common, entryPoints: ['src/host/extension.ts'], outfile: `${outdir}/extension.js`, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [lazyHostModules] },
  // What the extension host loads on first use (see lazyHostModules).
  extensionLazy: { ...common, entryPoints: ['src/host/lazy.ts'], outfile: `${outdir}/extension-lazy.js`, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // Worker thread that parses large traces off the extension host's main thread.
  parseWorker: { ...common, entryPoints: ['src/worker/parse-worker.ts'], outfile: `${outdir}/parse-worker.js`, platform: 'node', format: 'cjs', target: 'node20' },
  // Worker threads that parse OTLP export requests for the embedded receiver off the thread that serves HTTP.
  receiverWorker: { ...common, entryPoints: ['src/backends/receiver/ingest-worker.ts'], outfile: `${outdir}/receiver-worker.js`, platform: 'node', format: 'cjs', target: 'node20' },
  // Worker thread for the editor's aggregate mode: per-location statistics off the main thread.
  aggregateWorker: { ...common, entryPoints: ['src/host/editor/aggregateWorker.ts'], outfile: `${outdir}/aggregate-worker.js`, platform: 'node', format: 'cjs', target: 'node20' },
  // Worker thread that parses source files with tree-sitter for code mapping (its wasm files: see copyTreeSitter).
  syntaxWorker: { ...common, entryPoints: ['src/worker/syntax-worker.ts'], outfile: `${outdir}/syntax-worker.js`, platform: 'node', format: 'cjs', target: 'node20' },
  // Worker thread of `spanscope map`: walks the workspace and reads its source files while the command parses.
  workspaceReader: { ...common, entryPoints: ['src/worker/workspace-reader.ts'], outfile: `${outdir}/cli-workspace-reader.js`, platform: 'node', format: 'cjs', target: 'node20' },
  // The command-line tool (summary, receive, fetch, map, mcp).
  cli: { ...common, entryPoints: ['src/cli/bin.ts'], outfile: `${outdir}/cli.js`, platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' }, plugins: [cliCommandModules],
    // require() the command's bundle: a dynamic import() would start Node's ES module loader (about 15 ms).
    supported: { 'dynamic-import': false } },
  // Its commands (see cliCommandModules).
  cliCommands: { ...common, entryPoints: Object.fromEntries(CLI_COMMANDS.map(n => [`cli-${n}`, `src/cli/${n}.ts`])), outdir, platform: 'node', format: 'cjs', target: 'node20' },
  // The webview: a browser IIFE with preact; no Node built-ins.
  webview: { ...common, entryPoints: ['webview/main.tsx'], outfile: `${outdir}/webview.js`, platform: 'browser', format: 'iife', target: 'chrome120', jsx: 'automatic', jsxImportSource: 'preact', loader: { '.css': 'css' } },
  // The analysis webview (service graph, trace comparison, latency distribution): same recipe as the waterfall.
  analysis: { ...common, entryPoints: ['webview/analysis/main.tsx'], outfile: `${outdir}/analysis.js`, platform: 'browser', format: 'iife', target: 'chrome120', jsx: 'automatic', jsxImportSource: 'preact', loader: { '.css': 'css' } },
};

import { copyFileSync, existsSync } from 'node:fs';

// The tree-sitter runtime and the grammars the syntax worker loads at run time, copied from
// @vscode/tree-sitter-wasm into dist/tree-sitter/ (only these: the package ships more, and the .vsix size counts).
// Keep in step with GRAMMAR_FILES in src/core/mapping/syntax/languages.ts.
export const TREE_SITTER_WASM = [
  'tree-sitter.wasm', 'tree-sitter-java.wasm', 'tree-sitter-c-sharp.wasm', 'tree-sitter-go.wasm', 'tree-sitter-python.wasm',
  'tree-sitter-javascript.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm', 'tree-sitter-ruby.wasm',
  'tree-sitter-php.wasm', 'tree-sitter-rust.wasm', 'tree-sitter-cpp.wasm',
];
function copyTreeSitter() {
  const from = join('node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  const to = join(outdir, 'tree-sitter');
  mkdirSync(to, { recursive: true });
  for (const f of TREE_SITTER_WASM) copyFileSync(join(from, f), join(to, f));
}
copyTreeSitter();

const selected = Object.entries(targets).filter(([, o]) => Object.values(/** @type {Record<string, string>} */ (o.entryPoints)).every(e => existsSync(e)));
if (watch) {
  for (const [, o] of selected) await (await esbuild.context(o)).watch();
  console.log(`watching ${selected.map(([n]) => n).join(', ')}`);
} else {
  await Promise.all(selected.map(([, o]) => esbuild.build(o)));
}
