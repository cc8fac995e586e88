// Host-driven search, dropped files and keyboard use of the table and flame views, in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CHROMIUM_SKIP } from '../support/chromium';
import { otlpDocument, sampleSpecs } from '../support/webview-builders';
import { startRig, totalRows } from './support';
import type { Rig } from './support';

const hostPost = (page: Page, message: unknown) =>
  page.evaluate(m => (window as unknown as { __harness: { post(m: unknown): void } }).__harness.post(m), message);

describe('waterfall webview: host filter, drops, keyboard', { skip: CHROMIUM_SKIP, timeout: 120_000 }, () => {
  let rig: Rig;
  let sampleUrl: string;
  before(async () => {
    rig = await startRig();
    sampleUrl = rig.harness.addDocument(otlpDocument(sampleSpecs()));
  });
  after(async () => { await rig?.close(); });

  test('setFilter from the host fills the search box and applies it (dim, then hide)', async () => {
    const { page, log, close } = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}`);
    try {
      await hostPost(page, { type: 'setFilter', text: 'service=db' });
      const search = page.locator('[data-testid=search]');
      await page.waitForFunction(() => (document.querySelector('[data-testid=search]') as HTMLInputElement).value === 'service=db');
      assert.equal(await page.locator('[data-testid=match-count]').innerText(), '1 match');
      assert.equal(await totalRows(page), 6, 'dim keeps every row');
      await hostPost(page, { type: 'setFilter', text: 'duration>45ms', mode: 'hide' });
      await page.waitForFunction(() => (document.querySelector('[data-testid=search]') as HTMLInputElement).value === 'duration>45ms');
      assert.equal(await totalRows(page), 3);
      assert.equal(await page.isChecked('text=Hide others'), true);
      // An invalid message (oversized text) is dropped and logged, the box keeps its text.
      await hostPost(page, { type: 'setFilter', text: 'x'.repeat(2000) });
      await page.waitForTimeout(50);
      assert.equal(await search.inputValue(), 'duration>45ms');
      assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
    } finally { await close(); }
  });
});
