// Starts the real backends (installed by scripts/install-backends.mjs) on free loopback ports with in-memory
// storage, waits until they answer, and stops them. A missing binary skips the suite on a developer's machine
// and fails it in CI (where .ci/run installs them).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '../../../src/backends/http/errors';
import { freePort } from '../net';
import { PROJECT_ROOT } from '../paths';

const VERSIONS = JSON.parse(readFileSync(join(PROJECT_ROOT, 'scripts', 'backend-versions.json'), 'utf8')) as {
  jaeger: { module: string; v2: string };
  zipkin: { version: string };
};
export const BACKEND_VERSIONS = VERSIONS;
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spanscope');

export const JAEGER_BIN = process.env.SPANSCOPE_JAEGER_BIN ?? join(CACHE, `jaeger-${VERSIONS.jaeger.module}`, 'bin', 'jaeger');
export const ZIPKIN_JAR = process.env.SPANSCOPE_ZIPKIN_JAR ?? join(CACHE, `zipkin-${VERSIONS.zipkin.version}`, `zipkin-server-${VERSIONS.zipkin.version}-exec.jar`);

function skipReason(what: string, path: string): string | false {
  if (existsSync(path)) return false;
  if (process.env.CI) return false; // in CI the suite must run (and fail loudly if the install step did not run)
  return `${what} not installed at ${path}; run \`node scripts/install-backends.mjs\` (CI always runs these tests)`;
}
export const JAEGER_SKIP = skipReason(`Jaeger ${VERSIONS.jaeger.v2}`, JAEGER_BIN);
export const ZIPKIN_SKIP = skipReason(`Zipkin ${VERSIONS.zipkin.version}`, ZIPKIN_JAR);

export { freePort };

export interface RunningServer {
  /** Query/API base URL. */
  readonly url: string;
  /** Where spans are sent: OTLP/HTTP base (Jaeger) or the Zipkin base. */
  readonly ingestUrl: string;
  readonly version: string;
  stop(): Promise<void>;
  log(): string;
}

/**
 * A backend ingests asynchronously: a trace just sent may not be readable yet. Resolves once every one of `traceIds`
 * can be read through `client`, asking again every 200 ms while it answers NotFoundError; any other error, or a trace
 * still missing after `timeoutMs` in all, is thrown.
 */
export async function untilReadable(client: { getTrace(traceId: string): Promise<unknown> }, traceIds: readonly string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const id of traceIds) {
    for (;;) {
      try { await client.getTrace(id); break; } catch (e) {
        if (!(e instanceof NotFoundError) || Date.now() > deadline) throw e;
        await new Promise(r => setTimeout(r, 200));
      }
    }
  }
}

/**
 * A real-server suite's teardown: the client, then the fault proxy in front of the server, then the server. Each may
 * be unset when `before` failed part-way.
 */
export async function stopAll(client: { dispose(): void } | undefined, proxy: { close(): Promise<void> } | undefined, server: RunningServer | undefined): Promise<void> {
  client?.dispose();
  await proxy?.close();
  await server?.stop();
}

async function waitUntil(check: () => Promise<boolean>, child: ChildProcess, what: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it was ready:\n${log().slice(-4000)}`);
    if (await check().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

/** Stops `child` (SIGTERM, SIGKILL after 5 s), then runs `cleanup`. */
export function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>(r => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    cleanup();
  };
}

/**
 * Jaeger v2 on loopback with in-memory traces (OTLP/HTTP in, the query API out); with `prometheusUrl`, its Service
 * Performance Monitoring reads the spanmetrics that Prometheus holds.
 */
export async function startJaeger(options: { readonly prometheusUrl?: string } = {}): Promise<RunningServer> {
  const [query, grpc, otlp] = [await freePort(), await freePort(), await freePort()];
  const spm = options.prometheusUrl === undefined ? '' : `
    metric_backends:
      prom:
        prometheus:
          endpoint: ${options.prometheusUrl}
          normalize_calls: true
          normalize_duration: true`;
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-jaeger-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: []
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: mem${options.prometheusUrl === undefined ? '' : `
      metrics: prom`}
    http:
      endpoint: 127.0.0.1:${query}
    grpc:
      endpoint: 127.0.0.1:${grpc}
  jaeger_storage:
    backends:
      mem:
        memory:
          max_traces: 10000${spm}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlp}
exporters:
  jaeger_storage_exporter:
    trace_storage: mem
`);
  let out = '';
  const child = spawn(JAEGER_BIN, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = `http://127.0.0.1:${query}`;
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitUntil(() => httpOk(`${url}/api/v3/services`), child, 'Jaeger', 60_000, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, ingestUrl: `http://127.0.0.1:${otlp}`, version: VERSIONS.jaeger.v2, stop, log: () => out };
}

export async function startZipkin(): Promise<RunningServer> {
  const port = await freePort();
  let out = '';
  const child = spawn('java', [
    // Startup speed over peak speed: the tests send a handful of spans.
    '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', '-Xss512k',
    '-jar', ZIPKIN_JAR,
    `--server.port=${port}`,
    '--armeria.ports[0].ip=127.0.0.1', `--armeria.ports[0].port=${port}`, '--armeria.ports[0].protocols[0]=http',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STORAGE_TYPE: 'mem', SELF_TRACING_ENABLED: 'false' } });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child, () => undefined);
  try {
    await waitUntil(() => httpOk(`${url}/health`), child, 'Zipkin', 90_000, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, ingestUrl: url, version: VERSIONS.zipkin.version, stop, log: () => out };
}
