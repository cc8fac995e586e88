// `npm run demo`: the whole product on its embedded default, on this machine.
// Builds and packages the extension, installs it into code-server (cached), opens the sample workspace demo/shop in
// code-server on 127.0.0.1, prints the URL, and runs the sample shop, whose OpenTelemetry SDK exports to the
// extension's embedded OTLP receiver on 127.0.0.1:4318. Then it keeps asking that port whether the shop's traces
// arrive, and says so, or what is wrong (no window open yet, another program on the port). Ctrl+C stops everything.
//   npm run demo [-- --port N] [-- --no-package] [-- --cli-receiver]
//     --port N          code-server port (default 8080 if free, else a free port)
//     --no-package      reuse dist/spanscope-<version>.vsix as it is
//     --cli-receiver    also run `node dist/cli.js receive` on 4318 (for a VS Code window without the receiver)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureCodeServer, freePort, installExtension, startCodeServer } from './code-server.mjs';
import { checkReceiver, hubKeyFile } from './receiver-check.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const flag = name => args.includes(name);
const option = name => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const say = message => console.log(`[demo] ${message}`);

export function vsixPath() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return join(ROOT, 'dist', `spanscope-${version}.vsix`);
}

const started = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const stop of started.reverse()) {
    try { await stop(); } catch (err) { console.error(`[demo] ${err.message}`); }
  }
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function startChild(label, command, argv, env = {}) {
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = chunk => chunk.toString().split('\n').filter(Boolean).map(line => `[${label}] ${line}`).join('\n') + '\n';
  child.stdout.on('data', c => process.stdout.write(prefix(c)));
  child.stderr.on('data', c => process.stderr.write(prefix(c)));
  child.on('exit', code => { if (!stopping) say(`${label} exited with ${code}`); });
  started.push(() => new Promise(done => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); done(); });
    child.kill('SIGTERM');
  }));
  return child;
}

async function main() {
  if (!flag('--no-package')) {
    say('building and packaging the extension (npm run package)…');
    const pkg = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'inherit' });
    if (pkg.status !== 0) throw new Error('npm run package failed; see its output above');
  }
  const vsix = vsixPath();
  ensureCodeServer({ log: m => say(m.replace(/^\[code-server\] /, '')) });

  const base = join(cacheRoot(), 'demo');
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  rmSync(extensionsDir, { recursive: true, force: true });
  mkdirSync(userDataDir, { recursive: true });
  say(`installing ${vsix} into code-server…`);
  installExtension(vsix, { userDataDir, extensionsDir });

  const port = option('--port') ? Number(option('--port')) : await freePort(8080);
  const workspace = join(ROOT, 'demo', 'shop');
  const cs = await startCodeServer({
    workspace, port, userDataDir, extensionsDir,
    settings: { 'files.exclude': { '**/node_modules': true } },
  });
  started.push(() => cs.stop());

  if (flag('--cli-receiver')) startChild('receiver', process.execPath, [join(ROOT, 'dist', 'cli.js'), 'receive', '--port', '4318']);
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318';
  startChild('shop', process.execPath, [join(workspace, 'run.js')], {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    DEMO_LOG: process.env.DEMO_LOG ?? 'summary',
  });

  console.log('');
  console.log(`  Spanscope demo: open ${cs.workspaceUrl}`);
  console.log('  The extension starts its OTLP receiver on 127.0.0.1:4318 when the window opens; the shop sends a');
  console.log('  request a second. Open the Spanscope side panel (Live) to watch traces arrive. Ctrl+C stops everything.');
  console.log('');
  if (!flag('--cli-receiver')) void watchReceiver(new URL(endpoint), hubKeyFile(userDataDir), cs.workspaceUrl);
}

/**
 * Asks the receiver the shop sends to whether the shop's traces arrive (scripts/receiver-check.mjs), and says so
 * each time the answer changes: receiving, waiting for a window, or what holds the port instead.
 */
async function watchReceiver(endpoint, keyFile, url) {
  const port = Number(endpoint.port || 80);
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  let last = '';
  let quietSince = Date.now();
  let warnedQuiet = false;
  while (!stopping) {
    const r = await checkReceiver({ host, port, keyFile, service: 'gateway' }).catch(err => ({ state: 'waiting', message: `could not ask the receiver: ${err.message}` }));
    const key = r.state === 'receiving' ? r.state : `${r.state} ${r.message}`;
    if (key !== last) {
      last = key;
      quietSince = Date.now();
      warnedQuiet = false;
      if (r.state === 'receiving') say(`OK: ${r.message}.`);
      else if (r.state === 'waiting') say(`waiting: ${r.message}. Open ${url}`);
      else if (r.state === 'no-traces') say(`receiver found: ${r.message}; waiting for the shop's first trace…`);
      else say(`PROBLEM: ${r.message}.`);
    } else if (r.state === 'no-traces' && !warnedQuiet && Date.now() - quietSince > 20_000) {
      warnedQuiet = true;
      say(`PROBLEM: ${r.message} after 20 s, while the shop sends a request a second to ${endpoint.origin}: look for exporter errors in the [shop] lines above.`);
    }
    await new Promise(resolve => setTimeout(resolve, r.state === 'receiving' ? 5000 : 1000).unref());
  }
}

main().catch(err => {
  console.error(`[demo] ${err.message}`);
  stopAll(1);
});
