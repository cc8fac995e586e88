// A small Express shop with one endpoint per planted performance problem; FINDINGS_VARIANT=clean serves the same
// endpoints without the problems. Outgoing calls go through node:http (traced by the http instrumentation); the
// stock update is a manual span (the API) around an in-process row lock.
'use strict';
const http = require('node:http');
const express = require('express');
const { trace } = require('@opentelemetry/api');

const planted = process.env.FINDINGS_VARIANT !== 'clean';
const tracer = trace.getTracer('node-shop');
const sleep = ms => new Promise(r => setTimeout(r, ms));
let base = '';

function get(path) {
  return new Promise((resolve, reject) => {
    http.get(base + path, res => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
}

// The stock row's lock: a promise chain; the planted contention holds it for 60 ms while a request wants it.
let lockTail = Promise.resolve();
let lockHeld = false;
function lock() {
  let release;
  const mine = new Promise(r => { release = r; });
  const ready = lockTail.then(() => { lockHeld = true; });
  lockTail = ready.then(() => mine).then(() => { lockHeld = false; });
  return ready.then(() => release);
}

const flaky = new Map();
const app = express();

// N+1: one call per item to the item service (planted), or one batched call (clean).
app.get('/n1', async (req, res) => {
  if (planted) for (let id = 1; id <= 8; id++) await get(`/item/${id}`);
  else await get('/items?ids=1,2,3,4,5,6,7,8');
  res.json({ ok: true });
});

// Sequential fan-out: four independent services one after another (planted) or together (clean).
app.get('/fanout', async (req, res) => {
  const names = ['price', 'stock', 'tax', 'shipping'];
  if (planted) for (const n of names) await get(`/svc/${n}`);
  else await Promise.all(names.map(n => get(`/svc/${n}`)));
  res.json({ ok: true });
});

app.get('/locked', async (req, res) => {
  if (planted) {
    const release = await lock();
    setTimeout(release, 60);
  }
  await tracer.startActiveSpan('UPDATE stock', { kind: 2 /* CLIENT */, attributes: { 'db.system': 'sqlite', 'db.statement': 'UPDATE stock SET n = n - 1 WHERE item = 7' } }, async span => {
    if (lockHeld) span.addEvent('Waiting for lock behind 1 transaction', { 'db.lock': 'stock row 7' });
    const release = await lock();
    await sleep(1);
    release();
    span.end();
  });
  res.json({ ok: true });
});

// Retries with exponential backoff (20, 40 ms) against a dependency that fails twice (planted) or never (clean).
app.get('/retry', async (req, res) => {
  let delay = 20;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await get(`/flaky?key=${req.query.key}`) === 200) break;
    await sleep(delay);
    delay *= 2;
  }
  res.json({ ok: true });
});

// A worker pool: 9 calls, at most 3 at a time (planted) or all at once (clean).
app.get('/pool', async (req, res) => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const workers = planted ? 3 : 9;
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) await get(`/work/${id}`);
  }));
  res.json({ ok: true });
});

app.get('/item/:id', async (req, res) => { await sleep(4); res.json({ id: req.params.id }); });
app.get('/items', async (req, res) => { await sleep(5); res.json({ ids: req.query.ids }); });
app.get('/svc/:name', async (req, res) => { await sleep(30); res.json({ name: req.params.name }); });
app.get('/work/:id', async (req, res) => { await sleep(30); res.json({ id: req.params.id }); });
app.get('/flaky', async (req, res) => {
  const n = flaky.get(req.query.key) ?? 0;
  flaky.set(req.query.key, n + 1);
  await sleep(5);
  if (planted && n < 2) res.status(503).json({ error: 'dependency overloaded' });
  else res.json({ ok: true });
});

const server = app.listen(0, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  console.log(`listening on ${server.address().port}`);
});
process.once('SIGTERM', () => server.close());
