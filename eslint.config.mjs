// Lint guards each runtime (habit from vscode-gitlens): only src/host imports `vscode` as a value (backends, worker,
// cli and mcp not even as a type); the core, the protocol and the webview import no Node built-ins; each room imports
// only the rooms it may (core nothing outside core, protocol only core, the webview only the shared files its
// tsconfig includes: scripts/lint-boundaries.mjs); no default exports anywhere. Plus typescript-eslint's recommended
// rules. `npm run lint`; test/build/lint.test.ts runs it in CI and checks that each rule fires.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';
import { boundaries } from './scripts/lint-boundaries.mjs';

const nodeBuiltins = [...new Set(builtinModules.flatMap(m => [m, `node:${m}`]))];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'out/**', '.tmp/**', '.cache/**', 'test-results/**', 'vendor/**',
      // The shared benchmark scripts, kept byte-identical to ../shared/bench (the trace generator and the
      // side-by-side harness that measures Jaeger UI and the waterfall the same way).
      'bench/gen-trace.mjs', 'bench/jaeger-ui-render.mjs', 'bench/serve-jaeger-ui.mjs', 'bench/webview-side-by-side.mjs', '**/*.d.ts', 'src/**/generated/**', 'src/**/*.generated.*', 'src/core/proto/otlp.js', 'demo/**/node_modules/**',
      // The corpus apps (code mapping, findings) are other people's code in their own style (CommonJS, Go, Python, Java).
      'test/corpus/mapping/**', 'test/corpus/findings/*/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Code that runs in a browser: the webview, its tests and benchmarks (page.evaluate bodies).
    files: ['webview/**', 'test/webview/**', 'bench/webview*.mjs', 'scripts/harness*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Everything outside the extension host: `vscode` only as a type (there is no vscode module at run time).
    files: ['**/*.{ts,tsx,mts,mjs,js}'],
    ignores: ['src/host/**', 'test/support/host/**', 'test/electron/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', allowTypeImports: true, message: 'Only src/host imports vscode; pass what you need in.' }],
      }],
    },
  },
  {
    // Node code that the extension host is not the only user of (the CLI, the MCP server, workers, backends): no
    // vscode at all, not even its types.
    files: ['src/backends/**', 'src/worker/**', 'src/cli/**', 'src/mcp/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Backends, workers, the CLI and the MCP server run without VS Code: no vscode, not even its types.' }],
      }],
    },
  },
  {
    // A pick or input box opened by a command must stay open when the focus moves: after the command palette closes,
    // a webview that had the focus (the waterfall, the analysis) takes it back a moment later, and a quick input
    // without ignoreFocusOut then closes as if the user had clicked away (seen in CI; users see it too).
    files: ['src/host/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.property.name=/^(showQuickPick|showInputBox)$/]:not(:has(Property[key.name="ignoreFocusOut"]))',
        message: 'Pass ignoreFocusOut: true (a webview taking the focus back would close this pick), or false with a comment saying why not.',
      }],
    },
  },
  {
    // Which room may import which (relative imports between src/* and webview/).
    files: ['src/**', 'webview/**'],
    plugins: { spanscope: { rules: { boundaries } } },
    rules: { 'spanscope/boundaries': 'error' },
  },
  {
    // Code that runs in the webview or anywhere (core, protocol): no Node built-ins, no vscode at all.
    files: ['src/core/**', 'src/protocol/**', 'webview/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The core, the protocol and the webview never import vscode.' },
          ...nodeBuiltins.map(name => ({ name, message: 'The core, the protocol and the webview run without Node: no built-ins.' })),
          // They are bundled into the webviews and the parse workers, whose start-up is on the way to the first rows.
          ...['zod', 'zod/mini', 'zod/v4', 'zod/v4/mini'].map(name => ({ name, message: "Import z from src/core/schema.ts (zod/mini with English messages): classic zod is 90 KB of the webview's and the parse worker's bundles." })),
        ],
      }],
      // The first locale-aware call in a page sets up ICU (15-30 ms on a cold webview, before the first rows).
      'no-restricted-syntax': ['error',
        { selector: 'CallExpression[callee.property.name=/^toLocale/]', message: 'Use formatCount / formatDuration (src/core/units): toLocale* sets up ICU on first use, 15-30 ms of a cold webview.' },
        { selector: "MemberExpression[object.name='Intl']", message: 'Use src/core/units: Intl sets up ICU on first use, 15-30 ms of a cold webview.' },
      ],
    },
  },
  {
    // The demo's sample services and the E2E workspaces' sources are plain CommonJS Node programs.
    files: ['demo/**/*.js', 'test/e2e/workspaces/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Config files whose tools require a default export.
    files: ['eslint.config.mjs', '**/*.config.{js,mjs,ts}'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
