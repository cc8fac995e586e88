// The packaged extension in real VS Code (code-server): a trace file opened in the editor shows in the waterfall.
// It checks no time, so unlike activation.test.ts it shares the machine with other test files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandTitle } from '../support/e2e/contributions';
import { E2E_TEST, withWorkbench } from '../support/e2e/session';

const openInSpanscope = commandTitle('spanscope.openInSpanscope');
test('a trace file opened in the editor shows in the waterfall with its rows', {
  ...E2E_TEST,
  skip: E2E_TEST.skip || (openInSpanscope ? false : 'spanscope.openInSpanscope is not contributed yet'),
}, t => withWorkbench(t, { workspace: 'basic' }, async s => {
  await s.wb.openFile('traces/checkout.otlp.json');
  await s.wb.runCommand(openInSpanscope!);
  // The file holds two traces (the checkout, and the shipping call that lost its context): pick the checkout.
  await s.wb.pickQuickInput('gateway: GET /checkout');
  // The checkout trace: gateway → orders → inventory, its rows named by operation.
  const frame = await s.wb.frameWithText('charge card', 30_000);
  const text = await frame.evaluate(() => document.body.innerText);
  for (const expected of ['gateway', 'orders', 'inventory', 'SELECT orders', 'reserve stock', 'order.created process', 'GET /checkout']) {
    assert.ok(text.includes(expected), `waterfall lacks "${expected}":\n${text.slice(0, 2000)}`);
  }
  await s.flowScreenshot('waterfall-file');
}));
