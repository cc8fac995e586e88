#!/usr/bin/env node
// The parsers' share of the core budget (an analysed trace within 2.0× a bare JSON.parse), on bench/gen-trace.mjs
// traces, in one run:
//   JSON.parse     bare JSON.parse of the text (baseline)
//   parse          parseTraceDocument(text): detect + JSON.parse + zod + normalize into the model
//   extra          parse − JSON.parse, as a ratio of JSON.parse (target ≤ 0.6 at 100k: building the tree and
//                  the analysis need the rest of the 2.0× budget)
//   heap           retained heap of the ParseResult vs the bare JSON.parse result (target ≤ 0.9)
//   proto          parseTraceDocument(OTLP protobuf bytes of the same trace) vs the OTLP JSON path (target ≤ 1.0)
// Times are medians.   node --expose-gc bench/parse.mjs [--sizes 1000,100000] [--runs N] [--formats jaeger,otlp]
import { arg, bundleCore, median, requireGc, retainedBytes } from './common.mjs';
import { generateTrace } from './gen-trace.mjs';

const SIZES = (arg('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const FORMATS = (arg('--formats') ?? 'jaeger,otlp').split(',');
const RUNS = arg('--runs') ? Number(arg('--runs')) : undefined;
requireGc('npm run bench:parse does');

// Bundle the TypeScript core as the extension does (same minification-free esbuild output).
const { parseTraceDocument, encodeOtlpProtobuf } = await bundleCore('parse-bench', {
  parseTraceDocument: 'src/core/parse/index.ts',
  encodeOtlpProtobuf: 'src/core/otlp/proto.ts',
});

const now = () => performance.now();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const mb = n => (n / 1048576).toFixed(1) + ' MB';
const ms = n => n.toFixed(1) + ' ms';

console.log(`node ${process.version}; medians; extra = (parse − JSON.parse) / JSON.parse`);
for (const n of SIZES) {
  const runs = RUNS ?? (n >= 100000 ? 5 : n >= 10000 ? 9 : 25);
  for (const format of FORMATS) {
    const text = JSON.stringify(generateTrace({ n, seed: 1, format }));
    // warm up both paths
    for (let i = 0; i < (n >= 100000 ? 1 : 3); i++) { JSON.parse(text); parseTraceDocument(text); }
    // Interleaved so that both see the same machine load (the box is shared); medians of each and of the ratios.
    // CPU time of this process (user+system) too: on a shared, loaded machine wall time mostly measures the others.
    const tj = [], tp = [], cj = [], cp = [];
    for (let r = 0; r < runs; r++) {
      globalThis.gc(); let c0 = cpu(); let t0 = now(); JSON.parse(text); tj.push(now() - t0); cj.push(cpu() - c0);
      globalThis.gc(); c0 = cpu(); t0 = now(); parseTraceDocument(text); tp.push(now() - t0); cp.push(cpu() - c0);
    }
    const tJson = median(tj), tParse = median(tp);
    const extraRatio = median(tp.map((t, i) => (t - tj[i]) / tj[i]));
    const extraCpu = median(cp.map((t, i) => (t - cj[i]) / cj[i]));
    const hJson = retainedBytes(() => JSON.parse(text));
    const hModel = retainedBytes(() => parseTraceDocument(text));
    const spans = parseTraceDocument(text).traces.reduce((a, t) => a + t.spans.length, 0);
    let line = `${format.padEnd(6)} ${String(n).padStart(6)} spans (${spans}), ${mb(text.length)} text: JSON.parse ${ms(tJson)}, parse ${ms(tParse)}, ` +
      `extra ${extraRatio.toFixed(2)} wall, ${extraCpu.toFixed(2)} cpu (target ≤ 0.60), total ${(1 + extraRatio).toFixed(2)}×; ` +
      `heap model ${mb(hModel)} vs JSON.parse ${mb(hJson)} = ${(hModel / hJson).toFixed(2)} (target ≤ 0.90)`;
    if (format === 'otlp') {
      const bytes = encodeOtlpProtobuf(parseTraceDocument(text).traces);
      parseTraceDocument(bytes);
      const tb = [], tj2 = [], cb = [], cj2 = [];
      for (let r = 0; r < runs; r++) {
        globalThis.gc(); let c0 = cpu(); let t0 = now(); parseTraceDocument(bytes); tb.push(now() - t0); cb.push(cpu() - c0);
        globalThis.gc(); c0 = cpu(); t0 = now(); parseTraceDocument(text); tj2.push(now() - t0); cj2.push(cpu() - c0);
      }
      const protoRatio = median(tb.map((t, i) => t / tj2[i]));
      const protoCpu = median(cb.map((t, i) => t / cj2[i]));
      line += `; proto ${mb(bytes.length)} decode ${ms(median(tb))} = ${protoRatio.toFixed(2)} wall, ${protoCpu.toFixed(2)} cpu of the OTLP JSON path (target ≤ 1.0)`;
    }
    console.log(line);
  }
}
