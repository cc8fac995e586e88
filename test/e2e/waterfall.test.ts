// Issue 8 flows 1 and 6 in real VS Code: a trace opens in the waterfall with its root and rows, search narrows
// them, collapse all works; after Reload Window the waterfall comes back with its state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandTitle } from '../support/e2e/contributions';
import { E2E_TEST, WORKSPACES_DIR, withWorkbench, type Session } from '../support/e2e/session';
import { collapseAll, expandAll, matchCount, rowLabels, search, setHideOthers, waitForRows, waterfallFrame } from '../support/e2e/waterfall';
import { poll } from '../support/e2e/workbench';

// test/e2e/workspaces/basic/traces/checkout.otlp.json: the demo shop's GET /checkout, 18 spans.
const TRACE_ID = 'c09faaf8e3a303666ea95c9bf90194e8';
const ROOT_SPAN_ID = '2cdf3f8e902b9ba7';
const SPAN_COUNT = 18;
const openById = commandTitle('spanscope.openTraceById');
const openInSpanscope = commandTitle('spanscope.openInSpanscope');

/** Opens the checkout trace the way the product offers: by ID from the embedded receiver, else from its file. */
async function openCheckout(s: Session, from: 'id' | 'file' = 'id'): Promise<string> {
  if (openById && from === 'id') {
    const body = readFileSync(join(WORKSPACES_DIR, 'basic', 'traces', 'checkout.otlp.json'));
    const res = await poll(async () => fetch(`http://127.0.0.1:${s.receiverPort}/v1/traces`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body,
    }).catch(() => undefined), 20_000, 'the embedded receiver to take the trace');
    assert.equal(res.status, 200, await res.text());
    await s.wb.runCommand(openById);
    await s.wb.answerQuickInput(`00-${TRACE_ID}-${ROOT_SPAN_ID}-01`); // a pasted traceparent
    return 'Open Trace by ID';
  }
  assert.ok(openInSpanscope, 'neither Open Trace by ID nor Open in Spanscope is contributed');
  await s.wb.openFile('traces/checkout.otlp.json');
  await s.wb.runCommand(openInSpanscope);
  await s.wb.pickQuickInput('gateway: GET /checkout');
  return 'Open in Spanscope';
}

test('flow 1: a trace opens in the waterfall with its root and rows; search narrows them; collapse all works', E2E_TEST, t =>
  withWorkbench(t, { workspace: 'basic' }, async s => {
    const how = await openCheckout(s);
    t.diagnostic(`opened with ${how}`);
    const frame = await waterfallFrame(s.wb, 'charge card');
    const all = await waitForRows(frame, rows => rows.length === SPAN_COUNT, `${SPAN_COUNT} rows`);
    assert.match(all[0] ?? '', /^gateway GET \/checkout /, 'the root comes first');
    await s.flowScreenshot('waterfall');

    await search(frame, 'SELECT prices');
    await poll(async () => ((await matchCount(frame)) === '5 matches' ? true : undefined), 5000, '"5 matches"');
    await setHideOthers(frame, true);
    const narrowed = await waitForRows(frame, rows => rows.length < SPAN_COUNT, 'fewer rows with Hide others');
    assert.equal(narrowed.filter(r => r.includes('SELECT prices')).length, 5, narrowed.join(' / '));
    await s.flowScreenshot('waterfall-search');
    await setHideOthers(frame, false);
    await search(frame, '');
    await waitForRows(frame, rows => rows.length === SPAN_COUNT, 'all rows again');

    await collapseAll(frame);
    const collapsed = await waitForRows(frame, rows => rows.length === 1, 'only the root after Collapse all');
    assert.match(collapsed[0] ?? '', /^gateway GET \/checkout /);
    await expandAll(frame);
    await waitForRows(frame, rows => rows.length === SPAN_COUNT, 'every row after Expand all');
  }));

for (const from of ['id', 'file'] as const) {
  test(`flow 6: after Reload Window the open waterfall comes back with its state (trace opened from ${from === 'id' ? 'its ID' : 'a file'})`, E2E_TEST, t =>
    withWorkbench(t, { workspace: 'basic' }, async s => {
      await openCheckout(s, from);
      const frame = await waterfallFrame(s.wb, 'charge card');
      await waitForRows(frame, rows => rows.length === SPAN_COUNT, `${SPAN_COUNT} rows`);
      await search(frame, 'charge');
      await poll(async () => ((await matchCount(frame)) === '1 match' ? true : undefined), 5000, '"1 match"');

      await s.wb.reloadWindow();
      const restored = await waterfallFrame(s.wb, 'charge card', 45_000);
      const rows = await waitForRows(restored, r => r.length === SPAN_COUNT, `${SPAN_COUNT} rows after the reload`, 20_000);
      assert.match(rows[0] ?? '', /^gateway GET \/checkout /);
      assert.equal(await restored.locator('[data-testid="search"]').inputValue(), 'charge', 'the search survives the reload');
      assert.equal(await matchCount(restored), '1 match');
      t.diagnostic(`rows after reload: ${(await rowLabels(restored)).length}`);
    }));
}
