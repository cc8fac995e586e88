#!/usr/bin/env node
// The MCP server's costs, on bench/gen-trace.mjs traces, in one run:
//   first answer   process start → initialize → get_trace_summary answered, for `spanscope mcp FILE` over stdio,
//                  vs `spanscope summary FILE` (process start → exit) on the same 100 000-span file. Goal ≤ 2×.
//   output size    characters (and ~tokens at 4 characters each) of every tool's default answer on 1k/10k/100k-span
//                  traces; the budget is 8000 tokens.
// Times are medians of --runs (default 3).   node bench/mcp.mjs [--sizes 1000,10000,100000] [--runs N]
// Needs dist/cli.js (npm run bench:mcp builds it first).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { arg, root } from './common.mjs';
import { generateTrace, traceIdFor } from './gen-trace.mjs';

const cli = join(root, 'dist', 'cli.js');
const SIZES = (arg('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(arg('--runs') ?? 3);
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'spanscope-bench-mcp-'));
const files = new Map();
for (const n of SIZES) {
  const f = join(dir, `trace-${n}.json`);
  writeFileSync(f, JSON.stringify(generateTrace({ n, seed: 1, format: 'otlp' })));
  files.set(n, { file: f, traceId: traceIdFor(n, 1) });
}

function runCli(file) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [cli, 'summary', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', code => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`summary exited ${code}`))));
  });
}

async function session(file) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', file], stderr: 'inherit' });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return client;
}

async function firstAnswer(file, traceId) {
  const t0 = performance.now();
  const client = await session(file);
  const r = await client.callTool({ name: 'get_trace_summary', arguments: { traceId } });
  const ms = performance.now() - t0;
  if (r.isError) throw new Error(r.content[0].text);
  await client.close();
  return ms;
}

try {
  const biggest = Math.max(...SIZES);
  const { file, traceId } = files.get(biggest);
  const cliTimes = [], mcpTimes = [];
  for (let i = 0; i < RUNS; i++) {
    cliTimes.push(await runCli(file));
    mcpTimes.push(await firstAnswer(file, traceId));
  }
  const c = median(cliTimes), m = median(mcpTimes);
  console.log(`time to first answer, ${biggest} spans (median of ${RUNS}):`);
  console.log(`  spanscope summary FILE               ${c.toFixed(0).padStart(6)} ms`);
  console.log(`  spanscope mcp FILE → get_trace_summary ${m.toFixed(0).padStart(4)} ms   ${(m / c).toFixed(2)}× (goal ≤ 2×)`);

  console.log('\noutput size per tool (characters / ~tokens; budget 8000 tokens):');
  const header = ['tool'.padEnd(22), ...SIZES.map(n => `${n} spans`.padStart(22))].join('');
  console.log(header);
  const rows = new Map();
  for (const n of SIZES) {
    const { file: f, traceId: id } = files.get(n);
    const client = await session(f);
    const a = (await client.callTool({ name: 'get_trace_topology', arguments: { traceId: id, limit: 1 } }));
    const rootSpan = JSON.parse(a.content[0].text).spans[0].spanId;
    // a file the trace's spans record, so that the latency answer has something in it
    const located = JSON.parse((await client.callTool({ name: 'get_code_locations', arguments: { traceId: id, limit: 1 } })).content[0].text);
    const codeFile = located.spans[0]?.recorded?.file ?? 'none';
    const calls = [
      ['list_sources', {}], ['get_services', {}], ['search_traces', {}], ['get_trace_summary', { traceId: id }],
      ['get_trace_topology', { traceId: id }], ['get_critical_path', { traceId: id }], ['get_span_details', { traceId: id, spanIds: [rootSpan] }],
      ['get_trace_errors', { traceId: id }], ['get_findings', { traceId: id }], ['get_code_locations', { traceId: id }],
      ['get_latency_for_code', { file: codeFile }], ['compare_traces', { traceIdA: id, traceIdB: id }],
    ];
    for (const [name, args] of calls) {
      const r = await client.callTool({ name, arguments: args });
      const text = r.content[0].text;
      const truncated = !r.isError && JSON.parse(text).truncated === true;
      const cell = `${text.length} / ${Math.ceil(text.length / 4)}${truncated ? ' (cut)' : ''}${r.isError ? ' ERROR' : ''}`;
      if (!rows.has(name)) rows.set(name, []);
      rows.get(name).push(cell);
    }
    await client.close();
  }
  for (const [name, cells] of rows) console.log([name.padEnd(22), ...cells.map(x => x.padStart(22))].join(''));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
