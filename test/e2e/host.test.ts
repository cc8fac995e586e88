// The host's own flows in real VS Code (code-server): the walkthrough opens the sample trace; a file with two
// traces offers a pick list and opens both; "Go to source" on a span recorded in a container (/app/shop/orders.js)
// lands on the workspace's orders.js at the span's line; Open Trace File… through the file dialog; the receiver's
// status is one command away.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../scripts/code-server.mjs';
import { PROJECT_ROOT } from '../support/paths';
import { E2E_TEST, withWorkbench } from '../support/e2e/session';
import { QUICK_INPUT_BOX, poll } from '../support/e2e/workbench';

/** The root span's name in media/sample-trace.json (what the waterfall must show). */
function sampleRootName(): string {
  const doc = JSON.parse(readFileSync(join(PROJECT_ROOT, 'media', 'sample-trace.json'), 'utf8')) as { resourceSpans: { scopeSpans: { spans: { name: string; parentSpanId?: string }[] }[] }[] };
  const spans = doc.resourceSpans.flatMap(r => r.scopeSpans.flatMap(s => s.spans));
  return spans.find(s => !s.parentSpanId)!.name;
}

test('walkthrough to the sample trace, a two-trace file with its pick list, jump to source, receiver status', E2E_TEST, async t => {
  const httpPort = await freePort();
  await withWorkbench(t, {
    workspace: 'demo-shop',
    settings: { 'spanscope.receiver.port': httpPort, 'spanscope.receiver.grpcPort': 0 },
  }, async s => {
    // 1. The walkthrough leads to a first trace: its first step's "Open the Sample Trace" button opens the sample.
    await s.wb.runCommand('Welcome: Open Walkthrough...');
    await s.wb.pickQuickInput('Get started with Spanscope');
    const walkthrough = s.page.locator('.gettingStartedContainer');
    await walkthrough.getByText('Send traces from your app').first().waitFor({ timeout: 30_000 });
    await walkthrough.getByRole('button', { name: 'Open the Sample Trace' }).first().click();
    await s.wb.frameWithText(sampleRootName(), 30_000);
    await s.flowScreenshot('walkthrough-sample');

    // 2. A file holding two traces (the demo's checkout, whose queue call loses the context): pick list, open all.
    mkdirSync(join(s.workspace, 'traces'), { recursive: true });
    copyFileSync(join(PROJECT_ROOT, 'test', 'e2e', 'workspaces', 'basic', 'traces', 'checkout.otlp.json'), join(s.workspace, 'traces', 'checkout.otlp.json'));
    await s.wb.openFile('traces/checkout.otlp.json');
    await s.wb.runCommand('Spanscope: Open in Spanscope');
    await s.wb.pickQuickInput('Open all 2 traces');
    // Both panels exist; the document's first trace is in front (hidden webviews are not rendered).
    await s.page.locator('.tabs-container .tab', { hasText: 'inventory: POST /ship' }).first().waitFor({ timeout: 30_000 });
    const frame = await s.wb.frameWithText('charge card', 30_000);

    // 3. Go to source: "charge card" was recorded at /app/shop/orders.js:31 in a container; the workspace has orders.js.
    await frame.getByText('charge card', { exact: true }).first().click();
    await frame.locator('[data-testid="go-to-source"]').first().click();
    await s.wb.waitForStatusBar(/Ln 31, Col 1/, 20_000);
    const tab = await s.page.locator('.tabs-container .tab.active').innerText();
    // VS Code 1.139 draws a tab's name and extension in separate elements ("orders\n.js" as text).
    assert.match(tab.replace(/\s+/g, ''), /orders\.js/);
    await s.flowScreenshot('jump-to-source');

    // 4. Open Trace File… (code-server's simple file dialog): type the path, then pick one trace of the two.
    await s.wb.runCommand('Spanscope: Open Trace File…');
    const dialogInput = s.page.locator(QUICK_INPUT_BOX);
    await dialogInput.waitFor({ state: 'visible' });
    // The dialog fills in its start folder a moment after it shows; typing before that would be overwritten.
    await poll(async () => ((await dialogInput.inputValue()).endsWith('/') ? true : undefined), 20_000, 'the file dialog\'s start folder');
    const tracePath = join(s.workspace, 'traces', 'checkout.otlp.json');
    // The dialog may still replace the text with its folder once more after that (seen in CI): type again until the
    // path stays for half a second.
    await poll(async () => {
      if ((await dialogInput.inputValue()) !== tracePath) await dialogInput.fill(tracePath);
      await new Promise(r => setTimeout(r, 500));
      return (await dialogInput.inputValue()) === tracePath ? true : undefined;
    }, 20_000, 'the typed path to stay');
    // Accept by choosing the file in the dialog's list (the typed path narrowed the list to it).
    await s.wb.pickQuickInput('checkout.otlp.json');
    await s.wb.pickQuickInput('inventory: POST');
    await s.page.locator('.tabs-container .tab.active', { hasText: 'inventory: POST /ship' }).first().waitFor({ timeout: 30_000 });

    // 5. The receiver started by itself (no backend configured) on the configured port; its status says so.
    await s.wb.runCommand('Spanscope: Show OTLP Receiver Status');
    const note = await s.wb.waitForNotification(/receiver is listening/, 20_000);
    assert.ok(note.includes(`127.0.0.1:${httpPort}/v1/traces`), note);
  });
});
