// The real webview bundle in headless Chromium, inside the harness that plays the extension host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROMIUM_SKIP } from '../support/chromium';
import { otlpDocument, sampleSpecs, treeSpecs } from '../support/webview-builders';
import { received, rowCount, startRig, totalRows } from './support';
import type { Rig } from './support';

describe('waterfall webview', { skip: CHROMIUM_SKIP, timeout: 120_000 }, () => {
  let rig: Rig;
  let sampleUrl: string;
  let treeUrl: string;
  let edgeUrl: string;
  before(async () => {
    rig = await startRig();
    // Bars that touch the timeline's left edge, its right edge, or both (the cases whose labels were cut off).
    edgeUrl = rig.harness.addDocument(otlpDocument([
      { id: '00000000000000e1', name: 'GET /slow', service: 'frontend', startMs: 0, durMs: 270 },
      { id: '00000000000000e2', parent: '00000000000000e1', name: 'nearly.all', service: 'api', startMs: 0, durMs: 268 },
      { id: '00000000000000e3', parent: '00000000000000e1', name: 'at.start', service: 'api', startMs: 0.5, durMs: 2 },
      { id: '00000000000000e4', parent: '00000000000000e1', name: 'at.end', service: 'db', startMs: 262, durMs: 8 },
      { id: '00000000000000e5', parent: '00000000000000e1', name: 'middle', service: 'db', startMs: 100, durMs: 50 },
      { id: '00000000000000e6', parent: '00000000000000e1', name: 'late.long', service: 'db', startMs: 20, durMs: 250 },
    ]));
    sampleUrl = rig.harness.addDocument(otlpDocument(sampleSpecs()));
    treeUrl = rig.harness.addDocument(otlpDocument(treeSpecs(6, 5)));  // 1 + 6 + 36 + 216 + 1296 = 1555 spans
  });
  after(async () => { await rig?.close(); });

  test('renders rows as an ARIA tree after the ready handshake, with only a window of rows in the DOM', async t => {
    const { page, log } = await rig.openTrace(t, treeUrl);
    const msgs = await received(page);
    assert.equal(msgs[0]?.type, 'ready', 'the webview speaks first');
    const sent = await page.evaluate(() => (window as unknown as { __harness: { sent: { message: { type: string } }[] } }).__harness.sent.map(s => s.message.type));
    assert.deepEqual(sent, ['init']);
    assert.equal(await page.locator('[role=tree]').count(), 1);
    assert.equal(await totalRows(page), 1555);
    const inDom = await rowCount(page);
    assert.ok(inDom > 30 && inDom < 250, `rows in DOM: ${inDom}`);
    const first = page.locator('[role=treeitem]').first();
    assert.equal(await first.getAttribute('aria-level'), '1');
    assert.equal(await first.getAttribute('aria-expanded'), 'true');
    assert.match(await page.locator('[data-testid=header]').innerText(), /1,555\s+spans/);
    // Every row has the same fixed height.
    const heights = await page.$$eval('[role=treeitem]', els => [...new Set(els.map(e => e.getBoundingClientRect().height))]);
    assert.deepEqual(heights, [24]);
    // Rows carry the offsets of the flat row array; scrolling far draws the rows there.
    await page.locator('[data-testid=rows]').evaluate(el => { el.scrollTop = 24 * 1000; });
    await page.waitForSelector('[role=treeitem][data-pos="1000"]');
    // Row nodes are reused in place, so their DOM order is a rotation of the row order; the accessibility tree
    // (what a screen reader walks) must still list the tree items in row order.
    const labels = await page.$$eval('[role=treeitem]', els => ({
      dom: els.map(e => e.getAttribute('aria-label')),
      rows: [...els].sort((a, b) => Number((a as HTMLElement).dataset.pos) - Number((b as HTMLElement).dataset.pos)).map(e => e.getAttribute('aria-label')),
    }));
    assert.notDeepEqual(labels.dom, labels.rows, 'after a long scroll the DOM order is rotated (else this check proves nothing)');
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: { nodeId: string; role?: { value: string }; name?: { value: string }; childIds?: string[] }[] };
    const byId = new Map(nodes.map(n => [n.nodeId, n]));
    const axItems: string[] = [];
    const walk = (id: string): void => {
      const n = byId.get(id);
      if (!n) return;
      if (n.role?.value === 'treeitem') { axItems.push(n.name?.value ?? ''); return; }
      for (const c of n.childIds ?? []) walk(c);
    };
    walk(nodes.find(n => n.role?.value === 'tree')!.nodeId);
    assert.deepEqual(axItems, labels.rows);
    assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
  });

  test('collapse and expand: a row, all, to depth N', async t => {
    const { page } = await rig.openTrace(t, treeUrl);
    const second = page.locator('[role=treeitem][data-pos="1"]');
    await second.locator('.twisty').click();
    assert.equal(await second.getAttribute('aria-expanded'), 'false');
    assert.equal(await totalRows(page), 1555 - 258);
    await page.click('[data-testid=collapse-all]');
    assert.equal(await totalRows(page), 1);
    assert.equal(await page.locator('[role=treeitem]').first().getAttribute('aria-expanded'), 'false');
    await page.click('[data-testid=expand-all]');
    assert.equal(await totalRows(page), 1555);
    await page.selectOption('select[aria-label="Expand to depth"]', '2');
    assert.equal(await totalRows(page), 7);
    await page.selectOption('select[aria-label="Expand to depth"]', '3');
    assert.equal(await totalRows(page), 43);
  });

  test('search: free text, key=value, duration, status; count, next with Enter, hide others', async t => {
    const { page } = await rig.openTrace(t, sampleUrl);
    const search = page.locator('[data-testid=search]');
    const count = page.locator('[data-testid=match-count]');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search');
    await page.keyboard.type('cart');
    assert.equal(await count.innerText(), '2 matches');             // cart.load, SELECT cart (name + statement)
    assert.equal(await page.locator('.row.match').count(), 2);
    assert.ok(await page.locator('.row.dim').count() >= 3);
    await search.fill('status=error');
    assert.equal(await count.innerText(), '1 match');
    await search.fill('user=alice');
    assert.equal(await count.innerText(), '1 match');
    await search.fill('duration>45ms');
    assert.equal(await count.innerText(), '3 matches');              // 120, 60, 50 ms
    await search.fill('service=db');
    assert.equal(await count.innerText(), '1 match');
    await search.fill('00000000000000a5');
    assert.equal(await count.innerText(), '1 match');
    await search.press('Enter');
    assert.match(await page.locator('[data-testid=details] .d-title').innerText(), /payment\.charge/);
    await search.fill('duration>45ms');
    await page.check('text=Hide others');
    assert.equal(await totalRows(page), 3);
    await search.press('Escape');
    assert.equal(await search.inputValue(), '');
    assert.equal(await totalRows(page), 6);
  });

  test('duration labels are always whole and inside the timeline, at any width and zoom', async () => {
    for (const width of [1600, 900, 620]) {
      const { page, log, close } = await rig.open(`?trace=${encodeURIComponent(edgeUrl)}`, { viewport: { width, height: 600 } });
      try {
        const check = async (when: string): Promise<void> => {
          const found = await page.$$eval('[role=treeitem]', rows => rows.map(r => {
            const cell = r.querySelector('.timeline-cell')!.getBoundingClientRect();
            const dur = r.querySelector('.dur') as HTMLElement;
            const d = dur.getBoundingClientRect();
            return { label: r.getAttribute('aria-label') ?? '', text: dur.textContent ?? '', left: d.left, right: d.right, cellLeft: cell.left, cellRight: cell.right };
          }));
          assert.equal(found.length, 6);
          for (const f of found) {
            // The label's text is the duration in the row's accessible name, and it is drawn entirely in the cell.
            assert.ok(f.text && f.label.includes(` ${f.text}`), `${when}: label "${f.text}" of "${f.label}"`);
            assert.ok(f.left >= f.cellLeft && f.right <= f.cellRight + 0.5, `${width}px ${when}: "${f.text}" of "${f.label}" drawn at ${f.left.toFixed(1)}–${f.right.toFixed(1)}, timeline ${f.cellLeft.toFixed(1)}–${f.cellRight.toFixed(1)}`);
          }
        };
        await check('whole trace');
        // Zoomed in on the middle: the long bars now overflow both edges.
        await page.locator('[role=tree]').focus();
        await page.keyboard.press('+');
        await page.waitForFunction(() => document.querySelector('.row .bar') !== null && (document.querySelector('[role=treeitem] .bar') as HTMLElement).style.left === '0%');
        await check('zoomed in');
        assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
      } finally { await close(); }
    }
  });

  test('keyboard: arrows, Home/End, Left collapses and goes to the parent, focus is visible', async t => {
    const { page } = await rig.openTrace(t, treeUrl);
    const tree = page.locator('[role=tree]');
    await tree.focus();
    const active = () => tree.getAttribute('aria-activedescendant');
    const first = await active();
    assert.ok(first);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await active();
    assert.equal(await page.locator(`#${third}`).getAttribute('data-pos'), '2');
    const outline = await page.locator(`#${third}`).evaluate(el => getComputedStyle(el).outlineStyle);
    assert.equal(outline, 'solid');
    await page.keyboard.press('ArrowLeft');                          // collapse (it has children)
    assert.equal(await page.locator(`#${third}`).getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('ArrowLeft');                          // to the parent
    assert.equal(await page.locator(`#${await active()}`).getAttribute('data-pos'), '1');
    await page.keyboard.press('End');
    const last = await totalRows(page);
    assert.equal(await page.locator(`#${await active()}`).getAttribute('data-pos'), String(last - 1));
    await page.keyboard.press('Home');
    assert.equal(await page.locator(`#${await active()}`).getAttribute('data-pos'), '0');
    await page.keyboard.press('PageDown');
    assert.ok(Number(await page.locator(`#${await active()}`).getAttribute('data-pos')) > 20);
    await page.keyboard.press(' ');
    assert.equal(await page.locator('[data-testid=details]').count(), 1);
  });

  test('keyboard as in VS Code lists: arrows move the selection and the details follow, Space toggles, Enter opens source, type-to-find', async t => {
    const { page, log } = await rig.openTrace(t, sampleUrl);
    const tree = page.locator('[role=tree]');
    await tree.focus();
    const selectedName = () => page.locator('[role=treeitem][aria-selected=true] .op').innerText();
    const detailsTitle = async () => (await page.locator('[data-testid=details]').innerText()).split('\n')[0];
    await page.keyboard.press('Home');
    assert.equal(await selectedName(), 'GET /checkout');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    // The selection (not just a focus ring) moved two rows down, and the details pane shows that span.
    assert.equal(await selectedName(), 'cart.load');
    assert.equal(await tree.getAttribute('aria-activedescendant'), await page.locator('[role=treeitem][aria-selected=true]').getAttribute('id'));
    await page.waitForFunction(() => /cart\.load/.test(document.querySelector('[data-testid=details]')?.textContent ?? ''));
    assert.match(await detailsTitle() ?? '', /cart\.load/);
    // Space collapses and expands the selected row's subtree.
    const cart = page.locator('[role=treeitem]', { hasText: 'cart.load' });
    await page.keyboard.press(' ');
    assert.equal(await cart.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press(' ');
    assert.equal(await cart.getAttribute('aria-expanded'), 'true');
    // Type-to-find: "pa" selects payment.charge; End and Home still go to the ends.
    await page.keyboard.type('pa');
    assert.equal(await selectedName(), 'payment.charge');
    // "/" from the tree still goes to the search box (it is not taken as a type-to-find letter).
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search');
    assert.equal(await selectedName(), 'payment.charge');
    await tree.focus();
    await page.keyboard.press('End');
    assert.equal(await selectedName(), 'orphan.work');
    await page.keyboard.press('PageUp');
    assert.equal(await selectedName(), 'GET /checkout');
    // Enter opens the selected span's code.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.some(r => r.message.type === 'openSource'));
    const open = (await received(page)).find(m => m.type === 'openSource') as unknown as { location: { filePath: string } };
    assert.equal(open.location.filePath, '/app/src/checkout.ts');
    assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
  });

  test('the focused row is clearly outlined in light, dark and high contrast themes', async () => {
    for (const theme of ['light', 'dark', 'hc']) {
      const { page, close } = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}&theme=${theme}`);
      try {
        await page.locator('[role=tree]').focus();
        await page.keyboard.press('ArrowDown');
        const style = await page.locator('[role=treeitem][aria-selected=true]').evaluate(el => {
          const cs = getComputedStyle(el);
          return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor, bg: cs.backgroundColor, page: getComputedStyle(document.body).backgroundColor };
        });
        assert.equal(style.style, 'solid', theme);
        assert.ok(style.width >= 1, theme);
        // A transparent row background shows the page's.
        const bg = /rgba\(.*,\s*0\)$/.test(style.bg) ? style.page : style.bg;
        const lum = (c: string) => {
          const [r, g, b] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number).map(v => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const [a, b] = [lum(style.color), lum(bg)].sort((x, y) => y - x);
        const ratio = (a! + 0.05) / (b! + 0.05);
        // WCAG's 3:1 for focus indicators and other non-text contrast.
        assert.ok(ratio >= 3, `${theme}: focus outline ${style.color} on ${bg}: contrast ${ratio.toFixed(2)}`);
      } finally { await close(); }
    }
  });

  test('details: fields, grouped attributes, events, exception frames, links', async t => {
    const { page } = await rig.openTrace(t, sampleUrl);
    await page.locator('[role=treeitem]', { hasText: 'payment.charge' }).click();
    const d = page.locator('[data-testid=details]');
    const text = await d.innerText();
    assert.match(text, /payment\.charge/);
    assert.match(text, /Service\s+payments/);
    assert.match(text, /error: card declined/);
    assert.match(text, /Resource/);
    assert.match(text, /host\.name/);
    assert.match(text, /Scope test-scope 1\.0/);
    assert.match(text, /exception/);
    assert.equal(await d.locator('button.frame').count(), 2);
    assert.equal(await d.locator('[data-testid=open-link]').count(), 1);
    // Attribute filter.
    await d.locator('.attr-filter').fill('host');
    assert.equal(await d.locator('.attr-group').first().locator('tr').count(), 0);
    // The details pane resizes with the splitter.
    const before = await page.locator('.details-pane').evaluate(el => el.getBoundingClientRect().width);
    const box = (await page.locator('.splitter').boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x - 98, box.y + 100);
    await page.mouse.up();
    const afterW = await page.locator('.details-pane').evaluate(el => el.getBoundingClientRect().width);
    assert.ok(Math.abs(afterW - before - 100) < 3, `${before} → ${afterW}`);
  });

  test('jump to source: the button, Enter on a row and a stack frame send openSource; a failure is shown', async () => {
    const { page, close } = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}`);
    try {
      await page.locator('[role=treeitem]', { hasText: 'GET /checkout' }).click();
      await page.click('[data-testid=go-to-source]');
      await page.locator('[role=tree]').focus();
      await page.keyboard.press('Enter');
      await page.locator('[role=treeitem]', { hasText: 'payment.charge' }).click();
      await page.locator('button.frame').first().click();
      await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.filter(r => r.message.type === 'openSource').length === 3);
      const opens = (await received(page)).filter(m => m.type === 'openSource');
      assert.deepEqual(opens[0], { type: 'openSource', id: opens[0]!.id, spanId: '00000000000000a1', location: { filePath: '/app/src/checkout.ts', line: 42, column: 7 } });
      assert.deepEqual(opens[1]?.location, { filePath: '/app/src/checkout.ts', line: 42, column: 7 });
      assert.deepEqual(opens[2]?.location, { filePath: '/app/src/payment.ts', line: 17, column: 9 });
      assert.notEqual(opens[0]!.id, opens[1]!.id);
    } finally { await close(); }
    const failing = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}&sourceFails=1`);
    try {
      await failing.page.locator('[role=treeitem]', { hasText: 'GET /checkout' }).click();
      await failing.page.click('[data-testid=go-to-source]');
      await failing.page.waitForFunction(() => document.querySelector('[data-testid=toast]')?.textContent?.includes('file not found'));
    } finally { await failing.close(); }
  });

  test('a span without code.* that the host mapped: Go to source is enabled and asks for the mapped place', async t => {
    const { page } = await rig.openTrace(t, sampleUrl);
    await page.locator('[role=treeitem]', { hasText: 'auth.verify' }).click();
    const button = page.locator('.details [data-testid=go-to-source]');
    assert.equal(await button.count(), 0, 'no mapping yet: no button, the reason instead');
    // The host mapped span 1 (auth.verify) by its name (the extension sends this after mapping the trace).
    await page.evaluate(() => (window as unknown as { __harness: { post(m: unknown): void } }).__harness.post({ type: 'mapping', mapping: { workspaceSpans: [1], currentFileSpans: [] } }));
    await button.waitFor();
    assert.equal(await button.isDisabled(), false);
    await button.click();
    await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.some(r => r.message.type === 'openSource'));
    const open = (await received(page)).find(m => m.type === 'openSource')!;
    assert.deepEqual(open, { type: 'openSource', id: open.id, spanId: '00000000000000a2' });
  });

  test('state (selection, collapse, scroll, query, tab) survives a reload', async t => {
    const { page } = await rig.openTrace(t, treeUrl);
    await page.locator('[role=treeitem][data-pos="1"] .twisty').click();
    await page.locator('[data-testid=rows]').evaluate(el => { el.scrollTop = 480; });
    await page.locator('[role=treeitem][data-pos="25"]').click();
    const selectedId = await page.locator('[role=treeitem][data-pos="25"]').getAttribute('data-span-id');
    await page.locator('[data-testid=search]').fill('op-4');
    await page.waitForTimeout(400);                                  // persistence is debounced
    await page.reload();
    await page.waitForSelector('[role=treeitem]');
    assert.equal(await page.locator('[role=treeitem][data-pos="1"]').getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id'), selectedId);
    assert.equal(await page.locator('[data-testid=rows]').evaluate(el => el.scrollTop), 480);
    assert.equal(await page.locator('[data-testid=search]').inputValue(), 'op-4');
  });

  test('live update keeps scroll, selection and collapse', async t => {
    const small = treeSpecs(6, 5).filter(s => Number(s.name.split('-')[1]) < 4);   // the first 4 levels: 259 spans
    const smallUrl = rig.harness.addDocument(otlpDocument(small));
    const { page } = await rig.openTrace(t, smallUrl);
    await page.locator('[role=treeitem][data-pos="2"] .twisty').click();
    await page.locator('[data-testid=rows]').evaluate(el => { el.scrollTop = 240; });
    await page.locator('[role=treeitem][data-pos="12"]').click();
    const sel = await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id');
    const rowsBefore = await totalRows(page);
    await page.evaluate(u => (window as unknown as { __harness: { sendUpdate(u: string): Promise<void> } }).__harness.sendUpdate(u), treeUrl);
    await page.waitForFunction(() => document.querySelector('[data-testid=header]')?.textContent?.includes('1,555'));
    assert.equal(await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-span-id'), sel);
    assert.equal(await page.locator('[role=treeitem][data-pos="2"]').getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('[data-testid=rows]').evaluate(el => el.scrollTop), 240);
    assert.ok((await totalRows(page)) > rowsBefore);
  });

  test('other views: span table sorts, statistics and flame graph render', async t => {
    const { page } = await rig.openTrace(t, sampleUrl);
    await page.click('role=tab[name="Span table"]');
    const firstName = () => page.locator('.t-body .tr .name').first().innerText();
    assert.equal(await firstName(), 'GET /checkout');                // longest first
    await page.click('role=columnheader[name=/Self time/] >> button');
    await page.click('role=columnheader[name=/Start/] >> button');
    assert.equal(await firstName(), 'payment.charge');               // latest start first
    await page.click('role=columnheader[name=/Start/] >> button');
    assert.equal(await firstName(), 'GET /checkout');                // then ascending
    await page.click('role=tab[name="Statistics"]');
    assert.match(await page.locator('[data-testid=stats]').innerText(), /payments/);
    await page.click('role=tab[name="Flame graph"]');
    const box = (await page.locator('[data-testid=flame] canvas').boundingBox())!;
    await page.mouse.click(box.x + 5, box.y + 5);                     // the root at depth 0, time 0
    assert.match(await page.locator('[data-testid=details] .d-title').innerText(), /GET \/checkout/);
  });

  test('invalid host messages are dropped and logged; the view keeps working', async t => {
    const { page } = await rig.openTrace(t, sampleUrl);
    await page.evaluate(() => {
      const h = (window as unknown as { __harness: { post(m: unknown): void } }).__harness;
      h.post({ type: 'init', protocol: 1, traceKey: 'x', sourceLabel: 'x', compact: { v: 1, cols: 'nope' } });
      h.post({ type: 'reveal' });
      h.post('garbage');
    });
    await page.waitForFunction(() => (window as unknown as { __harness: { received: { message: { type: string } }[] } }).__harness.received.filter(r => r.message.type === 'log').length >= 3);
    const logs = (await received(page)).filter(m => m.type === 'log');
    assert.ok(logs.every(l => /dropped invalid host message/.test(String(l.message))), JSON.stringify(logs));
    assert.equal(await totalRows(page), 6);
    await page.evaluate(() => (window as unknown as { __harness: { post(m: unknown): void } }).__harness.post({ type: 'reveal', spanId: '00000000000000a4' }));
    await page.waitForFunction(() => document.querySelector('[data-testid=details] .d-title')?.textContent === 'SELECT cart');
  });

  test('themes: light, dark and high contrast are readable', async () => {
    for (const theme of ['light', 'dark', 'hc']) {
      const { page, close } = await rig.open(`?trace=${encodeURIComponent(sampleUrl)}&theme=${theme}`);
      try {
        const [fg, bg] = await page.evaluate(() => {
          const op = document.querySelector('.row .op')!;
          return [getComputedStyle(op).color, getComputedStyle(document.body).backgroundColor];
        });
        const lum = (c: string) => {
          const [r, g, b] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number).map(v => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        const ratio = (a! + 0.05) / (b! + 0.05);
        assert.ok(ratio >= 4.5, `${theme}: contrast ${ratio.toFixed(2)} (${fg} on ${bg})`);
      } finally { await close(); }
    }
  });
});
