#!/usr/bin/env node
// npm run bench:stream — the whole trace against the parse floor, in one run (the goal: at most 1.5× transfer plus a bare JSON.parse). A loopback HTTP server
// serves a bench/gen-trace.mjs document; per size, interleaved, medians of --runs:
//   floor        fetch the body (transfer) + one bare JSON.parse of its text: the least any JSON viewer must do
//   first        fetch + StreamingPrepare (what the parse worker and the webview harness run) → first partial trace
//   whole        … → the whole trace prepared (parse + analysis + compact encoding), no second pass over the bytes
//   ratio        whole / floor (goal ≤ 1.5)
// Usage: node --import tsx bench/stream.mjs [--sizes=10000,50000,100000] [--runs=3] [--format=jaeger|otlp]
import { createServer } from 'node:http';
import { generateTrace } from './gen-trace.mjs';
import { StreamingPrepare } from '../src/worker/prepare.ts';

const arg = (name, dflt) => { const a = process.argv.find(x => x.startsWith(`--${name}=`)); return a ? a.split('=')[1] : dflt; };
const SIZES = arg('sizes', '10000,50000,100000').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const FORMAT = arg('format', 'jaeger');
const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

const bodies = new Map();
const server = createServer((req, res) => {
  const body = bodies.get(req.url);
  if (!body) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
await new Promise(ok => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

async function floor(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = new TextDecoder().decode(await res.arrayBuffer());
  JSON.parse(text);
  return performance.now() - t0;
}

async function streamed(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  let first = 0;
  const prep = new StreamingPrepare({ expectedBytes: Number(res.headers.get('content-length')), onPartial: () => { if (!first) first = performance.now() - t0; } });
  for await (const chunk of res.body) prep.write(chunk);
  const doc = prep.finish();
  const whole = performance.now() - t0;
  return { first: first || whole, whole, spans: doc.traces[0].compact.spanCount };
}

console.log(`node ${process.version}; ${FORMAT}; medians of ${RUNS}; ratio = whole / (transfer + JSON.parse), same run`);
for (const n of SIZES) {
  const body = Buffer.from(JSON.stringify(generateTrace({ n, seed: 1, format: FORMAT })));
  const url = `/t${n}`;
  bodies.set(url, body);
  await floor(base + url); await streamed(base + url); // warm up
  const f = [], w = [], fr = [], ratios = [];
  for (let r = 0; r < RUNS; r++) {
    globalThis.gc?.();
    const a = await floor(base + url);
    globalThis.gc?.();
    const b = await streamed(base + url);
    if (b.spans !== n) throw new Error(`read ${b.spans} spans of ${n}`);
    f.push(a); w.push(b.whole); fr.push(b.first); ratios.push(b.whole / a);
  }
  console.log(`${String(n).padStart(7)} spans, ${(body.length / 1e6).toFixed(1)} MB: floor ${median(f).toFixed(0)} ms, first rows' trace ${median(fr).toFixed(0)} ms, whole ${median(w).toFixed(0)} ms, ratio ${median(ratios).toFixed(2)} (goal ≤ 1.5)`);
  bodies.delete(url);
}
server.close();
