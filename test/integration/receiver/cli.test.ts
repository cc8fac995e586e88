// `node dist/cli.js receive … --out DIR` → real SDK exports → DIR/<traceId>.json → `node dist/cli.js summary`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PROJECT_ROOT } from '../../support/paths';
import { emitThroughSdk } from './sdk';
import { modelTrace, post, protoBody } from './payloads';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly httpUrl: string;
  readonly stdoutLines: string[];
  readonly exited: Promise<number | null>;
}

async function startReceive(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'receive', '--port', '0', '--no-grpc', ...args], { cwd: PROJECT_ROOT });
  const stdoutLines: string[] = [];
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    stdoutLines.push(...lines);
  });
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /OTLP\/HTTP (http:\/\/\S+\/v1\/traces)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', code => reject(new Error(`receive exited ${code}: ${err}`)));
  });
  return { child, httpUrl, stdoutLines, exited };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 20));
  }
}

test('receive --out writes each completed trace as OTLP JSON that summary reads; SIGTERM exits 0', async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (scripts/test.mjs builds first)');
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-receive-'));
  try {
    const r = await startReceive(['--out', dir, '--idle-ms', '300']);
    const sent = await emitThroughSdk(new OTLPTraceExporter({ url: r.httpUrl, compression: 'gzip' as never }), 3);
    const traceIds = [...new Set(sent.spans.map(s => s.spanContext().traceId))];
    await waitFor(() => r.stdoutLines.length >= 3);
    for (const id of traceIds) {
      const line = r.stdoutLines.find(l => l.includes(id));
      assert.ok(line, `a line for ${id}`);
      assert.match(line, /"conformance-svc GET \/orders\/\d" spans=7 errors=2 duration=\d+\.\dms -> /);
      const file = join(dir, `${id}.json`);
      assert.ok(existsSync(file));
      const summary = spawnSync(process.execPath, [CLI, 'summary', file], { encoding: 'utf8' });
      assert.equal(summary.status, 0, summary.stderr);
      const json = JSON.parse(summary.stdout) as { traces: { traceId: string; spanCount: number; errorCount: number }[] };
      assert.equal(json.traces.length, 1);
      assert.equal(json.traces[0]!.traceId, id);
      assert.equal(json.traces[0]!.spanCount, 7);
    }
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGINT flushes traces that are still open and exits 0; bad usage exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-receive-'));
  try {
    // This run parses on the serving thread; the one above uses the parse worker beside dist/cli.js.
    const r = await startReceive(['--out', dir, '--idle-ms', '600000', '--parse-threads', '0']);
    assert.equal((await post(r.httpUrl, protoBody([modelTrace(41, 4)]), { 'content-type': 'application/x-protobuf' })).status, 200);
    assert.deepEqual(readdirSync(dir), []);
    r.child.kill('SIGINT');
    assert.equal(await r.exited, 0);
    assert.deepEqual(readdirSync(dir), [`${modelTrace(41).traceId}.json`]);
    assert.equal(r.stdoutLines.length, 1);
    assert.match(r.stdoutLines[0]!, /spans=4 errors=0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = spawnSync(process.execPath, [CLI, 'receive', '--port', 'x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a whole number/);
  const help = spawnSync(process.execPath, [CLI, 'receive', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: spanscope receive/);
});
