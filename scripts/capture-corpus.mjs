// Builds and runs the code-mapping corpus apps (test/corpus/mapping/<app>) with their real OpenTelemetry SDK or
// agent, drives each with a few HTTP requests, and writes what Spanscope's own receiver (`spanscope receive`) got as
// one OTLP JSON file per run (capture*.json), plus expected*.json derived from the `@span` markers in the sources.
//   node scripts/capture-corpus.mjs [app…] [--out DIR] [--expected-only]
// --out DIR writes the captures to DIR/<app>/ instead of the app folders (the corpus test compares them with the
// committed ones); --expected-only re-derives expected*.json from the existing captures after a marker changed.
// Downloads are cached under ~/.cache/spanscope/corpus (or $SPANSCOPE_CORPUS_CACHE), keyed by version: the Maven
// jars (maven-<artifact>-<version>, checked against Central's .sha1), Go modules (go-mod), a venv per content of
// requirements.txt (py-venv-<hash>) and npm's cache (npm). Each app is copied to a build folder first
// ($TMPDIR/spanscope-corpus/<app>), so node_modules, venvs and class files never land in the source tree; the
// Go, Python and Node versions are pinned by go.sum, requirements.txt (==) and package-lock.json.
// Needs: Java 17+, Go, Python 3 with venv, Node 20, and the registries (Maven Central, Go proxy, PyPI, npm).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveExpected } from './corpus/truth.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = join(ROOT, 'test', 'corpus', 'mapping');
export const CACHE = process.env.SPANSCOPE_CORPUS_CACHE ?? join(homedir(), '.cache', 'spanscope', 'corpus');
const log = line => process.stderr.write(`capture-corpus: ${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Pinned versions. Change one, re-run the capture, and commit the new capture with it.
export const JAVA = {
  agent: ['io.opentelemetry.javaagent', 'opentelemetry-javaagent', '2.33.1'],
  libs: [
    ['io.opentelemetry.instrumentation', 'opentelemetry-instrumentation-annotations', '2.33.1'],
    ['io.opentelemetry', 'opentelemetry-api', '1.67.0'],
    ['io.opentelemetry', 'opentelemetry-context', '1.67.0'],
    ['com.h2database', 'h2', '2.3.232'],
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Small process helpers.

export function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts, env: { ...process.env, ...opts.env } });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** Downloads url into the cache once (Maven Central publishes a .sha1 beside each artifact; it is checked). */
async function download(url, dest) {
  if (existsSync(dest)) return dest;
  mkdirSync(dirname(dest), { recursive: true });
  log(`downloading ${url}`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const shaRes = await fetch(`${url}.sha1`);
  if (shaRes.ok) {
    const want = (await shaRes.text()).trim().split(/\s+/)[0];
    const got = createHash('sha1').update(body).digest('hex');
    if (want !== got) throw new Error(`${url}: sha1 ${got}, Maven Central says ${want}`);
  }
  writeFileSync(`${dest}.part`, body);
  renameSync(`${dest}.part`, dest);
  return dest;
}

export function mavenJar([group, artifact, version]) {
  const url = `https://repo1.maven.org/maven2/${group.replaceAll('.', '/')}/${artifact}/${version}/${artifact}-${version}.jar`;
  return download(url, join(CACHE, `maven-${artifact}-${version}`, `${artifact}-${version}.jar`));
}

/** Starts a child; resolves with it once a stdout/stderr line matches `ready` (returning the match). */
export function startProcess(name, cmd, args, opts, ready, timeoutMs = 120_000) {
  log(`starting ${name}: ${cmd} ${args.join(' ')}`);
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let output = '';
  const exited = new Promise(res => child.on('exit', (code, signal) => res({ code, signal })));
  const match = new Promise((res, rej) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed capture.
      child.kill('SIGKILL');
      rej(new Error(`${name} not ready after ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    const onData = chunk => {
      output += chunk;
      const m = ready.exec(output);
      if (m) { clearTimeout(timer); res(m); }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    exited.then(({ code, signal }) => { clearTimeout(timer); rej(new Error(`${name} exited (${code ?? signal}) before it was ready; output:\n${output}`)); });
  });
  return match.then(m => ({
    child, match: m, output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const r = await exited;
      log(`${name} stopped (${r.code ?? r.signal})`);
      return r;
    },
  }));
}

/** Time between the last request and stopping the app (see captureRun). */
const SETTLE_MS = 1000;

/** Spanscope's receiver on a free port, writing each completed trace to outDir. */
async function startReceiver(outDir) {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
  mkdirSync(outDir, { recursive: true });
  const p = await startProcess('receiver', process.execPath,
    [cli, 'receive', '--port', '0', '--no-grpc', '--out', outDir, '--idle-ms', '300'], {}, /listening: OTLP\/HTTP (http:\/\/[\d.]+:\d+)/);
  return { ...p, url: p.match[1] };
}

/** Every trace the receiver wrote, as one OTLP JSON document, traces in start order (their ids stay the real ones). */
function mergeTraces(dir) {
  const resourceSpans = [];
  const files = readdirSync(dir).filter(f => f.endsWith('.json'));
  const docs = files.map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  const start = d => Math.min(...d.resourceSpans.flatMap(r => r.scopeSpans.flatMap(s => s.spans.map(sp => Number(sp.startTimeUnixNano) || 0))));
  docs.sort((a, b) => start(a) - start(b));
  for (const d of docs) resourceSpans.push(...d.resourceSpans);
  return { resourceSpans };
}

export async function request(base, method, path, body, headers) {
  const res = await fetch(new URL(path, base), { method, body, headers });
  const text = await res.text();
  log(`  ${method} ${path} → ${res.status} ${text.slice(0, 60).replace(/\s+/g, ' ')}`);
  return res.status;
}

/** Runs one app process against a fresh receiver, drives it, stops both, returns the merged capture. */
export async function captureRun(name, workDir, startApp, drive) {
  const traces = join(workDir, '.traces', name);
  rmSync(traces, { recursive: true, force: true });
  const receiver = await startReceiver(traces);
  let app;
  try {
    app = await startApp(receiver.url);
    const base = `http://127.0.0.1:${app.match[1]}`;
    await drive(base);
    // The server span of the last request ends just after its response reached the client: a stop sent at once can
    // race it, and an SDK's shutdown flush exports only the spans ended before it (CI once lost the Java agent's
    // last "GET /orders" span that way). Let the batch processors (200 ms schedules) export everything first.
    await new Promise(r => setTimeout(r, SETTLE_MS));
  } finally {
    // The SDKs flush their batch processors on a graceful shutdown (SIGTERM), before the process exits.
    if (app) await app.stop();
    await receiver.stop();
  }
  const capture = mergeTraces(traces);
  const spans = capture.resourceSpans.flatMap(r => r.scopeSpans.flatMap(s => s.spans)).length;
  log(`${name}: ${capture.resourceSpans.length} resource blocks, ${spans} spans`);
  if (spans === 0) throw new Error(`${name}: no spans arrived`);
  return capture;
}

// ---------------------------------------------------------------------------------------------------------------
// The apps. Each returns [{ file, capture }] — one capture file per run (the Java app runs in three semconv modes).

const APPS = {
  async 'java-shop'(src, work) {
    const agent = await mavenJar(JAVA.agent);
    const libs = [];
    for (const lib of JAVA.libs) libs.push(await mavenJar(lib));
    const classes = join(work, 'classes');
    rmSync(classes, { recursive: true, force: true });
    const sources = ['shop-core', 'shop-web'].flatMap(m => listFiles(join(work, m, 'src', 'main', 'java')).filter(f => f.endsWith('.java')));
    // -g keeps line numbers (as Maven does by default) so stack traces carry OrderService.java:NN.
    run('javac', ['-g', '--release', '17', '-d', classes, '-cp', libs.join(':'), ...sources], { cwd: work });
    const drive = async base => {
      await request(base, 'POST', '/orders', 'BOOK-1:2');
      await request(base, 'GET', '/orders/101');
      await request(base, 'POST', '/orders/101/charge');
      await request(base, 'POST', '/orders', 'BOOK-2:20');
      await request(base, 'POST', '/orders/102/charge');
      await request(base, 'GET', '/orders/999');
    };
    const out = [];
    for (const [mode, file] of [[null, 'capture-default.json'], ['code', 'capture-code.json'], ['code/dup', 'capture-code-dup.json']]) {
      const capture = await captureRun(`java-shop ${mode ?? 'default'}`, work, endpoint => startProcess(`java-shop (${mode ?? 'default'})`, 'java', [
        `-javaagent:${agent}`,
        ...(mode ? [`-Dotel.semconv-stability.opt-in=${mode}`] : []),
        `-Dotel.exporter.otlp.endpoint=${endpoint}`, '-Dotel.exporter.otlp.protocol=http/protobuf',
        '-Dotel.metrics.exporter=none', '-Dotel.logs.exporter=none', '-Dotel.service.name=shop',
        '-Dotel.bsp.schedule.delay=200', '-Dotel.javaagent.logging=application',
        '-cp', [classes, ...libs].join(':'), 'com.example.shop.web.ShopServer',
      ], { cwd: work }, /listening on (\d+)/), drive);
      out.push({ file, capture });
    }
    return out;
  },
};

// The Go toolchain fetches the modules pinned by go.mod/go.sum; -mod=readonly refuses anything they do not pin.
export const GO_ENV = { GOMODCACHE: join(CACHE, 'go-mod'), GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };

APPS['go-dispatch'] = async (src, work) => {
  run('go', ['build', '-o', join(work, 'dispatch-bin'), './cmd/dispatch'], { cwd: work, env: GO_ENV });
  const capture = await captureRun('go-dispatch', work, endpoint => startProcess('go-dispatch', join(work, 'dispatch-bin'), [],
    { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }, /listening on (\d+)/), async base => {
    await request(base, 'GET', '/dispatch?customer=123');
    await request(base, 'GET', '/dispatch?customer=999');
    await request(base, 'GET', '/eta/T7001');
  });
  return [{ file: 'capture.json', capture }];
};

/** A venv per requirements.txt content (every package pinned with ==), built once into the cache. */
export function pythonVenv(requirements) {
  const key = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(CACHE, `py-venv-${key}`);
  if (existsSync(join(venv, '.complete'))) return venv;
  rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', requirements]);
  writeFileSync(join(venv, '.complete'), '');
  return venv;
}

APPS['py-inventory'] = async (src, work) => {
  const venv = pythonVenv(join(work, 'requirements.txt'));
  const capture = await captureRun('py-inventory', work, endpoint => startProcess('py-inventory', join(venv, 'bin', 'python'), ['serve.py'],
    { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, PYTHONDONTWRITEBYTECODE: '1' } }, /listening on (\d+)/), async base => {
    await request(base, 'GET', '/items/1');
    await request(base, 'POST', '/items/1/reserve?count=3');
    await request(base, 'POST', '/items/2/reserve?count=1');
    await request(base, 'GET', '/items/9');
  });
  return [{ file: 'capture.json', capture }];
};

APPS['node-catalog'] = async (src, work) => {
  // npm ci installs exactly the committed package-lock.json, into the build folder.
  run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(CACHE, 'npm')], { cwd: work });
  const capture = await captureRun('node-catalog', work, endpoint => startProcess('node-catalog', process.execPath,
    ['--require', './src/telemetry.js', 'src/server.js'],
    { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } },
    /listening on (\d+)/), async base => {
    await request(base, 'GET', '/api/products/p1');
    await request(base, 'GET', '/api/products/p9');
    await request(base, 'POST', '/api/products/p1/reviews', JSON.stringify({ stars: 5 }), { 'content-type': 'application/json' });
    await request(base, 'GET', '/health');
  });
  return [{ file: 'capture.json', capture }];
};

export function listFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p)); else out.push(p);
  }
  return out;
}

/** Captures one app; writes capture*.json (+ expected*.json derived from the markers) into outDir. */
export async function captureApp(app, outDir, { workRoot = join(tmpdir(), 'spanscope-corpus') } = {}) {
  const src = join(CORPUS_DIR, app);
  if (!APPS[app]) throw new Error(`unknown app ${app}; known: ${Object.keys(APPS).join(', ')}`);
  // A fixed build folder keeps the paths that end up in stack traces the same from run to run.
  const work = join(workRoot, app);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(src, work, { recursive: true, filter: p => !/[/\\](capture|expected)[^/\\]*\.json$|[/\\]node_modules$/.test(p) });
  const t0 = Date.now();
  const runs = await APPS[app](src, work);
  mkdirSync(outDir, { recursive: true });
  for (const { file, capture } of runs) writeFileSync(join(outDir, file), JSON.stringify(capture, null, 1) + '\n');
  writeExpected(app, outDir);
  writeFileSync(join(outDir, 'capture-meta.json'), JSON.stringify({ buildRoot: work }, null, 1) + '\n');
  log(`${app}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** (Re)writes expected*.json beside each capture*.json in dir, from the markers in the app's sources. */
export function writeExpected(app, dir) {
  for (const file of readdirSync(dir).filter(f => /^capture.*\.json$/.test(f) && f !== 'capture-meta.json')) {
    const expected = deriveExpected(join(CORPUS_DIR, app), JSON.parse(readFileSync(join(dir, file), 'utf8')));
    writeFileSync(join(dir, file.replace(/^capture/, 'expected')), JSON.stringify(expected, null, 1) + '\n');
    log(`${app}: ${file}: ${expected.spans.length} spans, ${expected.spans.filter(s => s.file).length} made by code in the workspace`);
  }
}

export const APP_NAMES = Object.keys(APPS);

async function main() {
  const args = process.argv.slice(2);
  let out;
  let expectedOnly = false;
  const apps = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = resolve(args[++i]);
    else if (args[i] === '--expected-only') expectedOnly = true;
    else apps.push(args[i]);
  }
  for (const app of apps.length ? apps : APP_NAMES) {
    log(`=== ${app}`);
    const dir = out ? join(out, app) : join(CORPUS_DIR, app);
    if (expectedOnly) writeExpected(app, dir); else await captureApp(app, dir);
  }
}

// No top-level await: the tests import this module from CommonJS (tsx).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(err => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
