#!/usr/bin/env node
// npm run bench:receiver — the embedded OTLP receiver under load, and (when one can be built here) an OpenTelemetry
// Collector's OTLP receiver on the same payloads in the same run.
//
//   ingest     spans/s accepted from concurrent keep-alive clients (a separate process) posting prebuilt, realistic
//              OTLP/HTTP requests of 100–1000 spans (bench/gen-trace.mjs traces, each request with a fresh trace ID
//              so every span is stored, not de-duplicated), protobuf and JSON; p50/p99 request latency
//   CPU        server process CPU (process.cpuUsage, user+system) per 10k spans/s of ingest
//   memory     retained heap (V8 heap + ArrayBuffers, after gc) per million stored spans (the store keeps request
//              bytes and decodes on view), against the store's own size estimate; time of get() for a large trace
//   collector  the same client load against a minimal collector (OTLP receiver → nop exporter, built by
//              scripts/install-otelcol.mjs from the Go module proxy); its CPU from /proc. The collector parses and
//              drops; Spanscope parses into the trace model and keeps every span: the ratio is spans/s ours ÷ theirs.
// Target: ≥ 100k spans/s (protobuf).
// Each Spanscope row runs twice: parsing on the serving thread, and in --workers parse worker threads.
//   node --expose-gc bench/receiver.mjs [--seconds 6] [--clients 8] [--workers 1] [--memory-spans 400000] [--no-collector]
//     [--encodings proto,json] (ingest rows, ours and the collector's, for these encodings only)
// The notes give each ingest row's CPU by thread (main = the thread serving HTTP and the store; the others are the
// parse worker and V8's helpers), so the cost of handing requests to a worker shows.
import * as esbuild from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, bundleCore, cacheDir, requireGc, root } from './common.mjs';
import { generateTrace } from './gen-trace.mjs';


if (process.argv.includes('--client')) await client();
else await server();

// ---------------------------------------------------------------------------------------------- load client

/** Posts payloads from --dir to --url with --clients concurrent loops; prints JSON lines "start" and "done". */
async function client() {
  const url = arg('--url');
  const encoding = arg('--encoding');
  const seconds = Number(arg('--seconds', '6'));
  const concurrency = Number(arg('--clients', '8'));
  const warmupMs = Number(arg('--warmup-ms', '1500'));
  const dir = arg('--dir');
  const ext = encoding === 'proto' ? '.pb' : '.json';
  const payloads = readdirSync(dir).filter(f => f.endsWith(ext)).sort().map(f => {
    const bytes = readFileSync(join(dir, f));
    const meta = JSON.parse(readFileSync(join(dir, f.replace(ext, '.meta')), 'utf8'));
    const needle = encoding === 'proto' ? Buffer.from(meta.traceId, 'hex') : Buffer.from(meta.traceId, 'latin1');
    const offsets = [];
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) offsets.push(i);
    return { bytes, offsets, spans: meta.spans };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const contentType = encoding === 'proto' ? 'application/x-protobuf' : 'application/json';
  let seq = 0;
  // A fresh trace ID per request: 8 bytes of the payload's own ID, then a counter.
  const nextBody = p => {
    const b = Buffer.from(p.bytes);
    const n = ++seq;
    const id = Buffer.alloc(8);
    id.writeUInt32BE(0x5c0e0000 | (process.pid & 0xffff), 0);
    id.writeUInt32BE(n, 4);
    for (const o of p.offsets) {
      if (encoding === 'proto') id.copy(b, o + 8);
      else b.write(id.toString('hex'), o + 16, 'latin1');
    }
    return b;
  };
  const send = body => new Promise(resolve => {
    const t0 = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, res => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.on('error', e => resolve({ status: `error ${e.code}`, ms: performance.now() - t0 }));
    req.end(body);
  });

  let measuring = false;
  let stop = false;
  const lat = [];
  const statuses = {};
  let spans = 0;
  let requests = 0;
  let k = 0;
  const loop = async () => {
    while (!stop) {
      const p = payloads[k++ % payloads.length];
      const r = await send(nextBody(p));
      if (!measuring) continue;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200) { spans += p.spans; requests++; lat.push(r.ms); }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise(r => setTimeout(r, warmupMs));
  measuring = true;
  const t0 = performance.now();
  process.stdout.write(JSON.stringify({ event: 'start' }) + '\n');
  await new Promise(r => setTimeout(r, seconds * 1000));
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ event: 'done' }) + '\n');
  stop = true;
  await Promise.all(loops);
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = f => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] ?? NaN;
  process.stdout.write(JSON.stringify({ event: 'result', wall, spans, requests, statuses, p50: q(0.5), p99: q(0.99) }) + '\n');
}

/** Runs the client process against `url`; calls onStart/onDone at the measured window's edges. */
function runClients(url, encoding, dir, hooks = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--client', '--url', url, '--encoding', encoding, '--dir', dir,
      '--seconds', arg('--seconds', '6'), '--clients', arg('--clients', '8')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let result;
    child.stdout.on('data', c => {
      buf += c;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        const m = JSON.parse(l);
        if (m.event === 'start') hooks.onStart?.();
        if (m.event === 'done') hooks.onDone?.();
        if (m.event === 'result') result = m;
      }
    });
    child.on('exit', code => (code === 0 && result ? resolve(result) : reject(new Error(`client exited ${code}`))));
  });
}

// ---------------------------------------------------------------------------------------------- server side

async function server() {
  requireGc('npm run bench:receiver does');
  // The receiver is TypeScript: bundle it exactly as the extension and the CLI bundle it.
  const lib = await bundleCore('receiver-bench', {
    OtlpReceiver: 'src/backends/receiver/receiver.ts',
    TraceStore: 'src/backends/receiver/store.ts',
    parseTraceDocument: 'src/core/parse/index.ts',
    encodeOtlpProtobuf: 'src/core/otlp/proto.ts',
    indexOtlpProtobuf: 'src/core/parse/otlp-proto.ts',
    ingest: 'src/backends/receiver/ingest.ts',
  });
  // The parse worker, bundled as the extension's dist/receiver-worker.js is.
  const workerPath = join(cacheDir, 'receiver-worker.cjs');
  await esbuild.build({ entryPoints: [join(root, 'src/backends/receiver/ingest-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: workerPath, logLevel: 'warning' });
  const workerThreads = Number(arg('--workers', '1'));

  // Payloads: generated traces of 100–1000 spans as OTLP JSON (the generator's own output) and OTLP protobuf.
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-bench-receiver-'));
  const sizes = [100, 200, 400, 700, 1000];
  let totalSpans = 0, jsonBytes = 0, protoBytes = 0, files = 0;
  for (const n of sizes) {
    for (let seed = 1; seed <= 3; seed++) {
      const text = JSON.stringify(generateTrace({ n, seed, format: 'otlp' }));
      const parsed = lib.parseTraceDocument(text, { format: 'otlp' });
      const trace = parsed.traces[0];
      const proto = lib.encodeOtlpProtobuf(parsed.traces);
      const name = `p${String(files++).padStart(2, '0')}`;
      writeFileSync(join(dir, `${name}.json`), text);
      writeFileSync(join(dir, `${name}.pb`), proto);
      writeFileSync(join(dir, `${name}.meta`), JSON.stringify({ traceId: trace.traceId, spans: parsed.traces.reduce((s, t) => s + t.spans.length, 0) }));
      totalSpans += n; jsonBytes += text.length; protoBytes += proto.length;
    }
  }
  const rows = [];
  const note = [];
  note.push(`payloads: ${files} requests of ${sizes.join('/')} spans (gen-trace), mean ${(jsonBytes / totalSpans).toFixed(0)} B/span JSON, ${(protoBytes / totalSpans).toFixed(0)} B/span protobuf; `
    + `${arg('--clients', '8')} keep-alive clients in a separate process, ${arg('--seconds', '6')} s measured after a warm-up; machine: ${(await import('node:os')).cpus().length} cores shared by client and server`);

  const encodings = arg('--encodings', 'proto,json').split(',');
  try {
    // --- Spanscope receiver, protobuf and JSON, parsing inline and in worker threads
    for (const [encoding, threads] of [['proto', 0], ['json', 0], ['proto', workerThreads], ['json', workerThreads]].filter(([e]) => encodings.includes(e))) {
      globalThis.gc();
      // The store with the extension's default bounds (200k spans, 256 MiB): once full, old traces are evicted as in
      // a long session, and the heap stays the size a user's extension host would carry.
      const store = new lib.TraceStore({ completeAfterMs: 0 });
      const receiver = new lib.OtlpReceiver({
        store, port: 0, grpcPort: false, maxInFlightRequests: 1024, ...(threads ? { parseWorkers: { workerPath, threads } } : {}),
      });
      const addr = await receiver.start();
      let cpu0, cpuDelta, accepted0, accepted1, threads0, threads1;
      const result = await runClients(addr.httpUrl, encoding, dir, {
        onStart: () => { cpu0 = process.cpuUsage(); threads0 = threadCpu(); accepted0 = receiver.stats().spansAccepted; },
        onDone: () => { cpuDelta = process.cpuUsage(cpu0); threads1 = threadCpu(); accepted1 = receiver.stats().spansAccepted; },
      });
      const stats = receiver.stats();
      await receiver.stop();
      store.dispose();
      const spansPerSec = (accepted1 - accepted0) / result.wall;
      // process.cpuUsage covers every thread of the process, workers included.
      const cpuCores = (cpuDelta.user + cpuDelta.system) / 1e6 / result.wall;
      rows.push({
        what: `Spanscope OTLP/HTTP ${encoding === 'proto' ? 'protobuf' : 'JSON'}${threads ? ` (${threads} parse worker${threads > 1 ? 's' : ''})` : ''}`,
        spansPerSec, p50: result.p50, p99: result.p99, cpuPer10k: cpuCores / (spansPerSec / 10_000), cpuCores,
        notes: `${stats.store.spans.toLocaleString('en')} spans stored, ${stats.spansDropped.toLocaleString('en')} evicted, statuses ${JSON.stringify(result.statuses)}; `
          + `CPU by thread: ${threadSplit(threads0, threads1, result.wall)}`,
      });
    }

    // --- memory per million stored spans
    const memSpans = Number(arg('--memory-spans', '400000'));
    rows.push(...memoryRow(lib, dir, memSpans));
    rows.push(keptErrorRow(lib));
    rows.push(...perRequestRows(lib));

    // --- OpenTelemetry Collector on the same payloads
    if (!process.argv.includes('--no-collector')) {
      const build = spawnSync(process.execPath, [join(root, 'scripts/install-otelcol.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const binary = build.status === 0 ? build.stdout.trim().split('\n').pop() : undefined;
      if (!binary || !existsSync(binary)) note.push(`collector: not measured (scripts/install-otelcol.mjs exited ${build.status})`);
      else {
        for (const encoding of ['proto', 'json'].filter(e => encodings.includes(e))) {
          try {
            rows.push(await collectorRow(binary, encoding, dir));
          } catch (err) {
            note.push(`collector (${encoding}): not measured: ${err.message}`);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows, note);
}

function memoryRow(lib, dir, target) {
  // Build the stored state directly (parse + store.add with the request bytes as source, what the receiver does per
  // request) from the protobuf payloads; then time get() of the largest trace (decoding it again from its bytes).
  const payloads = readdirSync(dir).filter(f => f.endsWith('.pb')).sort().map(f => ({
    bytes: readFileSync(join(dir, f)), traceId: JSON.parse(readFileSync(join(dir, f.replace('.pb', '.meta')), 'utf8')).traceId,
  }));
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m0 = process.memoryUsage();
  const before = m0.heapUsed + m0.arrayBuffers;
  const store = new lib.TraceStore({ maxSpans: target * 2, maxTraces: 1_000_000, maxBytes: 64 * 1024 ** 3, completeAfterMs: 0 });
  let n = 0;
  for (let k = 0; store.stats().spans < target; k++) {
    const p = payloads[k % payloads.length];
    const b = Buffer.from(p.bytes);
    const needle = Buffer.from(p.traceId, 'hex');
    const id = Buffer.alloc(8); id.writeUInt32BE(k, 4);
    for (let i = b.indexOf(needle); i >= 0; i = b.indexOf(needle, i + 1)) id.copy(b, i + 8);
    store.addIndexed(b, lib.indexOtlpProtobuf(b));
    n++;
  }
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m1 = process.memoryUsage();
  const spans = store.stats().spans;
  const biggest = store.list().reduce((a, b) => (b.spanCount > a.spanCount ? b : a));
  const t0 = performance.now();
  const viewed = store.get(biggest.traceId);
  const getMs = performance.now() - t0;
  const perMillion = ((m1.heapUsed + m1.arrayBuffers) - before) / spans * 1e6;
  const estimate = store.stats().bytes / spans * 1e6;
  if (store.stats().spans === -1) console.log(n); // keep the store alive across the measurement
  store.dispose();
  return [{ what: 'Spanscope store memory', memPerMillion: perMillion, notes: `${spans.toLocaleString('en')} spans in ${store.stats().traces.toLocaleString('en')} traces; the store's own estimate ${(estimate / 1048576).toFixed(0)} MB per million; get() of a ${viewed.spans.length}-span trace (decoded from its bytes) ${getMs.toFixed(1)} ms` }];
}

/** `count` traces of 2 spans (a gen-trace root and child) with distinct trace IDs, as Trace objects. */
function smallTraces(lib, count, firstId, errorEvery = 0) {
  const base = lib.parseTraceDocument(JSON.stringify(generateTrace({ n: 2, seed: 7, format: 'otlp' })), { format: 'otlp' }).traces[0];
  const out = [];
  for (let k = 0; k < count; k++) {
    const traceId = (firstId + k).toString(16).padStart(32, '0');
    const error = errorEvery > 0 && k % errorEvery === 0;
    out.push({ ...base, traceId, spans: base.spans.map(s => ({ ...s, traceId, ...(error ? { status: { code: 'error', message: 'bench' } } : {}) })) });
  }
  return out;
}

/**
 * The attack on the memory bound: requests of 1 error trace + 1,999 ordinary ones. The store keeps the error traces
 * (policy keep-errors-and-slow) and evicts the rest; what the process really retains per kept span must stay near
 * what the store charges for it (before: each kept trace pinned its whole request).
 */
function keptErrorRow(lib) {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m0 = process.memoryUsage();
  // Bounds large enough to hold enough traces for a steady per-span figure, small enough to evict most of them.
  const store = new lib.TraceStore({ completeAfterMs: 0, maxTraces: 20_000 });
  const requests = Number(arg('--kept-requests', '150'));
  for (let r = 0; r < requests; r++) {
    const bytes = lib.encodeOtlpProtobuf(smallTraces(lib, 2000, 1 + r * 2000, 2000));
    lib.ingest(store, bytes, 'proto');
  }
  for (let i = 0; i < 3; i++) globalThis.gc();
  const m1 = process.memoryUsage();
  const st = store.stats();
  let keptSpans = 0;
  for (const t of store.list()) if (t.errorCount > 0) keptSpans += t.spanCount;
  const retained = (m1.heapUsed + m1.arrayBuffers) - (m0.heapUsed + m0.arrayBuffers);
  store.dispose();
  return {
    what: 'Spanscope kept error traces (1 error + 1,999 others per request)', retainedPerSpan: retained / st.spans, chargedPerSpan: st.bytes / st.spans,
    notes: `${requests} requests of 2,000 traces; ${st.traces} traces / ${st.spans} spans held (${keptSpans} spans in error traces), ${st.evictedTraces.toLocaleString('en')} traces evicted; `
      + `retained ${(retained / 1048576).toFixed(1)} MB, charged ${(st.bytes / 1048576).toFixed(1)} MB; RSS ${(m1.rss / 1048576).toFixed(0)} MB`,
  };
}

/**
 * CPU per request with 1 and with 3,000 traces (2 spans each) in it: ingest alone, and ingest plus viewing every
 * trace once (what `spanscope receive --out` does when they complete). Linear means the per-trace cost is the same.
 */
function perRequestRows(lib) {
  const rows = [];
  for (const traces of [1, 3000]) {
    const bytes = lib.encodeOtlpProtobuf(smallTraces(lib, traces, 1));
    const reps = traces === 1 ? 3000 : 4;
    let ingestUs = 0, viewUs = 0;
    for (let r = -1; r < reps; r++) {
      const store = new lib.TraceStore({ completeAfterMs: 0, maxTraces: 10_000 });
      const c0 = process.cpuUsage();
      const out = lib.ingest(store, bytes, 'proto');
      const c1 = process.cpuUsage(c0);
      for (const t of store.list()) store.get(t.traceId);
      const c2 = process.cpuUsage(c0);
      if (out.kind !== 'ok' || out.accepted !== traces * 2) throw new Error(`bench: ${traces}-trace request not stored whole: ${JSON.stringify(out)}`);
      store.dispose();
      if (r < 0) continue; // warm-up
      ingestUs += c1.user + c1.system;
      viewUs += c2.user + c2.system;
    }
    rows.push({
      what: `Spanscope CPU per request, ${traces.toLocaleString('en')} trace${traces > 1 ? 's' : ''} (${(bytes.length / 1024).toFixed(0)} KB)`,
      perRequestMs: ingestUs / reps / 1000, perTraceUs: ingestUs / reps / traces, perTraceViewUs: viewUs / reps / traces,
      notes: `ingest ${(ingestUs / reps / 1000).toFixed(2)} ms per request = ${(ingestUs / reps / traces).toFixed(1)} µs per trace; with get() of every trace ${(viewUs / reps / 1000).toFixed(2)} ms = ${(viewUs / reps / traces).toFixed(1)} µs per trace`,
    });
  }
  return rows;
}

async function collectorRow(binary, encoding, dir) {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const config = `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${httpPort}" }
      grpc: { endpoint: "127.0.0.1:${grpcPort}" }
exporters:
  nop: {}
service:
  telemetry:
    metrics: { level: none }
    logs: { level: warn }
  pipelines:
    traces: { receivers: [otlp], exporters: [nop] }
`;
  const cfg = join(dir, 'otelcol.yaml');
  writeFileSync(cfg, config);
  const child = spawn(binary, ['--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', c => { stderr += c; });
  try {
    await waitForPort(httpPort, 15_000).catch(e => { throw new Error(`collector did not start: ${e.message}\n${stderr.slice(-2000)}`); });
    let cpu0, cpu1;
    const result = await runClients(`http://127.0.0.1:${httpPort}/v1/traces`, encoding, dir, {
      onStart: () => { cpu0 = procCpuSeconds(child.pid); },
      onDone: () => { cpu1 = procCpuSeconds(child.pid); },
    });
    const spansPerSec = result.spans / result.wall;
    const cpuCores = (cpu1 - cpu0) / result.wall;
    const rss = procRssBytes(child.pid);
    return {
      what: `Collector ${encoding === 'proto' ? 'protobuf' : 'JSON'} (nop exporter)`, spansPerSec, p50: result.p50, p99: result.p99,
      cpuPer10k: cpuCores / (spansPerSec / 10_000), cpuCores, notes: `RSS ${(rss / 1048576).toFixed(0)} MB, statuses ${JSON.stringify(result.statuses)}`,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/** CPU seconds so far of each thread of this process (Linux: /proc/self/task), by thread ID. */
function threadCpu() {
  const out = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100);
    }
  } catch { /* not Linux */ }
  return out;
}

/** The busiest threads over a measurement, in cores: "main 0.31, 0.62, …" (the main thread's ID is the PID). */
function threadSplit(before, after, wall) {
  const rows = [...after].map(([tid, s]) => [tid, (s - (before.get(tid) ?? 0)) / wall]).filter(([, c]) => c >= 0.02).sort((a, b) => b[1] - a[1]);
  return rows.map(([tid, c]) => `${tid === String(process.pid) ? 'main ' : ''}${c.toFixed(2)}`).join(', ') || 'n/a';
}

function procCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of stat)
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return ticks / hz;
}

function procRssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function freePort() {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise(resolve => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} not open after ${ms} ms`);
    await new Promise(r => setTimeout(r, 100));
  }
}

function printTable(rows, notes) {
  const fmt = (v, d = 0) => (v === undefined || Number.isNaN(v) ? '' : v.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const table = rows.map(r => ({
    '': r.what,
    'spans/s': fmt(r.spansPerSec),
    'p50 ms': fmt(r.p50, 1),
    'p99 ms': fmt(r.p99, 1),
    'CPU cores': fmt(r.cpuCores, 2),
    'CPU cores per 10k spans/s': fmt(r.cpuPer10k, 3),
    // What one fully available core would ingest: the load-independent figure on a shared machine.
    'spans/s per core': r.cpuPer10k ? fmt(10_000 / r.cpuPer10k) : '',
    'MB per 1M stored spans': r.memPerMillion ? fmt(r.memPerMillion / 1048576) : '',
  }));
  const extra = rows.filter(r => r.retainedPerSpan !== undefined || r.perRequestMs !== undefined).map(r => ({
    '': r.what,
    'retained B per kept span': r.retainedPerSpan !== undefined ? fmt(r.retainedPerSpan) : '',
    'charged B per kept span': r.chargedPerSpan !== undefined ? fmt(r.chargedPerSpan) : '',
    'CPU ms per request': r.perRequestMs !== undefined ? fmt(r.perRequestMs, 2) : '',
    'CPU µs per trace': r.perTraceUs !== undefined ? fmt(r.perTraceUs, 1) : '',
    'CPU µs per trace incl. viewing it': r.perTraceViewUs !== undefined ? fmt(r.perTraceViewUs, 1) : '',
  }));
  console.log('\nbench:receiver');
  for (const n of notes) console.log(`  ${n}`);
  console.table(table.filter((_, i) => rows[i].retainedPerSpan === undefined && rows[i].perRequestMs === undefined));
  if (extra.length) console.table(extra);
  for (const r of rows) if (r.notes) console.log(`  ${r.what}: ${r.notes}`);
  const one = rows.find(r => r.perTraceUs !== undefined && r.what.includes(' 1 trace '));
  const many = rows.find(r => r.perTraceUs !== undefined && r.what.includes('3,000 traces'));
  if (one && many) {
    console.log(`  CPU per trace, 3,000-trace request ÷ 1-trace request: ingest ${(many.perTraceUs / one.perTraceUs).toFixed(2)}×, with viewing ${(many.perTraceViewUs / one.perTraceViewUs).toFixed(2)}× `
      + '(about 1× or below is linear; quadratic would be ~3,000×)');
  }
  const ours = rows.filter(r => r.what.startsWith('Spanscope OTLP/HTTP protobuf')).sort((a, b) => b.spansPerSec - a.spansPerSec)[0];
  if (ours) {
    console.log(`\n  target ≥ 100,000 spans/s (protobuf, best row: ${ours.what}): ${fmt(ours.spansPerSec)} spans/s measured — ${ours.spansPerSec >= 100_000 ? 'met' : 'NOT met'}; `
      + `${fmt(10_000 / ours.cpuPer10k)} spans/s per fully available core (the server got ${fmt(ours.cpuCores, 2)} cores here)`);
  }
  for (const enc of ['protobuf', 'JSON']) {
    const a = rows.find(r => r.what === `Spanscope OTLP/HTTP ${enc}`);
    const b = rows.find(r => r.what === `Collector ${enc} (nop exporter)`);
    if (a && b) {
      console.log(`  ratio Spanscope / Collector (${enc}, same run): ${(a.spansPerSec / b.spansPerSec).toFixed(2)}× spans/s (load-dependent on a shared machine), `
        + `${(b.cpuPer10k / a.cpuPer10k).toFixed(2)}× spans/s per core (goal ≥ 1.0×: ${b.cpuPer10k / a.cpuPer10k >= 1 ? 'met' : 'NOT met'}), every span kept: ${a.notes.includes('"200"') && !/"(4|5)\d\d"/.test(a.notes) ? 'yes (all 200)' : 'NO'}`);
    }
  }
}
