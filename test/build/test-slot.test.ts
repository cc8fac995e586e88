// scripts/test-slot.mjs: with files running several at a time, a file marked `// Runs alone:` shares the machine
// with no other test file, and the others still run side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../support/paths';

test('a file that runs alone overlaps no other file; the others overlap each other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-slot-test-'));
  try {
    const log = join(dir, 'log');
    const body = (name: string): string => `import test from 'node:test';
import { appendFileSync } from 'node:fs';
test(${JSON.stringify(name)}, async () => {
  appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(name)} + ' start ' + Date.now() + '\\n');
  await new Promise(r => setTimeout(r, 700));
  appendFileSync(${JSON.stringify(log)}, ${JSON.stringify(name)} + ' end ' + Date.now() + '\\n');
});
`;
    // The one that runs alone is in the middle of the order, so that it has to wait for files already running.
    const names = ['a', 'b', 'alone', 'c', 'd'];
    for (const n of names) writeFileSync(join(dir, `${n}.test.mjs`), (n === 'alone' ? '// Runs alone: this test\n' : '') + body(n));
    // A run of its own (its own lock files; not a child of this test run as far as node:test is concerned).
    const env: NodeJS.ProcessEnv = { ...process.env, SPANSCOPE_TEST_SLOTS: join(dir, 'slots') };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(PROJECT_ROOT, 'scripts', 'test-slot.mjs')).href, '--test', '--test-concurrency=3',
      ...names.map(n => join(dir, `${n}.test.mjs`))], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const span = new Map<string, [number, number]>();
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      const [name, what, at] = line.split(' ') as [string, string, string];
      const s = span.get(name) ?? [0, 0];
      s[what === 'start' ? 0 : 1] = Number(at);
      span.set(name, s);
    }
    assert.equal(span.size, names.length);
    const overlap = (x: [number, number], y: [number, number]): boolean => x[0] < y[1] && y[0] < x[1];
    const alone = span.get('alone')!;
    for (const n of names) if (n !== 'alone') assert.ok(!overlap(alone, span.get(n)!), `${n} ran beside the file that runs alone: ${JSON.stringify(Object.fromEntries(span))}`);
    // And the lock is not a queue for everyone: some of the others ran side by side.
    const others = names.filter(n => n !== 'alone').map(n => span.get(n)!);
    assert.ok(others.some((x, i) => others.some((y, j) => i !== j && overlap(x, y))), `no two files overlapped: ${JSON.stringify(Object.fromEntries(span))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
