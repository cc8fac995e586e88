// A small harness for the analysis webview (dist/analysis.js): a loopback page with the panel's HTML and CSP
// (renderWaterfallHtml with the analysis bundle), a stand-in host script that answers `ready` with the `init` of a
// registered case and records every message on `window.__h`, and VS Code's theme variables.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, renderWaterfallHtml } from '../../src/host/waterfall/html';
import type { AnalysisRecipe, AnalysisView } from '../../src/protocol/analysis';
import { ANALYSIS_PROTOCOL_VERSION } from '../../src/protocol/version';
import { launchChromium, openPage } from '../support/chromium';
import { PROJECT_ROOT } from '../support/paths';

export interface AnalysisRig {
  /** Open a page showing this view; `failRequests` makes the stand-in host reject every request. */
  open(view: AnalysisView, opts?: { failRequests?: string; theme?: 'dark' | 'light'; recipe?: AnalysisRecipe }): Promise<{ page: Page; log: string[]; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** What the stand-in host recorded: messages from the webview, in order. */
export function receivedBy(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __h: { received: { type: string }[] } }).__h.received);
}

/** What the stand-in host recorded: the webview's VS Code state (what a panel serializer gets after a reload). */
export function webviewState(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __h: { state: unknown } }).__h.state);
}

const HOST_JS = (init: unknown, fail: string | undefined) => `
(() => {
  const h = window.__h = { received: [], state: undefined };
  const init = ${JSON.stringify(init).replace(/</g, '\\u003c')};
  const fail = ${JSON.stringify(fail ?? null)};
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      h.received.push(m);
      if (m && m.type === 'ready') setTimeout(() => window.postMessage(init, '*'), 0);
      else if (m && typeof m.id === 'number') setTimeout(() => window.postMessage(fail ? { type: 'reply', id: m.id, ok: false, error: fail } : { type: 'reply', id: m.id, ok: true }, '*'), 0);
    },
    getState() { return h.state; },
    setState(s) { h.state = s; },
  });
})();`;

export async function startAnalysisRig(): Promise<AnalysisRig> {
  for (const f of ['analysis.js', 'analysis.css']) if (!existsSync(join(PROJECT_ROOT, 'dist', f))) throw new Error(`dist/${f} is missing: run node scripts/build.mjs`);
  const cases = new Map<string, { init: unknown; fail: string | undefined }>();
  let next = 1;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, type: string, body: string | Buffer) => { res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }); res.end(body); };
    const origin = `http://${req.headers.host}`;
    const c = cases.get(url.searchParams.get('case') ?? '');
    if (url.pathname === '/' && c) {
      const theme = url.searchParams.get('theme') === 'light' ? 'vscode-light' : 'vscode-dark';
      return send(200, 'text/html; charset=utf-8', renderWaterfallHtml({
        cspSource: origin, nonce: makeNonce(), scriptUri: `${origin}/dist/analysis.js`, styleUri: `${origin}/dist/analysis.css`, title: 'Spanscope analysis',
        preludeScriptUris: [`${origin}/host.js?case=${url.searchParams.get('case')}`], extraStyleUris: [`${origin}/theme.css`], bodyClass: theme,
      }));
    }
    if (url.pathname === '/host.js' && c) return send(200, 'text/javascript', HOST_JS(c.init, c.fail));
    if (url.pathname === '/theme.css') return send(200, 'text/css', readFileSync(join(PROJECT_ROOT, 'scripts', 'harness', 'theme.css')));
    const m = /^\/dist\/(analysis\.(?:js|css))$/.exec(url.pathname);
    if (m) return send(200, m[1]!.endsWith('.js') ? 'text/javascript' : 'text/css', readFileSync(join(PROJECT_ROOT, 'dist', m[1]!)));
    return send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok); });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let browser: Browser;
  try { browser = await launchChromium(); } catch (e) { server.close(); throw e; }
  return {
    async open(view, opts = {}) {
      const id = String(next++);
      cases.set(id, { init: { type: 'init', protocol: ANALYSIS_PROTOCOL_VERSION, data: view, ...(opts.recipe ? { recipe: opts.recipe } : {}) }, fail: opts.failRequests });
      const log: string[] = [];
      const { context, page } = await openPage(browser, { log, viewport: { width: 1400, height: 800 } });
      await page.goto(`${base}/?case=${id}&theme=${opts.theme ?? 'dark'}`);
      await page.waitForSelector('header.bar h1', { timeout: 30_000 });
      return { page, log, close: () => context.close() };
    },
    async close() {
      await browser.close();
      await new Promise<void>(ok => { server.closeAllConnections(); server.close(() => ok()); });
    },
  };
}
