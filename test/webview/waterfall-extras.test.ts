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

  test('dropping a file sends its bytes; a URI list sends only file/vscode-remote URIs', async () => {
    const { page, log, close } = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}`);
    try {
      const dropped = () => page.evaluate(() => (window as unknown as { __harness: { received: { message: { type: string; name?: string; bytes?: Uint8Array; uris?: string[] } }[] } }).__harness.received
        .map(r => r.message).filter(m => m.type.startsWith('openDropped'))
        .map(m => (m.bytes ? { type: m.type, name: m.name, text: new TextDecoder().decode(m.bytes), isU8: m.bytes instanceof Uint8Array } : m)));
      const drop = (files: { name: string; text: string }[], uriList?: string) => page.evaluate(([fs, ul]) => {
        const dt = new DataTransfer();
        for (const f of fs) dt.items.add(new File([f.text], f.name, { type: 'application/json' }));
        if (ul !== undefined) dt.setData('text/uri-list', ul);
        const target = document.querySelector('[role=tree]')!;
        const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
        target.dispatchEvent(over);
        const accepted = over.defaultPrevented;
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        return accepted;
      }, [files, uriList] as const);
      assert.equal(await drop([{ name: 'orders.json', text: '{"resourceSpans":[]}' }]), true, 'dragover is accepted (the drop is allowed)');
      await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.some(r => r.message.type === 'openDroppedFile'));
      assert.deepEqual(await dropped(), [{ type: 'openDroppedFile', name: 'orders.json', text: '{"resourceSpans":[]}', isU8: true }]);
      assert.match(await page.locator('[data-testid=toast]').innerText(), /Opening orders\.json/);
      await drop([], '# a comment\r\nfile:///home/me/trace.json\r\nhttps://evil.example/x.json\r\nvscode-remote://ssh-remote%2Bbox/t.json\r\n');
      assert.deepEqual((await dropped()).slice(1), [{ type: 'openDroppedUris', uris: ['file:///home/me/trace.json', 'vscode-remote://ssh-remote%2Bbox/t.json'] }]);
      assert.match(await page.locator('[data-testid=toast]').innerText(), /refused https:\/\/evil\.example\/x\.json/);
      await drop([], 'javascript:alert(1)\r\n');
      assert.equal((await dropped()).length, 2, 'nothing is sent for a list without file URIs');
      assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
    } finally { await close(); }
  });
});
