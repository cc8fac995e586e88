#!/usr/bin/env node
// The webview harness: a loopback page that plays the extension host for the real dist/webview.js, served
// with the same HTML (and CSP) as the panel. `node scripts/harness.mjs [--port N]` prints its URL;
// tests and benchmarks call `startHarness()` in-process.
//
//   /?n=<spans>&seed=<seed>[&format=jaeger|otlp]   trace made by bench/gen-trace.mjs
//   /?trace=<url>                                   fetch a Jaeger/OTLP/Zipkin JSON document (CORS), parse it as the host does
//   &theme=dark|light|hc   &hold=1   &sourceFails=1   &select=<spanId>
//   /gen/trace.json?n=&seed=&format=                 the generated document itself
//   /doc/<id>                                        documents registered with harness.addDocument()
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

async function bundle(entry, platform = 'browser', format = 'iife') {
  const r = await esbuild.build({
    entryPoints: [join(ROOT, entry)], bundle: true, write: false, platform, format, target: platform === 'node' ? 'node20' : 'chrome120',
    // The harness's own scripts are minified so that they cost the page as little as possible (in VS Code the
    // page holds only dist/webview.js).
    logLevel: 'warning', sourcemap: false, minify: platform === 'browser', jsx: 'automatic', jsxImportSource: 'preact',
  });
  return r.outputFiles[0].text;
}

/** Start the harness. Returns its base URL, a way to serve extra documents, and close(). */
export async function startHarness({ port = 0, host = '127.0.0.1', quiet = true } = {}) {
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) throw new Error('dist/webview.js is missing: run `node scripts/build.mjs` first');
  const [hostJs, workerStartJs, workerJs, htmlModule] = await Promise.all([
    bundle('webview/harness/host.ts'),
    bundle('webview/harness/worker-start.ts'),
    bundle('webview/harness/worker.ts'),
    bundle('src/host/waterfall/html.ts', 'node', 'esm'),
  ]);
  const { renderWaterfallHtml, makeNonce } = await import(`data:text/javascript;base64,${Buffer.from(htmlModule).toString('base64')}`);
  const { generateTrace } = await import(pathToFileURL(join(ROOT, 'bench', 'gen-trace.mjs')).href);
  const generated = new Map();
  const documents = new Map();
  let nextDoc = 1;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status, type, body, extra = {}) => {
      // The length lets a reader estimate a document's span count from the part read so far.
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      res.writeHead(status, { 'content-type': type, 'content-length': length, 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length', 'cache-control': 'no-store', ...extra });
      res.end(body);
    };
    try {
      if (req.method === 'OPTIONS') return send(204, 'text/plain', '', { 'access-control-allow-headers': '*' });
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const origin = `http://${req.headers.host}`;
        const theme = url.searchParams.get('theme') ?? 'dark';
        const bodyClass = theme === 'light' ? 'vscode-light' : theme === 'hc' ? 'vscode-high-contrast' : 'vscode-dark';
        const html = renderWaterfallHtml({
          cspSource: origin, nonce: makeNonce(), scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/waterfall.css`,
          title: 'Spanscope harness', preludeScriptUris: [`${origin}/harness/host.js`], extraStyleUris: [`${origin}/harness/theme.css`],
          extraCsp: [`worker-src ${origin}`], bodyClass,
        });
        return send(200, 'text/html; charset=utf-8', html);
      }
      if (url.pathname === '/harness/host.js') return send(200, TYPES['.js'], hostJs);
      if (url.pathname === '/harness/worker-start.js') return send(200, TYPES['.js'], workerStartJs);
      if (url.pathname === '/harness/worker.js') return send(200, TYPES['.js'], workerJs);
      if (url.pathname === '/harness/theme.css') return send(200, TYPES['.css'], await readFile(join(ROOT, 'scripts', 'harness', 'theme.css')));
      if (url.pathname === '/gen/trace.json') {
        const n = Number(url.searchParams.get('n')), seed = Number(url.searchParams.get('seed') ?? '1');
        const format = url.searchParams.get('format') === 'otlp' ? 'otlp' : 'jaeger';
        if (!Number.isInteger(n) || n < 1 || n > 1_000_000 || !Number.isInteger(seed)) return send(400, 'text/plain', 'n must be 1..1000000, seed an integer');
        const key = `${n}:${seed}:${format}`;
        let body = generated.get(key);
        if (!body) { body = Buffer.from(JSON.stringify(generateTrace({ n, seed, format }))); generated.set(key, body); }
        return send(200, 'application/json', body);
      }
      const doc = /^\/doc\/(\d+)$/.exec(url.pathname);
      if (doc && documents.has(doc[1])) { const d = documents.get(doc[1]); return send(200, d.type, d.body); }
      const file = /^\/(dist|media)\/([\w.-]+)$/.exec(url.pathname);
      if (file) {
        const p = join(ROOT, file[1], file[2]);
        if (existsSync(p)) return send(200, TYPES[extname(p)] ?? 'application/octet-stream', await readFile(p));
      }
      return send(404, 'text/plain', 'not found');
    } catch (e) {
      return send(500, 'text/plain', String(e));
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, host, ok); });
  const address = server.address();
  const base = `http://${host}:${address.port}`;
  if (!quiet) console.log(base);
  return {
    url: base,
    /** Serve a document (string or bytes) and return its URL. */
    addDocument(body, type = 'application/json') {
      const id = String(nextDoc++);
      documents.set(id, { body: typeof body === 'string' ? Buffer.from(body) : body, type });
      return `${base}/doc/${id}`;
    },
    /** Pre-generate a gen-trace document (so that a measurement does not include generation). */
    warm(n, seed = 1, format = 'jaeger') {
      const key = `${n}:${seed}:${format}`;
      if (!generated.has(key)) generated.set(key, Buffer.from(JSON.stringify(generateTrace({ n, seed, format }))));
      return generated.get(key).length;
    },
    close: () => new Promise(ok => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 0;
  startHarness({ port }).then(h => {
    console.log(`Spanscope webview harness: ${h.url}/?n=1000&seed=1`);
    console.log(`  also: ${h.url}/?trace=<url of a Jaeger or OTLP JSON document>   (&theme=light|dark|hc)`);
  }, e => { console.error(String(e)); process.exit(1); });
}
