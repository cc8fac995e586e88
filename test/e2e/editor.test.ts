// Issue 7 in real VS Code (code-server): a trace recorded under /app/ whose code.* attributes (new names in one
// service, old in another) need the workspace's path mapping shows its latency on the right lines — gutter marks,
// the inline text, CodeLens and the hover — and the side panel's trees list its spans and hot spots, whose
// click lands on the right line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandTitle, findView, focusViewCommand } from '../support/e2e/contributions';
import { E2E_TEST, withWorkbench } from '../support/e2e/session';
import { poll } from '../support/e2e/workbench';
import { annotationTexts } from '../support/e2e/editor';

const openInSpanscope = commandTitle('spanscope.openInSpanscope');
const hotSpots = findView(/hotspots/);
const spans = findView(/^spanscope\.spans$/);

test('the mapped trace shows on the right lines: inline text, CodeLens, hover, trees, jumps', {
  ...E2E_TEST,
  skip: E2E_TEST.skip || (!openInSpanscope || !hotSpots || !spans ? 'contributions not there yet' : false),
}, t => withWorkbench(t, { workspace: 'code-mapping' }, async s => {
  await s.wb.openFile('traces/mapped.otlp.json');
  await s.wb.runCommand(openInSpanscope!);
  await s.wb.frameWithText('SELECT orders', 30_000);

  // The status bar names the active trace.
  await s.wb.waitForStatusBar(/gateway: GET \/checkout · 100 ms/, 15_000);

  await s.wb.openFile('src/orders.js');
  // Inline text after line 7 (place order, 40 of 100 ms) and line 12 (two SELECTs, one failed).
  const texts = await poll(async () => {
    const a = await annotationTexts(s);
    return a.length >= 2 ? a : undefined;
  }, 20_000, 'inline annotations in orders.js');
  t.diagnostic(JSON.stringify(texts));
  const at = (code: string) => texts.find(x => x.line.includes(code))?.text;
  assert.equal(at("tx.insert('orders'"), '40 ms · 40% · 1 call');
  assert.equal(at('SELECT * FROM orders'), '40 ms · 40% · 2 calls · 1 error');
  await s.flowScreenshot('editor-inline');

  // CodeLens above the functions (or the lines, without a symbol provider).
  const lenses = await poll(async () => {
    const l = await s.page.locator('.part.editor .codelens-decoration').allInnerTexts();
    return l.some(x => x.includes('p95')) ? l : undefined;
  }, 30_000, 'CodeLens in orders.js');
  assert.ok(lenses.some(l => l.includes('p50 40 ms · p95 40 ms · 1 span')), lenses.join(' / '));
  assert.ok(lenses.some(l => l.includes('p50 10 ms · p95 30 ms · 2 spans · 1 error')), lenses.join(' / '));

  // The hover on line 12: its spans, with links to the waterfall and the span details.
  // On a word of the code (the line's middle can be past its end, where no hover comes); a hover that did not come
  // (the mouse arrived while the editor was still busy) is asked for again by moving away and back, as a user would.
  const word = s.page.locator('.part.editor .view-line', { hasText: 'SELECT * FROM orders' }).first().locator('span > span', { hasText: /^query$/ }).first();
  let hovered = 0;
  const hover = await poll(async () => {
    const h = await s.page.locator('.monaco-hover').allInnerTexts();
    const ours = h.find(x => x.includes('SELECT orders'));
    if (ours) return ours;
    if (hovered++ % 30 === 0) { await s.page.mouse.move(0, 0); await word.hover(); }
    return undefined;
  }, 20_000, 'the hover of line 12');
  for (const expected of ['orders', '30 ms', '10 ms', 'error', 'Open in waterfall', 'Show span details']) assert.ok(hover.includes(expected), `hover lacks ${expected}: ${hover}`);
  await s.page.keyboard.press('Escape');

  // Spans tree of the active trace.
  await s.wb.runCommand(focusViewCommand(spans!));
  const spanRows = await poll(async () => {
    const r = await s.wb.viewRows(spans!.name);
    return r.some(x => x.includes('SELECT orders')) ? r : undefined;
  }, 15_000, 'rows of the Spans view');
  for (const name of ['GET /checkout', 'place order', 'SELECT orders']) assert.ok(spanRows.some(r => r.includes(name)), `${name} not in ${spanRows.join(' / ')}`);

  // Hot spots by self time; a click opens the file at the line.
  await s.wb.runCommand(focusViewCommand(hotSpots!));
  const rows = await poll(async () => {
    const r = await s.wb.viewRows(hotSpots!.name);
    return r.some(x => x.includes('orders.js:12')) ? r : undefined;
  }, 15_000, 'rows of the Hot Spots view');
  assert.ok(rows.findIndex(r => r.includes('gateway.js:4')) < rows.findIndex(r => r.includes('orders.js:12')), rows.join(' / '));
  await s.wb.view(hotSpots!.name).locator('.monaco-list-row', { hasText: 'gateway.js:4' }).first().click();
  await s.wb.waitForStatusBar(/Ln 4, Col 1/, 15_000);
  await s.flowScreenshot('editor-annotations');
}));
