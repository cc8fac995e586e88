// `node dist/cli.js receive … --out DIR` → real SDK exports → DIR/<traceId>.json → `node dist/cli.js summary`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PROJECT_ROOT } from '../../support/paths';
import { emitThroughSdk } from './sdk';
import { modelTrace, post, protoBody, traceIdOf } from './payloads';
import { parseTraceDocument } from '../../../src/core/parse/index';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly httpUrl: string;
  readonly stdoutLines: string[];
  readonly exited: Promise<number | null>;
}

async function startReceive(args: string[], env: NodeJS.ProcessEnv = process.env, stderrLines: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'receive', '--port', '0', '--no-grpc', ...args], { cwd: PROJECT_ROOT, env });
  const stdoutLines: string[] = [];
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    stdoutLines.push(...lines);
  });
  running.add(child);
  const exited = new Promise<number | null>(resolve => child.on('exit', code => { running.delete(child); resolve(code); }));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      stderrLines.push(...c.toString().split('\n').filter(Boolean));
      const m = /OTLP\/HTTP (http:\/\/\S+\/v1\/traces)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', code => reject(new Error(`receive exited ${code}: ${err}`)));
  });
  return { child, httpUrl, stdoutLines, exited };
}

/** Children still running when a test ends (a failed assertion) are killed, so the run never hangs on them. */
const running = new Set<ChildProcessWithoutNullStreams>();
after(() => { for (const c of running) c.kill('SIGKILL'); });

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

const PROTO = { 'content-type': 'application/x-protobuf' };

function spansInFile(file: string): string[] {
  return parseTraceDocument(readFileSync(file), { format: 'otlp' }).traces.flatMap(t => t.spans.map(s => s.spanId)).sort();
}

test('receive --out loses nothing: late spans for an evicted trace are merged into its file; a trace evicted before completing is written first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-receive-'));
  try {
    // One trace in memory at a time, so each new trace evicts the one before.
    const r = await startReceive(['--out', dir, '--idle-ms', '200', '--max-traces', '1', '--parse-threads', '0']);
    const a = modelTrace(50, 8);
    const fileA = join(dir, `${traceIdOf(50)}.json`);
    assert.equal((await post(r.httpUrl, protoBody([{ ...a, spans: a.spans.slice(0, 3) }]), PROTO)).status, 200);
    await waitFor(() => existsSync(fileA));
    assert.equal(spansInFile(fileA).length, 3);
    // B evicts A (already completed and written); then 5 late spans of A arrive and evict B before B completes.
    const fileB = join(dir, `${traceIdOf(51)}.json`);
    assert.equal((await post(r.httpUrl, protoBody([modelTrace(51, 4)]), PROTO)).status, 200);
    assert.equal((await post(r.httpUrl, protoBody([{ ...a, spans: a.spans.slice(3) }]), PROTO)).status, 200);
    // B was written when it was evicted, before that request was answered.
    assert.equal(spansInFile(fileB).length, 4);
    await waitFor(() => r.stdoutLines.filter(l => l.includes(traceIdOf(50))).length >= 2);
    assert.deepEqual(spansInFile(fileA), a.spans.map(s => s.spanId).sort(), '3 + 5 late spans, all in the file');
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 0);
    assert.ok(r.stdoutLines.some(l => l.includes(traceIdOf(51)) && /evicted before completing/.test(l)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('receive reads its token from --token-file or SPANSCOPE_RECEIVER_TOKEN; --token warns that ps shows it; a token with a space works', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-receive-'));
  try {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'file token with spaces\n');
    const body = protoBody([modelTrace(60)]);
    const fromFile = await startReceive(['--token-file', tokenFile]);
    assert.equal((await post(fromFile.httpUrl, body, PROTO)).status, 401);
    assert.equal((await post(fromFile.httpUrl, body, { ...PROTO, authorization: 'Bearer file token with spaces' })).status, 200);
    fromFile.child.kill('SIGTERM');
    assert.equal(await fromFile.exited, 0);

    const stderr: string[] = [];
    const fromEnv = await startReceive([], { ...process.env, SPANSCOPE_RECEIVER_TOKEN: 'env-token' }, stderr);
    assert.equal((await post(fromEnv.httpUrl, body, { ...PROTO, authorization: 'Bearer env-token' })).status, 200);
    assert.ok(!stderr.some(l => /deprecated/.test(l)));
    fromEnv.child.kill('SIGTERM');
    assert.equal(await fromEnv.exited, 0);

    const flagStderr: string[] = [];
    const fromFlag = await startReceive(['--token', 'flag-token'], process.env, flagStderr);
    assert.ok(flagStderr.some(l => /--token is deprecated.*ps/.test(l)), flagStderr.join('\n'));
    assert.equal((await post(fromFlag.httpUrl, body, { ...PROTO, authorization: 'Bearer flag-token' })).status, 200);
    fromFlag.child.kill('SIGTERM');
    assert.equal(await fromFlag.exited, 0);

    const bad = spawnSync(process.execPath, [CLI, 'receive', '--port', '0', '--no-grpc'], { encoding: 'utf8', env: { ...process.env, SPANSCOPE_RECEIVER_TOKEN: 'a\nb' } });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /control character/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
