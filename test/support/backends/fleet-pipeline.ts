// The real fleet-latency pipeline on loopback, for the metric source tests:
//   an OpenTelemetry JS SDK "app" → the OpenTelemetry Collector built by scripts/install-otelcol.mjs (OTLP receiver →
//   `spanmetrics` connector → OTLP/HTTP exporter) → a real Prometheus (scripts/install-backends.mjs prometheus) with
//   its OTLP receiver on → the Spanscope Prometheus client; and Jaeger v2 whose SPM reads that Prometheus.
// Every process listens on 127.0.0.1 on a free port and keeps its data in a temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { PROJECT_ROOT } from '../paths';
import { freePort, startJaeger, stopper, type RunningServer } from './servers';

const VERSIONS = JSON.parse(readFileSync(join(PROJECT_ROOT, 'scripts', 'backend-versions.json'), 'utf8')) as { prometheus: { module: string; version: string } };
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spanscope');
export const PROMETHEUS_BIN = process.env.SPANSCOPE_PROMETHEUS_BIN ?? join(CACHE, `prometheus-${VERSIONS.prometheus.module}`, 'bin', 'prometheus');

/** The collector binary scripts/install-otelcol.mjs builds (its cache directory is keyed by its program text). */
export function otelcolBinary(): string {
  if (process.env.SPANSCOPE_OTELCOL_BIN) return process.env.SPANSCOPE_OTELCOL_BIN;
  const src = readFileSync(join(PROJECT_ROOT, 'scripts', 'install-otelcol.mjs'), 'utf8');
  const version = /COLLECTOR_VERSION = '([^']+)'/.exec(src)![1]!;
  const main = /const MAIN_GO = `([\s\S]*?)`;\n/.exec(src)![1]!.replaceAll('${COLLECTOR_VERSION}', version);
  const key = createHash('sha256').update(main).digest('hex').slice(0, 10);
  return join(CACHE, `otelcol-${version}-${key}`, 'spanscope-otelcol');
}

function skipReason(what: string, path: string, how: string): string | false {
  if (existsSync(path)) return false;
  if (process.env.CI) return false;
  return `${what} not installed at ${path}; run \`${how}\` (CI always runs these tests)`;
}
export const PROMETHEUS_SKIP = skipReason(`Prometheus ${VERSIONS.prometheus.version}`, PROMETHEUS_BIN, 'node scripts/install-backends.mjs prometheus');
export const OTELCOL_SKIP = skipReason('the spanmetrics collector', otelcolBinary(), 'node scripts/install-otelcol.mjs');

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, log: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}\n${log().slice(-4000)}`);
}

function launch(bin: string, args: string[], cwd: string): { child: ChildProcess; log: () => string; stop: () => Promise<void> } {
  let out = '';
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); if (out.length > 200_000) out = out.slice(-100_000); });
  const stop = stopper(child, () => rmSync(cwd, { recursive: true, force: true }));
  return { child, log: () => out, stop };
}

async function ready(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

/** A real Prometheus with its OTLP receiver (/api/v1/otlp/v1/metrics) and exemplar storage on. */
export async function startPrometheus(): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), `global:
  evaluation_interval: 1m
storage:
  exemplars:
    max_exemplars: 10000
`);
  const p = launch(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-otlp-receiver',
    '--enable-feature=exemplar-storage',
    '--log.level=warn',
  ], dir);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('Prometheus ready', () => ready(`${url}/-/ready`), 60_000, p.log);
  } catch (e) {
    await p.stop();
    throw e;
  }
  return { url, ingestUrl: `${url}/api/v1/otlp`, version: VERSIONS.prometheus.version, stop: p.stop, log: p.log };
}

/**
 * The collector: OTLP/HTTP in, spanmetrics (default namespace `traces.span.metrics`, ms buckets, code dimensions,
 * exemplars, a flush every second) out over OTLP/HTTP to Prometheus.
 */
export async function startSpanmetricsCollector(prometheusUrl: string): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-otelcol-'));
  const cfg = join(dir, 'otelcol.yaml');
  writeFileSync(cfg, `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${port}
connectors:
  spanmetrics:
    histogram:
      explicit:
        buckets: [2ms, 4ms, 6ms, 8ms, 10ms, 25ms, 50ms, 100ms, 200ms, 400ms, 800ms, 1600ms]
    dimensions:
      - name: code.function.name
      - name: code.file.path
    exemplars:
      enabled: true
    metrics_flush_interval: 1s
exporters:
  otlphttp/prometheus:
    metrics_endpoint: ${prometheusUrl}/api/v1/otlp/v1/metrics
    compression: none
service:
  telemetry:
    metrics: { level: none }
    logs: { level: warn }
  pipelines:
    traces: { receivers: [otlp], exporters: [spanmetrics] }
    metrics: { receivers: [spanmetrics], exporters: [otlphttp/prometheus] }
`);
  const p = launch(otelcolBinary(), ['--config', cfg], dir);
  const url = `http://127.0.0.1:${port}`;
  try {
    // The OTLP receiver answers 405 to GET once it listens.
    await waitFor('collector listening', async () => {
      const res = await fetch(`${url}/v1/traces`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status > 0;
    }, 60_000, p.log);
  } catch (e) {
    await p.stop();
    throw e;
  }
  return { url, ingestUrl: url, version: 'otelcol', stop: p.stop, log: p.log };
}

/** Jaeger v2 with in-memory traces and its SPM reading the spanmetrics from Prometheus. */
export function startJaegerSpm(prometheusUrl: string): Promise<RunningServer> {
  return startJaeger({ prometheusUrl });
}

/** One operation the app performs: `count` spans of `durationMs`, `errors` of them failing. */
export interface AppOperation {
  readonly service: string;
  readonly name: string;
  readonly kind?: SpanKind;
  readonly durationMs: number;
  readonly count: number;
  readonly errors?: number;
  readonly codeFunction?: string;
  readonly codeFile?: string;
}

/**
 * Runs the app: the OpenTelemetry JS SDK (one tracer provider per service) emits every span of the operations,
 * ended now, with its duration set exactly, through `exporter(service)`. Returns the trace IDs per operation.
 */
export async function runApp(ops: readonly AppOperation[], exporter: () => SpanExporter, at: () => number = Date.now): Promise<Map<AppOperation, string[]>> {
  const ids = new Map<AppOperation, string[]>();
  const services = [...new Set(ops.map(o => o.service))];
  for (const service of services) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      // Batched: one export per service (a simple processor would start one export per span and hit the exporter's
      // concurrent export limit).
      spanProcessors: [new BatchSpanProcessor(exporter(), { maxQueueSize: 100_000, maxExportBatchSize: 10_000, scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('spanscope-fleet-app', '1.0.0');
    for (const op of ops.filter(o => o.service === service)) {
      const list: string[] = [];
      for (let i = 0; i < op.count; i++) {
        const end = at();
        const span = tracer.startSpan(op.name, {
          kind: op.kind ?? SpanKind.SERVER,
          startTime: end - op.durationMs,
          attributes: {
            ...(op.codeFunction ? { 'code.function.name': op.codeFunction } : {}),
            ...(op.codeFile ? { 'code.file.path': op.codeFile } : {}),
          },
        });
        if (i < (op.errors ?? 0)) span.setStatus({ code: SpanStatusCode.ERROR, message: 'planted failure' });
        span.end(end);
        list.push(span.spanContext().traceId);
      }
      ids.set(op, list);
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
  return ids;
}
