// One clean E2E session: a fresh user-data-dir and extensions dir with the packaged extension installed, a copy of
// a test workspace in a temp dir, code-server on a free loopback port, and a fresh Chromium context on the workbench.
// Everything a session starts is ended when the test ends — also on failure, on timeout (`t.after`) and on exit.
// Two things are made once and reused, since every session would make the same: the extensions dir with the .vsix
// installed (copied for each session) and the Chromium process (each session gets its own context, which shares no
// cookies, storage or cache with another: a fresh profile as far as the page can tell).
//
//   test('…', E2E_TEST, t => withWorkbench(t, { workspace: 'basic' }, async s => { await s.wb.runCommand('…'); }));
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CODE_SERVER_VERSION, CODE_SERVER_VERSIONS, ensureCodeServer, installExtension, laterFreePort, startCodeServer, type CodeServer } from '../../../scripts/code-server.mjs';
import { PROJECT_ROOT } from '../paths';
import { ensureVsix } from './vsix';
import { Workbench, poll } from './workbench';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const VIEWPORT = { width: 1600, height: 1000 };
export const RESULTS_DIR = join(PROJECT_ROOT, 'test-results');
export const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'docs', 'screenshots');
/** Test workspaces live in test/e2e/workspaces/<name>; `demo-shop` is the demo's own workspace, demo/shop. */
export const WORKSPACES_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'workspaces');

/** Why E2E tests cannot run here, or false. Never skipped in CI: there a missing piece must fail loudly. */
export const E2E_SKIP: string | false = process.env.CI || existsSync(CHROMIUM)
  ? false
  : `Chromium not found at ${CHROMIUM} (apt-get install chromium); CI always has it`;
/**
 * The code-server (so the VS Code) version this test process drives: SPANSCOPE_CODE_SERVER names one of
 * CODE_SERVER_VERSIONS (scripts/test.mjs runs the E2E files once per version); default the oldest supported.
 */
export const E2E_CODE_SERVER: string = (() => {
  const v = process.env.SPANSCOPE_CODE_SERVER;
  if (v === undefined || v === '') return CODE_SERVER_VERSION;
  if (!CODE_SERVER_VERSIONS.includes(v)) throw new Error(`SPANSCOPE_CODE_SERVER=${v}: the E2E tests know code-server ${CODE_SERVER_VERSIONS.join(' and ')}`);
  return v;
})();
/** Options for an E2E `test()`: skip rule and a timeout that covers the code-server start. */
export const E2E_TEST = { skip: E2E_SKIP, timeout: 180_000 } as const;

export interface SessionOptions {
  /** A folder name under test/e2e/workspaces, or 'demo-shop'; copied to a temp dir. Default: 'basic'. */
  workspace?: string;
  /**
   * User settings merged over the first-run-skipping ones. Unless given, the embedded receiver gets free ports
   * (it auto-starts), so a test never collides with a running demo or collector on 4317/4318.
   */
  settings?: Record<string, unknown>;
  /** Files to add to the workspace copy: project-relative source → workspace-relative destination. */
  files?: Record<string, string>;
  /** Writes more into the workspace copy before the editor opens it (generated files: no watcher race). */
  prepareWorkspace?: (workspace: string) => void;
  /** Extra environment for code-server (and so the extension host). */
  env?: Record<string, string>;
  /** More .vsix files to install beside Spanscope (test-only extensions, e.g. test/e2e/extensions/lm-probe). */
  extensions?: readonly string[];
}

export interface Session {
  readonly wb: Workbench;
  readonly page: Page;
  readonly browser: Browser;
  readonly codeServer: CodeServer;
  /** The temp copy of the workspace (what the editor has open). */
  readonly workspace: string;
  readonly userDataDir: string;
  /** Where code-server keeps the session's installed extensions (Spanscope alone, unless a test adds one). */
  readonly extensionsDir: string;
  /** The embedded receiver's OTLP/HTTP port in this session's settings. */
  readonly receiverPort: number;
  /** Starts a process that the session ends with everything else; output kept for failure reports. */
  spawn(label: string, command: string, args: readonly string[], options?: { env?: Record<string, string>; cwd?: string }): SpawnedProcess;
  /** Text of the extension's "Spanscope" log channel as written under the user-data-dir (empty until written). */
  extensionLog(): string;
  /** Writes a screenshot of a flow to docs/screenshots/<name>.png when SPANSCOPE_SCREENSHOTS=1. */
  flowScreenshot(name: string): Promise<void>;
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForOutput(pattern: RegExp, timeout?: number): Promise<RegExpExecArray>;
}

// Process groups started by sessions of this test process, killed on exit whatever happens.
const livePids = new Set<number>();
process.on('exit', () => {
  for (const pid of livePids) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

let codeServerReady = false;

// Where this process keeps what its sessions share; removed on exit.
let processDir: string | undefined;
function ownDir(): string {
  if (!processDir) {
    const dir = mkdtempSync(join(tmpdir(), 'spanscope-e2e-shared-'));
    processDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return processDir;
}

/**
 * An extensions dir with `vsix` installed by code-server `version`, made once and copied for each session:
 * --install-extension starts VS Code's command line in a Node process of its own, about a second of a core for every
 * session, to unpack the same files into the same layout. Made once per `npm test` run when scripts/test.mjs gives a
 * directory its test files share (SPANSCOPE_TEST_SHARED), else once per test process. Keyed by the .vsix's content,
 * so a package rebuilt meanwhile is installed anew.
 */
function installedTemplate(vsix: string, version: string): string {
  const key = createHash('sha256').update(readFileSync(vsix)).digest('hex').slice(0, 16);
  const root = process.env.SPANSCOPE_TEST_SHARED || ownDir();
  const template = join(root, `extensions-${version}-${key}`);
  if (existsSync(template)) return template;
  // Installed beside it, then renamed into place: a test file running at the same time sees the whole dir or none,
  // and if it renamed its own first, that one is as good and this one is dropped.
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, 'installing-'));
  try {
    const installed = join(work, 'extensions');
    installExtension(vsix, { userDataDir: join(work, 'user-data'), extensionsDir: installed, version });
    relocate(installed, installed, template);
    try { renameSync(installed, template); } catch (e) {
      if (!existsSync(template)) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return template;
}

/** Copies the template into `extensionsDir`. */
function copyInstalled(template: string, extensionsDir: string): void {
  cpSync(template, extensionsDir, { recursive: true });
  relocate(extensionsDir, template, extensionsDir);
}

/**
 * The extensions.json in `dir` records each extension's absolute location in `from` (beside its location relative to
 * the dir, which VS Code reads first): those are made to point into `to`, where the dir is (or is about to be), so
 * that nothing in a session's dir names another.
 */
function relocate(dir: string, from: string, to: string): void {
  const manifest = join(dir, 'extensions.json');
  const text = readFileSync(manifest, 'utf8')
    .split(pathToFileURL(from).href).join(pathToFileURL(to).href)
    .split(from).join(to);
  writeFileSync(manifest, text);
}

// One Chromium for the sessions of this test process (they run one after another), launched by the first session and
// closed after the file's last test; launched again if it went away.
let sharedBrowser: Browser | undefined;
async function launchedBrowser(): Promise<Browser> {
  if (!sharedBrowser?.isConnected()) sharedBrowser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  return sharedBrowser;
}
// (Registered when a test file imports this module: a hook of the file's root, run once all its tests have ended.)
after(async () => { await sharedBrowser?.close(); });

function collectLogs(dir: string, into: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collectLogs(p, into);
    else if (name.endsWith('.log')) {
      const target = join(into, relative(dir, p).replace(/[\\/]/g, '_'));
      cpSync(p, target);
    }
  }
}

function findFiles(dir: string, test: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findFiles(p, test));
    else if (test(name)) out.push(p);
  }
  return out;
}

/** What the extension logged in this session's window(s) (its output channel's files). */
function extensionLog(userDataDir: string): string {
  return findFiles(join(userDataDir, 'logs'), name => /Spanscope\.log$/.test(name)).map(f => readFileSync(f, 'utf8')).join('\n');
}

/** The last lines the extension logged, each cut to 300 characters. */
function extensionLogTail(userDataDir: string, lines = 20): string[] {
  return extensionLog(userDataDir).split('\n').filter(Boolean).slice(-lines).map(l => l.slice(0, 300));
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'test';
}

/**
 * Runs `body` in a fresh session. On failure it saves test-results/<test>.png, the extension host logs and the
 * outputs of the processes it started, then rethrows.
 */
export async function withWorkbench(t: TestContext, options: SessionOptions, body: (s: Session) => Promise<void>): Promise<void> {
  if (!codeServerReady) {
    ensureCodeServer({ version: E2E_CODE_SERVER, log: m => t.diagnostic(m) });
    t.diagnostic(`code-server ${E2E_CODE_SERVER}`);
    codeServerReady = true;
  }
  const vsix = ensureVsix();
  const base = mkdtempSync(join(tmpdir(), 'spanscope-e2e-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const workspaceName = options.workspace ?? 'basic';
  const source = workspaceName === 'demo-shop' ? join(PROJECT_ROOT, 'demo', 'shop') : join(WORKSPACES_DIR, workspaceName);
  const workspace = join(base, 'workspace');
  cpSync(source, workspace, { recursive: true, filter: src => !src.includes('node_modules') });
  for (const [from, to] of Object.entries(options.files ?? {})) cpSync(join(PROJECT_ROOT, from), join(workspace, to), { recursive: true });
  options.prepareWorkspace?.(workspace);

  const cleanups: (() => Promise<void> | void)[] = [];
  const processes: { label: string; proc: SpawnedProcess }[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try { await fn(); } catch { /* keep ending the others */ }
      }
      rmSync(base, { recursive: true, force: true });
    })();
    return cleaned;
  };
  t.after(cleanup);

  let page: Page | undefined;
  let codeServerOutput = () => '';
  try {
    copyInstalled(installedTemplate(vsix, E2E_CODE_SERVER), extensionsDir);
    for (const extra of options.extensions ?? []) installExtension(extra, { userDataDir, extensionsDir, version: E2E_CODE_SERVER });
    const settings = {
      'spanscope.receiver.port': await laterFreePort(),
      'spanscope.receiver.grpcPort': await laterFreePort(),
      ...options.settings,
    };
    const codeServer = await startCodeServer({ version: E2E_CODE_SERVER, workspace, userDataDir, extensionsDir, settings, env: options.env ?? {} });
    livePids.add(codeServer.pid);
    codeServerOutput = () => codeServer.output();
    cleanups.push(async () => { await codeServer.stop(); livePids.delete(codeServer.pid); });

    const browser = await launchedBrowser();
    // The session's contexts are closed when it ends: its own, and any its test opened (a second window).
    const before = new Set<BrowserContext>(browser.contexts());
    cleanups.push(async () => {
      for (const c of browser.contexts()) if (!before.has(c)) await c.close().catch(() => undefined);
    });
    // Clipboard access granted, as a user of browser VS Code allows it: commands pre-fill from the clipboard.
    const context = await browser.newContext({ viewport: VIEWPORT, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    await page.goto(codeServer.workspaceUrl);
    const wb = new Workbench(page);
    await wb.ready();

    const session: Session = {
      wb, page, browser, codeServer, workspace, userDataDir, extensionsDir,
      receiverPort: Number(settings['spanscope.receiver.port']),
      spawn(label, command, args, opts = {}) {
        const child = spawn(command, [...args], {
          cwd: opts.cwd ?? workspace, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...opts.env },
        });
        if (child.pid) livePids.add(child.pid);
        let out = '';
        const keep = (chunk: Buffer) => { out = (out + chunk.toString()).slice(-200_000); };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        cleanups.push(() => new Promise<void>(done => {
          const pid = child.pid;
          if (pid) livePids.delete(pid);
          if (child.exitCode !== null || child.signalCode !== null || !pid) return done();
          const kill = (sig: NodeJS.Signals) => { try { process.kill(-pid, sig); } catch { /* gone */ } };
          const timer = setTimeout(() => kill('SIGKILL'), 4000);
          child.once('exit', () => { clearTimeout(timer); kill('SIGKILL'); done(); });
          kill('SIGTERM');
        }));
        const proc: SpawnedProcess = {
          child,
          output: () => out,
          waitForOutput: (pattern, timeout = 15_000) =>
            poll(async () => pattern.exec(out) ?? undefined, timeout, `${label} output matching ${pattern}`),
        };
        processes.push({ label, proc });
        return proc;
      },
      extensionLog() {
        return extensionLog(userDataDir);
      },
      async flowScreenshot(name) {
        if (process.env.SPANSCOPE_SCREENSHOTS !== '1') return;
        mkdirSync(SCREENSHOTS_DIR, { recursive: true });
        await page!.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
      },
    };
    await body(session);
  } catch (err) {
    const dir = join(RESULTS_DIR, slug(t.name));
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      if (page) await page.screenshot({ path: join(dir, 'screenshot.png') }).catch(() => undefined);
      collectLogs(join(userDataDir, 'logs'), dir);
      writeFileSync(join(dir, 'code-server.out.txt'), codeServerOutput());
      for (const { label, proc } of processes) writeFileSync(join(dir, `${slug(label)}.out.txt`), proc.output());
      t.diagnostic(`failure artefacts in ${relative(PROJECT_ROOT, dir)}`);
      // CI keeps only the runner's output, not the artefacts: say there what the window showed and what the
      // extension last logged, bounded, so that a failure seen once in CI can still be understood.
      if (page) {
        const wb = new Workbench(page);
        const tabs = await page.locator('.tabs-container .tab').allInnerTexts().catch(() => []);
        t.diagnostic(`editor tabs: ${tabs.map(x => x.trim()).join(' | ') || '(none)'}`);
        t.diagnostic(`notifications: ${(await wb.notifications().catch(() => [])).join(' | ') || '(none)'}`);
        for (const text of (await wb.webviewTexts().catch(() => [])).slice(0, 4)) t.diagnostic(`webview: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
      }
      for (const line of extensionLogTail(userDataDir)) t.diagnostic(`log: ${line}`);
    } catch { /* the original failure matters more */ }
    throw err;
  } finally {
    await cleanup();
  }
}
