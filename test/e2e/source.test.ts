// Issue 8 flow 2: "Go to source" on a span opens the mapped file at the mapped line (status bar "Ln X, Col 1").
// The trace was recorded in a container (/app/shop/…); the workspace is the demo shop's source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandTitle } from '../support/e2e/contributions';
import { E2E_TEST, withWorkbench } from '../support/e2e/session';
import { waitForRows, waterfallFrame } from '../support/e2e/waterfall';

const openInSpanscope = commandTitle('spanscope.openInSpanscope');

test('flow 2: Go to source on a span recorded under /app/shop opens the workspace file at its line', {
  ...E2E_TEST,
  skip: E2E_TEST.skip || (!openInSpanscope && !process.env.CI ? 'Open in Spanscope is not contributed yet' : false),
}, t => withWorkbench(t, {
  workspace: 'demo-shop',
  files: { 'test/e2e/workspaces/basic/traces/checkout.otlp.json': 'traces/checkout.otlp.json' },
}, async s => {
  const lineOf = (file: string, code: string) => readFileSync(join(s.workspace, file), 'utf8').split('\n').findIndex(l => l.includes(code)) + 1;
  await s.wb.openFile('traces/checkout.otlp.json');
  await s.wb.runCommand(openInSpanscope!);
  await s.wb.pickQuickInput('gateway: GET /checkout');
  const frame = await waterfallFrame(s.wb, 'charge card');
  await waitForRows(frame, rows => rows.length === 18, '18 rows');

  // Old attribute names (orders): code.filepath /app/shop/orders.js, code.lineno of the charge card span.
  await frame.locator('[role="treeitem"][aria-label^="orders charge card "]').dblclick();
  const chargeLine = lineOf('orders.js', "startActiveSpan('charge card'");
  await s.wb.waitForStatusBar(new RegExp(`Ln ${chargeLine}, Col 1`), 15_000);
  await s.page.locator('.tabs-container .tab.active', { hasText: 'orders.js' }).waitFor({ timeout: 5000 });
  t.diagnostic(`orders.js:${chargeLine}`);
  await s.flowScreenshot('go-to-source');

  // New attribute names (inventory): code.file.path /app/shop/inventory.js.
  await s.page.locator('.tabs-container .tab', { hasText: 'gateway: GET /checkout' }).first().click();
  const again = await waterfallFrame(s.wb, 'charge card');
  await again.locator('[role="treeitem"][aria-label^="inventory reserve stock "]').dblclick();
  const reserveLine = lineOf('inventory.js', "startActiveSpan('reserve stock'");
  await s.wb.waitForStatusBar(new RegExp(`Ln ${reserveLine}, Col 1`), 15_000);
  await s.page.locator('.tabs-container .tab.active', { hasText: 'inventory.js' }).waitFor({ timeout: 5000 });
  assert.ok(reserveLine > 0 && chargeLine > 0);
}));
