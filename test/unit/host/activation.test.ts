// Activation stays cheap: loading dist/extension.js and running `activate` does not load the heavy bundle
// (dist/extension-lazy.js: parsers, protobuf, gRPC, the receiver), which comes in on first use.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { Uri } from '../../support/host/fakeVscode';
// @ts-expect-error plain JS module without types
import { generateTrace } from '../../../bench/gen-trace.mjs';

test('activate loads only the main bundle; the lazy bundle loads on first use', async () => {
  const main = join(PROJECT_ROOT, 'dist', 'extension.js');
  const lazy = join(PROJECT_ROOT, 'dist', 'extension-lazy.js');
  const req = createRequire(main);
  const t0 = performance.now();
  const ext = req(main) as { activate(ctx: unknown): { receiver: { initialize(): Promise<void> } }; deactivate(): void };
  const ctx = fakeVscode.newContext();
  fakeVscode.settings.set('spanscope.receiver.autoStart', 'never');
  const api = ext.activate(ctx);
  const ms = performance.now() - t0;
  assert.equal(req.cache[lazy], undefined, 'activate loaded dist/extension-lazy.js');
  // The message schemas (zod, a third of the main bundle when it was in it) load with the lazy bundle.
  assert.ok(!readFileSync(main, 'utf8').includes('node_modules/zod/'), 'zod is in dist/extension.js');
  assert.ok(readFileSync(lazy, 'utf8').includes('node_modules/zod/'), 'the check above looks for the wrong marker');
  console.log(`# require + activate ${ms.toFixed(0)} ms; main bundle ${(statSync(main).size / 1024).toFixed(0)} KiB, lazy bundle ${(statSync(lazy).size / 1024).toFixed(0)} KiB (development build)`);
  await api.receiver.initialize();
  assert.ok(req.cache[lazy], 'the receiver did not load the lazy bundle');
  for (const d of ctx.subscriptions.reverse()) d.dispose();
  ext.deactivate();
  fakeVscode.settings.delete('spanscope.receiver.autoStart');
});

test('the built bundles open a large trace file through the worker thread (dist/extension-lazy.js + dist/parse-worker.js)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-big-'));
  const file = join(dir, 'big.json');
  writeFileSync(file, JSON.stringify(generateTrace({ n: 6000, seed: 3, format: 'otlp' })));
  assert.ok(statSync(file).size > 2 * 1024 * 1024, 'the file must be above the worker threshold');
  const main = join(PROJECT_ROOT, 'dist', 'extension.js');
  const ext = createRequire(main)(main) as { activate(ctx: unknown): { traces: { active?: { compact: { spanCount: number } } } }; deactivate(): void };
  const ctx = fakeVscode.newContext();
  fakeVscode.settings.set('spanscope.receiver.autoStart', 'never');
  try {
    const api = ext.activate(ctx);
    const t0 = performance.now();
    await fakeVscode.commands.get('spanscope.openInSpanscope')!(Uri.file(file));
    console.log(`# opened a ${(statSync(file).size / 1048576).toFixed(1)} MB, 6000-span OTLP file through the worker in ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(api.traces.active?.compact.spanCount, 6000, `no trace opened; messages: ${JSON.stringify(fakeVscode.messages.slice(-2))}`);
  } finally {
    for (const d of ctx.subscriptions.reverse()) d.dispose();
    ext.deactivate();
    fakeVscode.settings.delete('spanscope.receiver.autoStart');
    rmSync(dir, { recursive: true, force: true });
  }
});
