// Activation stays cheap: loading dist/extension.js and running `activate` does not load the heavy bundle
// (dist/extension-lazy.js: parsers, protobuf, gRPC, the receiver), which comes in on first use.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';

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
  console.log(`# require + activate ${ms.toFixed(0)} ms; main bundle ${(statSync(main).size / 1024).toFixed(0)} KiB, lazy bundle ${(statSync(lazy).size / 1024).toFixed(0)} KiB (development build)`);
  await api.receiver.initialize();
  assert.ok(req.cache[lazy], 'the receiver did not load the lazy bundle');
  for (const d of ctx.subscriptions.reverse()) d.dispose();
  ext.deactivate();
  fakeVscode.settings.delete('spanscope.receiver.autoStart');
});
