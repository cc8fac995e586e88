#!/usr/bin/env node
// Installs the real trace backends the integration tests run against, cached by version under
// ${XDG_CACHE_HOME:-~/.cache}/spanscope/ (a second run with the same versions does nothing):
//   Jaeger v2  — built from the Go module github.com/jaegertracing/jaeger (its v1.x tags build the v2 binary).
//                `go install …@version` refuses it (the module has replace directives), so the module is
//                downloaded with `go mod download`, copied writable, and built with `go build ./cmd/jaeger`.
//   Zipkin     — the io.zipkin:zipkin-server exec jar from Maven Central (run on Java 17).
//   Prometheus — built from the Go module github.com/prometheus/prometheus (its v0.3xx tags are Prometheus 3.x) the
//                same way, `go build ./cmd/prometheus` without the `builtinassets` tag (so no web UI assets are needed:
//                the tests only use the HTTP API). The fleet-latency tests scrape the collector's spanmetrics into it.
//   Tempo      — not installed: Grafana Tempo is AGPL-3.0 and this project's package policy says not to use it;
//                the Tempo client is tested against a stand-in built from the documented API (see the report).
// Usage: node scripts/install-backends.mjs [jaeger] [zipkin] [prometheus]   (default: all)
// Prints one line per backend with the path it installed or found. Exits non-zero when one fails.
import { spawnSync } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const VERSIONS = JSON.parse(readFileSync(join(here, 'backend-versions.json'), 'utf8'));
export const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spanscope');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return r;
}

function makeWritable(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
    if (st.isDirectory()) makeWritable(p);
  }
  chmodSync(dir, statSync(dir).mode | 0o200);
}

export function jaegerBinary() {
  return join(CACHE, `jaeger-${VERSIONS.jaeger.module}`, 'bin', 'jaeger');
}

export function zipkinJar() {
  return join(CACHE, `zipkin-${VERSIONS.zipkin.version}`, `zipkin-server-${VERSIONS.zipkin.version}-exec.jar`);
}

export function prometheusBinary() {
  return join(CACHE, `prometheus-${VERSIONS.prometheus.module}`, 'bin', 'prometheus');
}

/** The Go environment every build here shares: one module cache and build cache under the Spanscope cache. */
function goEnv() {
  const gopath = join(CACHE, 'go');
  return {
    ...process.env,
    GOPATH: gopath,
    GOCACHE: join(gopath, 'cache'),
    GOMODCACHE: join(gopath, 'pkg', 'mod'),
    GOFLAGS: '-mod=mod -buildvcs=false',
    CGO_ENABLED: '0',
  };
}

/** Downloads a Go module at a version and copies it to a writable build directory (the module cache is read-only). */
function writableModuleCopy(module, v, name, env) {
  const dl = spawnSync('go', ['mod', 'download', '-json', `${module}@${v}`], { env, cwd: CACHE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (dl.status !== 0) throw new Error(`go mod download ${module}@${v} exited ${dl.status}`);
  const dir = JSON.parse(dl.stdout).Dir;
  const src = join(CACHE, `${name}-src-${v}`);
  rmSync(src, { recursive: true, force: true });
  cpSync(dir, src, { recursive: true });
  makeWritable(src);
  return src;
}

/** Puts the binary that `go build -o <bin>.tmp` wrote in place as `bin`, executable, and removes the module copy. */
function installBuilt(bin, src) {
  copyFileSync(bin + '.tmp', bin);
  chmodSync(bin, 0o755);
  rmSync(bin + '.tmp', { force: true });
  rmSync(src, { recursive: true, force: true });
  return bin;
}

function installPrometheus() {
  const bin = prometheusBinary();
  if (existsSync(bin)) return bin;
  const v = VERSIONS.prometheus.module;
  // The module ships a go.work (for its own sub-modules), which refuses -mod=mod; build the module on its own.
  const env = { ...goEnv(), GOWORK: 'off' };
  mkdirSync(dirname(bin), { recursive: true });
  const src = writableModuleCopy('github.com/prometheus/prometheus', v, 'prometheus', env);
  console.error(`install-backends: building Prometheus ${VERSIONS.prometheus.version} (module ${v}); this takes several minutes on 2 cores`);
  const ldflags = `-s -w -X github.com/prometheus/common/version.Version=${VERSIONS.prometheus.version}`;
  run('nice', ['go', 'build', '-trimpath', '-ldflags', ldflags, '-o', bin + '.tmp', './cmd/prometheus'], { env, cwd: src });
  return installBuilt(bin, src);
}

function installJaeger() {
  const bin = jaegerBinary();
  if (existsSync(bin)) return bin;
  const v = VERSIONS.jaeger.module;
  const env = goEnv();
  mkdirSync(dirname(bin), { recursive: true });
  const src = writableModuleCopy('github.com/jaegertracing/jaeger', v, 'jaeger', env);
  const ldflags = `-X github.com/jaegertracing/jaeger/internal/version.latestVersion=${VERSIONS.jaeger.v2} -X github.com/jaegertracing/jaeger/internal/version.commitSHA=${v}`;
  console.error(`install-backends: building Jaeger ${VERSIONS.jaeger.v2} (module ${v}); this takes several minutes on 2 cores`);
  run('go', ['build', '-ldflags', ldflags, '-o', bin + '.tmp', './cmd/jaeger'], { env, cwd: src });
  return installBuilt(bin, src);
}

function installZipkin() {
  const jar = zipkinJar();
  if (existsSync(jar)) return jar;
  const v = VERSIONS.zipkin.version;
  mkdirSync(dirname(jar), { recursive: true });
  run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=io.zipkin:zipkin-server:${v}:jar:exec`, `-DoutputDirectory=${dirname(jar)}`, '-Dmdep.overWriteReleases=true'], { cwd: dirname(jar) });
  if (!existsSync(jar)) throw new Error(`zipkin-server ${v} exec jar not found at ${jar} after mvn dependency:copy`);
  return jar;
}

const wanted = process.argv.slice(2).filter(a => !a.startsWith('-'));
const which = wanted.length ? wanted : ['jaeger', 'zipkin', 'prometheus'];
const INSTALLERS = { jaeger: installJaeger, zipkin: installZipkin, prometheus: installPrometheus };
const VERSION_OF = { jaeger: VERSIONS.jaeger.v2, zipkin: VERSIONS.zipkin.version, prometheus: VERSIONS.prometheus?.version };
mkdirSync(CACHE, { recursive: true });
let failed = 0;
for (const name of which) {
  try {
    const install = Object.hasOwn(INSTALLERS, name) ? INSTALLERS[name] : undefined;
    if (!install) throw new Error(`unknown backend "${name}" (expected jaeger, zipkin or prometheus)`);
    const path = install();
    console.log(`install-backends: ${name} ${VERSION_OF[name]} at ${path}`);
  } catch (e) {
    failed++;
    console.error(`install-backends: ${name} FAILED: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
