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
  let keysUrl: string;
  before(async () => {
    rig = await startRig();
    sampleUrl = rig.harness.addDocument(otlpDocument(sampleSpecs()));
    keysUrl = rig.harness.addDocument(otlpDocument([{ id: '00000000000000c1', name: 'consume', service: 'worker', startMs: 0, durMs: 12, attrs: {
      'messaging.destination.partition.id': '7', 'http.request.header.x-forwarded-for': '10.0.0.1', 'db.statement': 'SELECT 1',
      'thread.name': 'main', 'code.function.name': 'handleOrderCreatedMessage',
    } }]));
  });
  after(async () => { await rig?.close(); });

  test('details and toolbar read cleanly: a scope without attributes is just its heading, keys wrap only between words, the search placeholder fits', async t => {
    const { page, log } = await rig.openTrace(t, keysUrl, { viewport: { width: 900, height: 700 } });
    await page.locator('[role=treeitem]').first().click();
    const d = page.locator('[data-testid=details]');
    await d.waitFor();
    // The scope heading is there, with no "None" under it.
    const scope = d.locator('.attr-group', { has: page.locator('h4', { hasText: /^Scope test-scope/ }) });
    assert.equal(await scope.count(), 1);
    assert.equal(await scope.locator('p', { hasText: 'None' }).count(), 0);
    // Make the key column narrow, then check where each key's lines start: only after . _ - / : or at its start.
    await page.locator('.details-pane').evaluate(el => { (el as HTMLElement).style.width = '260px'; });
    const breaks = await d.locator('.attr-table th').evaluateAll(ths => ths.map(th => {
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      const chars: { ch: string; top: number }[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        for (let k = 0; k < text.length; k++) {
          const r = document.createRange();
          r.setStart(n, k);
          r.setEnd(n, k + 1);
          chars.push({ ch: text[k]!, top: Math.round(r.getBoundingClientRect().top) });
        }
      }
      const key = chars.map(c => c.ch).join('');
      const lineStarts = chars.map((c, k) => (k > 0 && c.top > chars[k - 1]!.top ? k : -1)).filter(k => k > 0);
      return { key, after: lineStarts.map(k => chars[k - 1]!.ch), lines: lineStarts.length + 1 };
    }));
    assert.ok(breaks.some(b => b.lines > 1), `some key wraps at this width (else this proves nothing): ${JSON.stringify(breaks)}`);
    for (const b of breaks) assert.deepEqual(b.after.filter(ch => !/[._/:-]/.test(ch)), [], `${b.key} wraps mid-word`);
    // The search box's placeholder is shown whole at this width.
    const fit = await page.locator('[data-testid=search]').evaluate(el => {
      const input = el as HTMLInputElement;
      const cs = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
      const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return { need: ctx.measureText(input.placeholder).width, room, placeholder: input.placeholder };
    });
    assert.ok(fit.need <= fit.room, `placeholder "${fit.placeholder}" needs ${fit.need.toFixed(0)} px, has ${fit.room.toFixed(0)}`);
    assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
  });

  test('setFilter from the host fills the search box and applies it (dim, then hide)', async t => {
    const { page, log } = await rig.openTrace(t, sampleUrl);
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
  });

  test('dropping a file sends its bytes; a URI list sends only file/vscode-remote URIs', async t => {
    const { page, log } = await rig.openTrace(t, sampleUrl);
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
  });

  test('span table: an ARIA grid; arrows, Home/End move a visible focus, Enter selects (details), Shift+Enter opens source', async t => {
    const { page, log } = await rig.openTrace(t, sampleUrl);
    await page.click('[role=tab]:has-text("Span table")');
    const grid = page.locator('[role=grid]');
    assert.equal(await grid.getAttribute('aria-rowcount'), '7');
    await grid.focus();
    const active = async () => page.locator(`#${await grid.getAttribute('aria-activedescendant')}`);
    assert.equal(await (await active()).getAttribute('aria-rowindex'), '2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const row = await active();
    assert.match(await row.innerText(), /SELECT cart/);                 // sorted by duration: 120, 60, 50 ms
    assert.equal(await row.evaluate(el => getComputedStyle(el).outlineStyle), 'solid');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('[data-testid=details] .d-title').innerText(), /SELECT cart/);
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    await page.keyboard.press('End');
    assert.match(await (await active()).innerText(), /orphan\.work/);
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.some(r => r.message.type === 'openSource'));
    assert.equal(await page.locator('[role=grid] [role=gridcell]').first().isVisible(), true);
    assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
  });

  test('flame graph: rectangles are labelled buttons; arrows walk the tree and depths, Enter selects, focus is visible', async t => {
    const { page, log } = await rig.openTrace(t, sampleUrl);
    await page.click('[role=tab]:has-text("Flame graph")');
    const rects = page.locator('[data-testid=flame] button.flame-rect');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=flame] button.flame-rect').length === 6);
    assert.equal(await page.locator('[data-testid=flame] button.flame-rect[tabindex="0"]').count(), 1, 'one tab stop');
    const labels = await rects.evaluateAll(els => els.map(e => e.getAttribute('aria-label')));
    assert.ok(labels.includes('payments: payment.charge, 40 ms, depth 2, error'), labels.join(' | '));
    await page.locator('[data-testid=flame] button.flame-rect[tabindex="0"]').focus();
    // The focus moves with the render that follows the key: wait for the next frame before reading it.
    const focused = () => page.evaluate(() => new Promise<string>(r => requestAnimationFrame(() => r(document.activeElement?.getAttribute('aria-label') ?? ''))));
    assert.match(await focused(), /^frontend: GET \/checkout/);
    await page.keyboard.press('ArrowDown');
    assert.match(await focused(), /^auth: auth\.verify/);
    await page.keyboard.press('ArrowRight');
    assert.match(await focused(), /^cart: cart\.load/);
    await page.keyboard.press('ArrowDown');
    assert.match(await focused(), /^db: SELECT cart/);
    assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    assert.match(await focused(), /^payments: payment\.charge/);
    await page.keyboard.press('Enter');
    assert.match(await page.locator('[data-testid=details] .d-title').innerText(), /payment\.charge/);
    assert.equal(await page.locator('[data-testid=flame] button.flame-rect[aria-pressed=true]').getAttribute('aria-label'), 'payments: payment.charge, 40 ms, depth 2, error');
    assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
  });
});
