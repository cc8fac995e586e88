// Issue 14's "one receiver, shared by every window": two code-server windows (two browser pages, two extension
// hosts) on the demo shop. The first window's receiver binds the port; the second finds it and shows the same
// live traces. Closing the first window, and then its extension host ending (as code-server does after the
// reconnection grace time), keeps the second window receiving: it takes the port over, with the traces it had.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../support/paths';
import { findView, focusViewCommand } from '../support/e2e/contributions';
import { E2E_TEST, VIEWPORT, withWorkbench } from '../support/e2e/session';
import { liveTraceRows } from '../support/e2e/live';
import { QUICK_INPUT_BOX, QUICK_INPUT_ROWS, Workbench, poll } from '../support/e2e/workbench';

const live = findView(/^spanscope\.live$/);

/** The pid of the extension host whose receiver holds the port (the hub's `hello` names it; no key needed). */
async function ownerPid(port: number): Promise<number | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/spanscope/hub/hello?nonce=${'0123456789abcdef'.repeat(2)}`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const hello = await res.json() as { pid?: unknown };
  return typeof hello.pid === 'number' ? hello.pid : undefined;
}

test('two windows show the same live traces from one shop; closing the first keeps the second receiving', {
  ...E2E_TEST,
  timeout: 300_000,
}, async t => {
  assert.ok(live, 'no Live view contributed');
  // The session gives the receiver free ports (both windows read the same user settings).
  await withWorkbench(t, { workspace: 'demo-shop' }, async s => {
    const httpPort = s.receiverPort;
    const wb1 = s.wb;
    await wb1.runCommand(focusViewCommand(live));
    await wb1.view(live.name).waitFor({ state: 'visible' });
    const first = await poll(() => ownerPid(httpPort), 30_000, `the first window's receiver on 127.0.0.1:${httpPort}`);

    // The second window: another browser page on the same code-server, so another extension host.
    const context2 = await s.browser.newContext({ viewport: VIEWPORT });
    const page2 = await context2.newPage();
    await page2.goto(s.codeServer.workspaceUrl);
    const wb2 = new Workbench(page2);
    await wb2.ready();
    await wb2.runCommand(focusViewCommand(live));
    await wb2.view(live.name).waitFor({ state: 'visible' });
    // It follows the first window's receiver: its Live view names the same endpoint (not "receiver failed").
    await poll(async () => ((await wb2.view(live.name).locator('.pane-header').innerText()).includes(`127.0.0.1:${httpPort}`) ? true : undefined),
      30_000, `the second window's Live view to show 127.0.0.1:${httpPort}`).catch(async err => {
      throw new Error(`${err.message}; header: ${await wb2.view(live.name).locator('.pane-header').innerText()}`);
    });
    assert.equal(await ownerPid(httpPort), first, 'the first window still owns the receiver');

    const shop = s.spawn('shop', process.execPath, [join(s.workspace, 'run.js')], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${httpPort}`, NODE_PATH: join(PROJECT_ROOT, 'node_modules'), DEMO_INTERVAL_MS: '1000' },
    });
    const traceIds = () => shop.output().split('\n').filter(l => l.startsWith('GET ')).map(l => /trace ([0-9a-f]{32})/.exec(l)?.[1]).filter((x): x is string => !!x);
    // Traces arriving while rows are shown wait behind "N new traces: show" (rows never move under the mouse): a
    // user clicks it, and so does liveTraceRows.
    const inLive = async (wb: Workbench, id: string) => (await liveTraceRows(wb, live.name)).some(r => r.includes(id.slice(0, 8)));

    // The same trace in both windows.
    const early = await poll(async () => traceIds()[0], 30_000, 'the shop\'s first response');
    await poll(async () => (await inLive(wb1, early)) || undefined, 10_000, `trace ${early} in the first window`);
    await poll(async () => (await inLive(wb2, early)) || undefined, 10_000, `trace ${early} in the second window`).catch(async err => {
      throw new Error(`${err.message}; rows: ${(await wb2.viewRows(live.name)).join(' / ')}`);
    });
    t.diagnostic(`trace ${early.slice(0, 8)} shows in both windows`);

    // Close the first window. Its extension host may outlive the page (code-server keeps it for a reconnection
    // grace time); if it does, end it as that would, in the worst way (killed: no goodbye to the followers).
    await s.page.close();
    const afterClose = traceIds().length;
    const next = await poll(async () => traceIds()[afterClose], 20_000, 'a response after the first window closed');
    await poll(async () => (await inLive(wb2, next)) || undefined, 10_000, `trace ${next} in the second window after the first closed`);
    try {
      process.kill(first, 'SIGKILL');
      t.diagnostic(`ended the first window's extension host (${first}) after its page closed`);
    } catch {
      t.diagnostic(`the first window's extension host (${first}) ended with its page`);
    }
    const second = await poll(async () => { const p = await ownerPid(httpPort); return p !== undefined && p !== first ? p : undefined; },
      30_000, 'the second window taking the receiver over');
    t.diagnostic(`the receiver moved from extension host ${first} to ${second}`);

    // Still receiving, and the traces from before the takeover are still listed.
    const afterTakeover = traceIds().length;
    const late = await poll(async () => traceIds()[afterTakeover + 1], 20_000, 'responses after the takeover');
    await poll(async () => (await inLive(wb2, late)) || undefined, 10_000, `trace ${late} in the second window after the takeover`).catch(async err => {
      throw new Error(`${err.message}; rows: ${(await wb2.viewRows(live.name)).join(' / ')}`);
    });
    // The trace from the start (long scrolled out of the Live list) is still held: Open Received Trace… finds it.
    await wb2.runCommand('Spanscope: Open Received Trace…');
    const input = page2.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible' });
    await input.fill(early);
    await page2.locator(QUICK_INPUT_ROWS, { hasText: early }).first().waitFor({ state: 'visible', timeout: 10_000 })
      .catch(() => assert.fail(`trace ${early}, received before the takeover, is no longer held by the second window`));
    await page2.keyboard.press('Escape');
    assert.match(await wb2.view(live.name).locator('.pane-header').innerText(), new RegExp(`127\\.0\\.0\\.1:${httpPort}`));
    await context2.close();
  });
});
