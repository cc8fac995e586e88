// The import boundaries between the project's rooms, as an ESLint rule (`spanscope/boundaries`, wired up in
// eslint.config.mjs). Each room lists the rooms its relative imports may reach; anything else is a lint error, so a
// core module that imports from the host fails `npm run lint` instead of being caught in review.
// Bare package imports (zod, d3-*, vscode, Node built-ins) are not checked here: eslint.config.mjs restricts `vscode`
// and the built-ins per room with no-restricted-imports.
// The webview may reach only the shared files that webview/tsconfig.json includes, so that list is read from there:
// one definition, used by both the type checker and lint.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Prefixes (folders end with '/') or files without extension that the webview shares, from webview/tsconfig.json. */
export function webviewSharedFiles(root = ROOT) {
  const config = JSON.parse(readFileSync(join(root, 'webview', 'tsconfig.json'), 'utf8'));
  const out = [];
  for (const pattern of config.include ?? []) {
    const rel = relative(root, resolve(root, 'webview', pattern)).split(sep).join('/');
    if (rel === 'webview' || rel.startsWith('webview/')) continue; // the webview's own files
    const glob = rel.search(/[*?[{]/);
    out.push(glob >= 0 ? rel.slice(0, rel.lastIndexOf('/', glob) + 1) : rel.replace(/\.(ts|tsx)$/, ''));
  }
  return out;
}

/** Room (a folder relative to the project root) → the folders or files its relative imports may reach. */
export const ROOMS = {
  'src/core/': ['src/core/'],
  'src/protocol/': ['src/core/', 'src/protocol/'],
  'src/backends/': ['src/core/', 'src/protocol/', 'src/backends/'],
  'src/worker/': ['src/core/', 'src/protocol/', 'src/worker/'],
  'src/mcp/': ['src/core/', 'src/protocol/', 'src/backends/', 'src/mcp/', 'src/cli/'],
  'src/cli/': ['src/core/', 'src/protocol/', 'src/backends/', 'src/worker/', 'src/mcp/', 'src/cli/'],
  'src/host/': ['src/core/', 'src/protocol/', 'src/backends/', 'src/worker/', 'src/mcp/', 'src/host/'],
  'webview/': ['webview/', ...webviewSharedFiles()],
};

function reaches(allowed, target) {
  const bare = target.replace(/\.(ts|tsx|mts|js|mjs)$/, '');
  return allowed.some(a => (a.endsWith('/') ? target.startsWith(a) : bare === a));
}

export const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Each room (core, protocol, backends, worker, mcp, cli, host, webview) imports only the rooms it may.' },
    schema: [],
    messages: { outside: "{{room}} may not import {{target}}: it may reach only {{allowed}}." },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    const room = Object.keys(ROOMS).find(r => file.startsWith(r));
    if (!room) return {};
    const allowed = ROOMS[room];
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = relative(ROOT, resolve(dirname(context.filename), source)).split(sep).join('/');
      if (!reaches(allowed, target)) context.report({ node, messageId: 'outside', data: { room, target, allowed: allowed.join(', ') } });
    };
    return {
      ImportDeclaration: n => check(n.source, n.source.value),
      ExportNamedDeclaration: n => { if (n.source) check(n.source, n.source.value); },
      ExportAllDeclaration: n => check(n.source, n.source.value),
      ImportExpression: n => { if (n.source.type === 'Literal') check(n.source, n.source.value); },
      TSImportType: n => { const a = n.argument; const lit = a?.type === 'TSLiteralType' ? a.literal : a; if (lit?.type === 'Literal') check(lit, lit.value); },
      CallExpression: n => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n.arguments[0], n.arguments[0].value);
      },
    };
  },
};
