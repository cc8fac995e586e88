// A big document is drawn from its preview (the spans read from its first bytes) while the rest is read, then the
// whole replaces it in place: the header says what is shown, and what the user did meanwhile (selection, collapse)
// is kept.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CHROMIUM_SKIP } from '../support/chromium';
import { PARTIAL_MIN_BYTES } from '../../src/worker/prepare';
import { startRig, totalRows } from './support';
import type { Rig } from './support';

// 20,000 generated spans in Jaeger JSON are about 21 MB: over the preview threshold.
const N = 20_000;
type H = { __harness: { preview?: { spanCount: number; totalSpans: number }; prepared?: { spanCount: number; bytes: number }; releaseWhole(): void; received: { message: { type: string; level?: string; text?: string } }[] } };
const harnessOf = (page: Page) => page.evaluate(() => { const h = (window as unknown as H).__harness; return { preview: h.preview, prepared: h.prepared }; });
const header = async (page: Page) => (await page.locator('[data-testid=header]').innerText()).replace(/\s+/g, ' ');

describe('waterfall webview: preview of a big document, then the whole', { skip: CHROMIUM_SKIP, timeout: 180_000 }, () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
    rig.harness.warm(N, 7, 'jaeger');
  });
  after(async () => { await rig?.close(); });

  test('the preview is drawn first and says so; the whole replaces it keeping selection and collapse', async () => {
    const { page, log, close } = await rig.open(`?n=${N}&seed=7&holdWhole=1`);
    try {
      const h = await harnessOf(page);
      assert.ok(h.preview, 'a preview was sent');
      const { spanCount: shown, totalSpans: estimated } = h.preview;
      assert.ok(shown > 6 && shown < N, `${shown} spans from the first bytes`);
      // The total is estimated from the bytes read so far and the document's size.
      assert.ok(estimated > shown && Math.abs(estimated - N) < N * 0.5, `estimated ${estimated} of ${N}`);
      assert.match(await header(page), new RegExp(`showing the first ${shown.toLocaleString('en-US')} of ${estimated.toLocaleString('en-US')} spans`));
      assert.equal(await totalRows(page), shown);
      // What the user does with the preview: collapse the root's first child, select a row further down.
      await page.locator('[role=treeitem][data-pos="1"] .twisty').click();
      await page.locator('[role=treeitem][data-pos="6"]').click();
      const selected = await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id');
      const collapsed = await page.locator('[role=treeitem][data-pos="1"]').getAttribute('data-span-id');
      assert.ok(selected && collapsed);

      await page.evaluate(() => (window as unknown as H).__harness.releaseWhole());
      await page.waitForFunction(() => performance.getEntriesByName('spanscope:whole').length > 0, null, { timeout: 60_000 });
      await page.waitForSelector('[data-testid=partial]', { state: 'detached' });
      assert.match(await header(page), new RegExp(`${N.toLocaleString('en-US')}\\s+spans`));
      assert.equal(await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id'), selected);
      assert.equal(await page.locator(`[role=treeitem][data-span-id="${collapsed}"]`).getAttribute('aria-expanded'), 'false');
      assert.ok(await totalRows(page) > shown, 'the whole has more rows than the preview');
      const marks = await page.evaluate(() => ['spanscope:first-rows', 'spanscope:whole'].map(m => performance.getEntriesByName(m)[0]!.startTime));
      assert.ok(marks[0]! < marks[1]!, 'first rows came before the whole');
      assert.deepEqual(log.filter(l => l.startsWith('pageerror') || l.includes('dropped')), []);
    } finally { await close(); }
  });

  test('a restored state waits for the whole when the preview does not hold its spans', async () => {
    const { page, close } = await rig.open(`?n=${N}&seed=7&preview=0`);
    try {
      assert.equal((await harnessOf(page)).preview, undefined, '?preview=0: no preview');
      assert.equal(await page.locator('[data-testid=partial]').count(), 0);
      // Select the last row (a span the preview does not hold), then reload: the preview comes first.
      const total = await totalRows(page);
      await page.locator('[role=treeitem][data-pos="0"]').click();
      await page.keyboard.press('End');
      await page.locator(`[role=treeitem][data-pos="${total - 1}"]`).click();
      await page.waitForSelector('[role=treeitem][aria-selected=true]');
      const selected = await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id');
      await page.waitForTimeout(400);                                       // persistence is debounced
      await page.goto(page.url().replace('preview=0', 'holdWhole=1'));
      await page.waitForSelector('[data-testid=partial]');
      assert.equal(await page.locator('[role=treeitem][aria-selected=true]').count(), 0, 'the preview does not hold the selected span');
      await page.evaluate(() => (window as unknown as H).__harness.releaseWhole());
      await page.waitForSelector('[data-testid=partial]', { state: 'detached', timeout: 60_000 });
      await page.waitForSelector('[role=treeitem][aria-selected=true]');
      assert.equal(await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id'), selected);
    } finally { await close(); }
  });

  test('the threshold: smaller documents are drawn whole at once', async () => {
    assert.ok(PARTIAL_MIN_BYTES > 2.5 * 1024 * 1024);
    const { page, close } = await rig.open('?n=2000&seed=7');
    try {
      assert.equal((await harnessOf(page)).preview, undefined);
      assert.equal(await totalRows(page), 2000);
    } finally { await close(); }
  });
});
