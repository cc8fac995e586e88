// Span data is untrusted: markup in names and attributes stays text, nothing runs, and the layout holds with
// a 1 MB attribute, right-to-left overrides and zero-width characters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROMIUM_SKIP } from '../support/chromium';
import { otlpDocument } from '../support/webview-builders';
import type { SpanSpec } from '../support/webview-builders';
import { startRig } from './support';
import type { Rig } from './support';

const IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(1)">';
const SCRIPT = '</script><script>window.__xss=1;alert(2)</script>';
const SVG = '"><svg onload="window.__xss=1;alert(3)">';
const RTL = '\u202Etxt.exe\u202C مرحبا שלום';
const ZW = 'zero\u200Bwidth\u200D\uFEFFjoin';
const BIG = 'A'.repeat(1024 * 1024);

function hostileSpecs(): SpanSpec[] {
  return [
    { id: '00000000000000b1', name: IMG, service: SVG, startMs: 0, durMs: 100, attrs: { html: SCRIPT, big: BIG, rtl: RTL, zw: ZW, json: '{"a":"<b>x</b>","n":[1,2]}' }, code: { filePath: '/app/<img src=x onerror=alert(4)>.ts', line: 3, source: 'code.attributes.old' } },
    { id: '00000000000000b2', parent: '00000000000000b1', name: SCRIPT, service: RTL, startMs: 10, durMs: 50, error: IMG,
      events: [{ atMs: 20, name: 'exception', attrs: { 'exception.type': SVG, 'exception.message': IMG, 'exception.stacktrace': `Error: ${IMG}\n    at x (${SCRIPT}:1:2)\n    at y (/app/a.js:3:4)` } }] },
    { id: '00000000000000b3', parent: '00000000000000b1', name: ZW + ' ' + BIG.slice(0, 5000), service: ZW, startMs: 20, durMs: 30 },
  ];
}

describe('untrusted span text', { skip: CHROMIUM_SKIP, timeout: 120_000 }, () => {
  let rig: Rig;
  before(async () => { rig = await startRig(); });
  after(async () => { await rig?.close(); });

  test('markup stays text, no script runs, no dialog, layout holds', async () => {
    const url = rig.harness.addDocument(otlpDocument(hostileSpecs()));
    const { page, log, close } = await rig.open(`?trace=${encodeURIComponent(url)}`, { viewport: { width: 1280, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', d => { dialogs.push(d.message()); void d.dismiss(); });
    try {
      await page.evaluate(() => {
        (window as unknown as { __csp: string[] }).__csp = [];
        document.addEventListener('securitypolicyviolation', e => (window as unknown as { __csp: string[] }).__csp.push(e.violatedDirective));
      });
      const rows = page.locator('[role=treeitem]');
      assert.equal(await rows.count(), 3);
      assert.ok((await rows.nth(0).innerText()).includes('<img src=x onerror='), 'the name is shown as text');
      // Open every span's details (renders attributes, events, the stack trace and the 1 MB value).
      for (let k = 0; k < 3; k++) await rows.nth(k).click();
      await rows.nth(0).click();
      const details = page.locator('[data-testid=details]');
      const text = await details.innerText();
      assert.ok(text.includes('</script><script>'), 'the attribute is shown as text');
      // The encoder bounds a value at 256 Ki characters; the pane shows 20k of them until asked.
      assert.ok(/Show all 262,144 characters/.test(text) && text.includes('(cut by Spanscope)'), 'the 1 MB value is cut and marked');
      await rows.nth(1).click();
      assert.equal(await details.locator('button.frame').count(), 1, 'the well-formed frame is clickable');
      assert.ok((await details.locator('.stack').innerText()).includes('at x (</script><script>'), 'the hostile frame stays text');
      // Search over hostile text, switch views.
      await page.locator('[data-testid=search]').fill('<img');
      await page.click('role=tab[name="Span table"]');
      await page.click('role=tab[name="Statistics"]');
      await page.click('role=tab[name="Flame graph"]');
      await page.click('role=tab[name="Waterfall"]');
      await page.waitForTimeout(200);

      assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'no injected script ran');
      assert.deepEqual(dialogs, []);
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await page.locator('svg[onload], [onerror], [onclick], script:not([nonce])').count(), 0);
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
      // Layout: rows keep their height, nothing overflows the window horizontally.
      const layout = await page.evaluate(() => ({
        heights: [...new Set(Array.from(document.querySelectorAll("[role=treeitem]")).map(e => e.getBoundingClientRect().height))],
        docW: document.documentElement.scrollWidth,
        winW: window.innerWidth,
        details: document.querySelector('.details-pane')!.getBoundingClientRect().right,
        rowsRight: document.querySelector('[data-testid=rows]')!.getBoundingClientRect().right,
      }));
      assert.deepEqual(layout.heights, [24]);
      assert.ok(layout.docW <= layout.winW, `document is ${layout.docW}px wide in a ${layout.winW}px window`);
      assert.ok(layout.details <= layout.winW + 1 && layout.rowsRight <= layout.winW + 1);
      assert.deepEqual(log.filter(l => l.startsWith('pageerror')), []);
    } finally { await close(); }
  });
});
