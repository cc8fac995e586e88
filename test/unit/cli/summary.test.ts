// The `summary` command as a user or a CI job runs it: the built CLI (`node dist/cli.js`, built by scripts/test.mjs)
// for standard input and the first, documented answer; files and arguments in process (test/support/cli.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_FIXTURES, PROJECT_ROOT } from '../../support/paths';
import { parseTraceDocument } from '../../../src/core/parse/index';
import { encodeOtlpProtobuf } from '../../../src/core/otlp/proto';
import { runCliInProcess } from '../../support/cli';
import { assertFields } from '../../support/assert';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
if (!existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
const FIXTURE = join(OWN_FIXTURES, 'cli', 'propagation.otlp.json');

interface Run { readonly code: number | null; readonly out: string; readonly err: string }

/** `spanscope summary` as a process, `stdin` on its standard input. */
function runProcess(args: string[], stdin?: string | Uint8Array): Run {
  const r = spawnSync(process.execPath, [CLI, 'summary', ...args], { input: stdin ?? '', encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `spanscope summary`: in process, unless it reads standard input. */
async function run(args: string[], stdin?: string | Uint8Array): Promise<Run> {
  return stdin === undefined ? runCliInProcess(['summary', ...args]) : runProcess(args, stdin);
}

function assertOneLineError(r: Run, pattern: RegExp) {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '');
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.err}`);
  assert.match(lines[0]!, /^spanscope summary: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.err, /\n\s+at |Error:/, 'no stack trace');
}

test('summary prints the documented JSON, traces in order of first appearance', () => {
  const r = runProcess([FIXTURE]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const { traces } = JSON.parse(r.out);
  assert.deepEqual(traces.map((t: { traceId: string }) => t.traceId), ['5b8efff798038103d269b633813fc60c', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']);
  const [t, w] = traces;
  assert.deepEqual(Object.keys(t), ['traceId', 'spanCount', 'serviceCount', 'rootCount', 'orphanCount', 'duplicateSpanIdCount', 'errorCount', 'durationUs', 'criticalPath', 'codeLocationCount', 'findings']);
  assertFields(t, {
    spanCount: 4, serviceCount: 2, rootCount: 2, orphanCount: 0, errorCount: 1, durationUs: 100_000, codeLocationCount: 2,
    criticalPath: ['1000000000000001', '1000000000000002'],
  });
  const kinds = t.findings.map((f: { kind: string; spanId: string }) => `${f.kind}:${f.spanId}`);
  assert.deepEqual(kinds, ['client-without-server:1000000000000002', 'error-origin:2000000000000001']);
  assert.match(t.findings[0].message, /calls cart-service/);
  assertFields(w, { orphanCount: 1, rootCount: 0 });
  assert.equal(w.findings[0].kind, 'orphan');
});

test('reads standard input with -, takes --format and --skew (both spellings)', async () => {
  const a = await run(['-', '--format', 'otlp', '--skew=adjust'], readFileSync(FIXTURE, 'utf8'));
  assert.equal(a.code, 0, a.err);
  assert.equal(JSON.parse(a.out).traces.length, 2);
});

test('--help documents the command', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /usage: spanscope summary <file\|-> \[--format .*\] \[--skew raw\|adjust\]/);
  assert.match(r.out, /criticalPath/);
});

test('bad input exits 2 with one line saying what and where', async () => {
  assertOneLineError(await run(['-'], '{"resourceSpans": [ {"resource": '), /not valid JSON|truncated|end of/i);
  assertOneLineError(await run(['-'], 'hello'), /.+/);
  assertOneLineError(await run(['-'], ''), /empty/);
  assertOneLineError(await run(['-'], '{"foo": 1}'), /unknown trace format.*"foo"/);
  assertOneLineError(await run(['-'], '{"data": 5}'), /\$/);
  assertOneLineError(await run(['-', '--format', 'yaml']), /unknown format "yaml"/);
  assertOneLineError(await run(['-', '--skew', 'sideways']), /unknown skew mode/);
  assertOneLineError(await run([join(OWN_FIXTURES, 'does-not-exist.json')]), /cannot read .*does-not-exist\.json.*no such file/);
  assertOneLineError(await run([]), /missing input/);
  assertOneLineError(await run(['a', 'b']), /unexpected argument b/);
  assertOneLineError(await run(['--frobnicate', 'x']), /unknown option --frobnicate/);
});

test('one bad span among good ones: the good ones are summarised and a warning names the bad one', async () => {
  const doc = {
    data: [{
      traceID: '0000000000000001', processes: { p1: { serviceName: 'a', tags: [] } }, spans: [
        { traceID: '0000000000000001', spanID: '0000000000000001', operationName: 'ok', references: [], startTime: 1, duration: 2, processID: 'p1', tags: [], logs: [] },
        { traceID: '0000000000000001', spanID: '0000000000000002', operationName: 'bad', references: [], startTime: 'soon', duration: 2, processID: 'p1', tags: [], logs: [] },
      ],
    }],
  };
  const r = await run(['-'], JSON.stringify(doc));
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).traces[0].spanCount, 1);
  assert.match(r.err, /^spanscope summary: warning: .*\$\.data\[0\]\.spans\[1\]/m);
});

test('OTLP protobuf input (auto-detected and --format otlp-proto) gives the same summary as its JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-cli-'));
  try {
    const pb = join(dir, 'trace.pb');
    writeFileSync(pb, encodeOtlpProtobuf(parseTraceDocument(readFileSync(FIXTURE)).traces));
    const fromJson = JSON.parse((await run([FIXTURE])).out);
    for (const args of [[pb], [pb, '--format', 'otlp-proto']]) {
      const r = await run(args);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), fromJson);
    }
    assertOneLineError(await run(['-', '--format', 'otlp-proto'], new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), /.+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('summary findings carry kind, severity, spanId, spanIds, message and savingUs (documented in --help)', async () => {
  const r = await run([join(PROJECT_ROOT, 'test', 'corpus', 'findings', 'go-shop', 'capture-planted.json')]);
  assert.equal(r.code, 0, r.err);
  const findings = (JSON.parse(r.out) as { traces: { findings: Record<string, unknown>[] }[] }).traces.flatMap(t => t.findings);
  const chain = findings.find(f => f.kind === 'sequential-chain') ?? assert.fail(JSON.stringify(findings, null, 1));
  assert.deepEqual(Object.keys(chain), ['kind', 'severity', 'spanId', 'spanIds', 'message', 'savingUs']);
  assert.equal((chain.spanIds as string[]).length, 4);
  assert.equal((chain.spanIds as string[])[0], chain.spanId);
  assert.ok((chain.savingUs as number) > 85_000, String(chain.savingUs));
  assert.ok(['high', 'medium', 'low'].includes(chain.severity as string));
  const help = (await runCliInProcess(['summary', '--help'])).out;
  for (const word of ['"severity"', '"spanIds"', '"savingUs"', 'bottleneck', 'retry', 'concurrency-limit', 'n-plus-one', 'sequential-chain']) assert.ok(help.includes(word), word);
});
