// Starts the demo shop — inventory, orders and gateway as three processes, each with its own OpenTelemetry SDK —
// and a load loop that sends one request a second through the gateway. Spans go to OTLP/HTTP at
// $OTEL_EXPORTER_OTLP_ENDPOINT (default http://127.0.0.1:4318, Spanscope's embedded receiver).
//   node demo/shop/run.js
// Environment: DEMO_INTERVAL_MS (1000), DEMO_REQUESTS (stop after N requests; default: run until Ctrl+C),
// GATEWAY_PORT / ORDERS_PORT / INVENTORY_PORT (default: free ports), DEMO_LOG=summary (one line per 10 requests
// instead of one per request).
'use strict';

const { fork } = require('node:child_process');
const path = require('node:path');

const INTERVAL_MS = Number(process.env.DEMO_INTERVAL_MS ?? 1000);
const MAX_REQUESTS = process.env.DEMO_REQUESTS ? Number(process.env.DEMO_REQUESTS) : Infinity;
const LOG_SUMMARY = process.env.DEMO_LOG === 'summary';

// A fixed rotation, so every kind of trace shows up within a few seconds: successes, a cache miss then hits,
// an out-of-stock conflict and a declined payment (an exception deep in orders).
const ROTATION = [
  '/checkout?sku=widget&customer=alice',
  '/product/widget',
  '/checkout?sku=gadget&customer=bob',
  '/product/gizmo',
  '/checkout?sku=gizmo&customer=carol',
  '/checkout?sku=widget&customer=mallory',
  '/product/widget',
];

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];

function startService(file, env) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, file), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 15 s`)), 15_000);
    child.once('message', message => {
      clearTimeout(timer);
      resolve(`http://127.0.0.1:${message.port}`);
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready`));
    });
  });
}

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  await Promise.all(children.map(child => new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, 4000);
    child.once('exit', () => { clearTimeout(timer); resolve(undefined); });
    child.kill('SIGTERM'); // each service flushes its spans before it exits
  })));
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function main() {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? 'http://127.0.0.1:4318';
  const inventory = await startService('inventory.js', { INVENTORY_PORT: process.env.INVENTORY_PORT ?? '0' });
  const orders = await startService('orders.js', { ORDERS_PORT: process.env.ORDERS_PORT ?? '0', INVENTORY_URL: inventory });
  const gateway = await startService('gateway.js', {
    GATEWAY_PORT: process.env.GATEWAY_PORT ?? '0', ORDERS_URL: orders, INVENTORY_URL: inventory,
  });
  console.log(`demo shop: gateway ${gateway}, orders ${orders}, inventory ${inventory}; sending spans to ${endpoint}`);

  let sent = 0;
  const tally = { ok: 0, failed: 0 };
  const report = line => {
    if (!LOG_SUMMARY) return console.log(line);
    if (sent % 10 === 0) {
      console.log(`${sent} requests sent (last 10: ${tally.ok} ok, ${tally.failed} failed); last: ${line}`);
      tally.ok = 0;
      tally.failed = 0;
    }
  };
  const tick = async () => {
    if (stopping) return;
    if (sent >= MAX_REQUESTS) {
      // Give the services' batch processors time to export the last spans.
      setTimeout(() => stopAll(0), 1500);
      return;
    }
    const route = ROTATION[sent % ROTATION.length];
    sent += 1;
    const started = Date.now();
    try {
      const res = await fetch(gateway + route, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      tally[res.status < 400 ? 'ok' : 'failed'] += 1;
      report(`GET ${route} -> ${res.status} in ${Date.now() - started} ms, trace ${res.headers.get('x-trace-id') ?? '?'}`);
    } catch (err) {
      if (stopping) return;
      tally.failed += 1;
      report(`GET ${route} -> failed: ${err.message}`);
    }
    setTimeout(tick, Math.max(0, INTERVAL_MS - (Date.now() - started)));
  };
  tick();
}

main().catch(err => {
  console.error(`demo shop: ${err.message}`);
  stopAll(1);
});
