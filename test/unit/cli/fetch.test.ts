// `spanscope fetch --timeout` bounds the whole fetch: a server that sends a byte every 300 ms (every gap shorter than
// any idle timeout) is given up at the deadline with one line on stderr and exit code 4. Runs the built CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
if (!existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });

test('fetch --timeout 1000 against a server trickling a byte every 300 ms ends at the deadline', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    const t = setInterval(() => res.write(' '), 300);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const t0 = Date.now();
    // The child is killed after 20 s so that a hang fails the test instead of stalling the run.
    const child = spawn(process.execPath, [CLI, 'fetch', '4bf92f3577b34da6a3ce929d0e0e4736', '--backend', `jaeger=${url}`, '--timeout', '1000'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(r => child.on('close', (code, signal) => r({ code, signal })));
    const took = Date.now() - t0;
    assert.equal(signal, null, `killed after ${took} ms: the fetch did not end by itself`);
    assert.equal(code, 4, stderr);
    assert.ok(requests >= 1, 'the backend was asked');
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
    assert.match(stderr, /^spanscope fetch: no backend delivered 4bf92f3577b34da6a3ce929d0e0e4736 within 1000 ms \(--timeout\)$/m);
    assert.ok(took < 10_000, `took ${took} ms`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>(r => server.close(() => r()));
  }
});
