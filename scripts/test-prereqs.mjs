// What the selected test files need on this machine, installed when missing, so that `npm test` on a fresh clone
// runs every test (none skipped for a missing tool), the way `npm run demo` installs code-server for itself:
//   Chromium      the webview and end-to-end tests drive Debian's /usr/bin/chromium (installed with apt-get when
//                 running as root on Debian, as `npm run demo` does; otherwise the apt-get line to run is printed)
//   Jaeger, Zipkin  the real backends of the integration tests (scripts/install-backends.mjs, cached by version)
//   Prometheus, otelcol  the fleet-latency pipeline (Prometheus built by install-backends.mjs; the collector with
//                 the spanmetrics connector by scripts/install-otelcol.mjs), both from the Go module proxy
//   code-server   the end-to-end tests' VS Code, in the oldest supported and the newest version (scripts/code-server.mjs,
//                 cached by version; the newest runs on a Node 24 from the npm registry kept for it alone)
// Everything lands in ~/.cache/spanscope keyed by version, so a second run only checks and prints where it is.
// SPANSCOPE_TEST_NO_INSTALL=1 turns this off (then the tests that need a missing tool skip, or fail in CI).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSIONS, codeServerDir, ensureAptPackages, ensureCodeServer, isCodeServerInstalled } from './code-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Which tools these test files use, read from what each file imports or names (a test that starts Jaeger names
 * JAEGER_* from test/support/backends; an end-to-end test imports test/support/e2e).
 * @param {{ path: string, text: string }[]} files
 * @returns {Set<'chromium' | 'jaeger' | 'zipkin' | 'prometheus' | 'otelcol' | 'code-server'>}
 */
export function toolsNeeded(files) {
  const need = new Set();
  for (const { path, text } of files) {
    const e2e = /support\/e2e\//.test(text) || /(^|\/)test\/e2e\//.test(path.replaceAll('\\', '/'));
    if (e2e || /support\/chromium/.test(text)) need.add('chromium');
    if (e2e && /support\/e2e\/session|withWorkbench/.test(text)) need.add('code-server');
    if (/\bJAEGER_|startJaeger/.test(text)) need.add('jaeger');
    if (/\bZIPKIN_|startZipkin/.test(text)) need.add('zipkin');
    if (/\bPROMETHEUS_|startPrometheus|startJaegerSpm/.test(text)) need.add('prometheus');
    if (/\bOTELCOL_|startSpanmetricsCollector/.test(text)) need.add('otelcol');
  }
  return need;
}

/**
 * The code-server versions the end-to-end tests run on: SPANSCOPE_CODE_SERVER=VERSION picks one (a developer
 * re-running a failure), otherwise every version in CODE_SERVER_VERSIONS (the oldest supported VS Code and the newest).
 */
export function e2eCodeServerVersions(env = process.env) {
  const one = env.SPANSCOPE_CODE_SERVER;
  return one ? [one] : [...CODE_SERVER_VERSIONS];
}

/**
 * Installs the missing tools the given test files need, printing one progress line per tool.
 * Returns the problems it could not fix (each a sentence saying what to do), empty when all is there.
 * @param {string[]} testFiles
 * @param {(line: string) => void} [say]
 */
export function ensureTestPrerequisites(testFiles, say = line => console.log(`[test] ${line}`)) {
  const need = toolsNeeded(testFiles.map(path => ({ path, text: readFileSync(path, 'utf8') })));
  const problems = [];
  if (need.has('chromium')) {
    const chromium = process.env.SPANSCOPE_CHROMIUM ?? '/usr/bin/chromium';
    if (existsSync(chromium)) say(`Chromium: ${chromium}`);
    else if (process.env.SPANSCOPE_CHROMIUM) problems.push(`Chromium not found at SPANSCOPE_CHROMIUM=${chromium}`);
    else {
      say('Chromium: not found at /usr/bin/chromium, installing it with apt-get…');
      try { ensureAptPackages(['chromium'], say); say('Chromium: installed'); } catch (e) { problems.push(`Chromium: ${e.message}`); }
    }
  }
  const backends = ['jaeger', 'zipkin', 'prometheus'].filter(b => need.has(b));
  if (backends.length) {
    const label = { jaeger: 'Jaeger', zipkin: 'Zipkin', prometheus: 'Prometheus' };
    const names = backends.map(b => label[b]).join(' and ');
    say(`${names}: checking the cache (a first install builds Jaeger from its Go module and fetches Zipkin from Maven Central: several minutes)…`);
    const r = spawnSync(process.execPath, [join(here, 'install-backends.mjs'), ...backends], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    for (const line of (r.stdout ?? '').split('\n').filter(Boolean)) say(line.replace(/^install-backends: /, ''));
    if (r.status !== 0) problems.push(`installing ${names} failed (see above); retry with node scripts/install-backends.mjs`);
  }
  if (need.has('otelcol')) {
    say('otelcol (spanmetrics): checking the cache (a first install builds it from the Go module proxy: several minutes)…');
    const r = spawnSync(process.execPath, [join(here, 'install-otelcol.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status === 0) say(`otelcol: ${(r.stdout ?? '').trim()}`);
    else problems.push('installing the OpenTelemetry Collector failed (see above); retry with node scripts/install-otelcol.mjs');
  }
  if (need.has('code-server')) {
    for (const version of e2eCodeServerVersions()) {
      if (!isCodeServerInstalled(version)) say(`code-server ${version}: installing into ${codeServerDir(version)} (3 to 10 min, once)…`);
      try {
        ensureCodeServer({ version, log: m => say(m.replace(/^\[code-server\] /, 'code-server: ')) });
        say(`code-server ${version}: ${codeServerDir(version)}`);
      } catch (e) { problems.push(`code-server ${version}: ${e.message}`); }
    }
  }
  return problems;
}
