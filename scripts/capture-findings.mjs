// Builds and runs the findings corpus apps (test/corpus/findings/<app>): small services on real OpenTelemetry
// SDKs / agents with planted performance problems (an N+1 loop, a sequential fan-out, a lock-contended query, retries
// with backoff, a bounded pool), one endpoint each. Every app runs twice, FINDINGS_VARIANT=planted and =clean (the
// same endpoints without the problems), and each run is written as capture-<variant>.json (OTLP JSON from Spanscope's
// own receiver). expected.json beside them is written by hand from the planted problems, not from the findings code.
//   node scripts/capture-findings.mjs [app…] [--out DIR]
// Shares the toolchain caches and process helpers of capture-corpus.mjs (~/.cache/spanscope/corpus).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE, GO_ENV, JAVA, ROOT, captureRun, listFiles, mavenJar, pythonVenv, request, run, startProcess } from './capture-corpus.mjs';

export const FINDINGS_DIR = join(ROOT, 'test', 'corpus', 'findings');
const log = line => process.stderr.write(`capture-findings: ${line}\n`);
export const VARIANTS = ['planted', 'clean'];

/** The requests every app answers: one per planted problem (the retry key keeps runs independent). `rounds` > 1
 * warms up a JIT first: the corpus scores the last trace of each path. */
async function drive(base, variant, rounds = 1) {
  for (let r = 1; r <= rounds; r++) {
    for (const path of ['/n1', '/fanout', '/locked', `/retry?key=${variant}-${r}`, '/pool']) await request(base, 'GET', path);
  }
}

const APPS = {
  async 'go-shop'(work) {
    run('go', ['build', '-o', join(work, 'shop-bin'), '.'], { cwd: work, env: GO_ENV });
    const out = [];
    for (const variant of VARIANTS) {
      const capture = await captureRun(`go-shop ${variant}`, work, endpoint => startProcess(`go-shop (${variant})`, join(work, 'shop-bin'), [],
        { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, FINDINGS_VARIANT: variant } }, /listening on (\d+)/), base => drive(base, variant));
      out.push({ file: `capture-${variant}.json`, capture });
    }
    return out;
  },
  async 'py-shop'(work) {
    const venv = pythonVenv(join(work, 'requirements.txt'));
    const out = [];
    for (const variant of VARIANTS) {
      const capture = await captureRun(`py-shop ${variant}`, work, endpoint => startProcess(`py-shop (${variant})`, join(venv, 'bin', 'python'), ['shop.py'],
        { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, PYTHONDONTWRITEBYTECODE: '1', FINDINGS_VARIANT: variant } }, /listening on (\d+)/), base => drive(base, variant));
      out.push({ file: `capture-${variant}.json`, capture });
    }
    return out;
  },
  async 'node-shop'(work) {
    // npm ci installs exactly the committed package-lock.json, into the build folder.
    run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', join(CACHE, 'npm')], { cwd: work });
    const out = [];
    for (const variant of VARIANTS) {
      const capture = await captureRun(`node-shop ${variant}`, work, endpoint => startProcess(`node-shop (${variant})`, process.execPath,
        ['--require', './src/telemetry.js', 'src/shop.js'],
        { cwd: work, env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', FINDINGS_VARIANT: variant } },
        /listening on (\d+)/), base => drive(base, variant));
      out.push({ file: `capture-${variant}.json`, capture });
    }
    return out;
  },
  async 'java-shop'(work) {
    const agent = await mavenJar(JAVA.agent);
    const libs = [];
    for (const lib of JAVA.libs) libs.push(await mavenJar(lib));
    const classes = join(work, 'classes');
    run('javac', ['-g', '--release', '17', '-d', classes, '-cp', libs.join(':'), ...listFiles(join(work, 'src')).filter(f => f.endsWith('.java'))], { cwd: work });
    const out = [];
    for (const variant of VARIANTS) {
      const capture = await captureRun(`java-shop ${variant}`, work, endpoint => startProcess(`java-shop (${variant})`, 'java', [
        `-javaagent:${agent}`, `-Dotel.exporter.otlp.endpoint=${endpoint}`, '-Dotel.exporter.otlp.protocol=http/protobuf',
        '-Dotel.metrics.exporter=none', '-Dotel.logs.exporter=none', '-Dotel.service.name=java-shop',
        '-Dotel.bsp.schedule.delay=200', '-Dotel.javaagent.logging=application',
        '-cp', [classes, ...libs].join(':'), 'com.example.findings.Shop',
      ], { cwd: work, env: { FINDINGS_VARIANT: variant } }, /listening on (\d+)/), base => drive(base, variant, 2));
      out.push({ file: `capture-${variant}.json`, capture });
    }
    return out;
  },
};

export const FINDINGS_APPS = Object.keys(APPS);

/** Captures one app (both variants) into outDir. */
export async function captureFindingsApp(app, outDir, { workRoot = join(tmpdir(), 'spanscope-findings') } = {}) {
  if (!APPS[app]) throw new Error(`unknown app ${app}; known: ${FINDINGS_APPS.join(', ')}`);
  const work = join(workRoot, app);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(join(FINDINGS_DIR, app), work, { recursive: true, filter: p => !/[/\\](capture|expected)[^/\\]*\.json$|[/\\]node_modules$/.test(p) });
  const t0 = Date.now();
  const runs = await APPS[app](work);
  mkdirSync(outDir, { recursive: true });
  for (const { file, capture } of runs) writeFileSync(join(outDir, file), JSON.stringify(capture, null, 1) + '\n');
  log(`${app}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function main() {
  const args = process.argv.slice(2);
  let out;
  const apps = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = resolve(args[++i]);
    else apps.push(args[i]);
  }
  for (const app of apps.length ? apps : FINDINGS_APPS) {
    log(`=== ${app}`);
    await captureFindingsApp(app, out ? join(out, app) : join(FINDINGS_DIR, app));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(err => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
