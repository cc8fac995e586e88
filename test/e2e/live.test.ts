// Issue 5's end-to-end promise: the demo shop (real OpenTelemetry JS SDK) sends to the extension's embedded
// receiver inside code-server, and each request's trace shows in the Live list within 2 s of the response. Only what
// needs the machine to itself is here: the rest of the demo's flow is live-demo.test.ts.
// Runs alone: it checks a latency budget (2 s to the Live list), which another test's load beside it broke once (2.1 s).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { PROJECT_ROOT } from '../support/paths';
import { findView, focusViewCommand, settingContributed, type ContributedView } from '../support/e2e/contributions';
import { E2E_TEST, withWorkbench, type Session } from '../support/e2e/session';
import { liveTraceRows } from '../support/e2e/live';
import { poll } from '../support/e2e/workbench';

// The Live list: the side panel's view of the embedded receiver's traces.
const live = findView(/^spanscope\.live$/);
const missing = [
  live ? '' : 'the Live view',
  settingContributed('spanscope.receiver.port') ? '' : 'the spanscope.receiver.port setting',
].filter(Boolean);

test('traces from the demo shop appear in the Live list within 2 s of the request', {
  ...E2E_TEST,
  skip: E2E_TEST.skip || (missing.length && !process.env.CI ? `not contributed yet: ${missing.join(', ')}` : false),
}, async t => {
  assert.ok(live, 'no Live view contributed');
  // The session gives the receiver free ports, so the test never collides with a running demo or collector on 4317/4318.
  await withWorkbench(t, { workspace: 'demo-shop' }, s => liveScenario(t, s, live, s.receiverPort));
});

async function liveScenario(t: TestContext, s: Session, view: ContributedView, httpPort: number): Promise<void> {
  await s.wb.runCommand(focusViewCommand(view));
  await s.wb.view(view.name).waitFor({ state: 'visible' });
  // The receiver starts by itself (no backend is configured) once the extension is active.
  await poll(async () => fetch(`http://127.0.0.1:${httpPort}/v1/traces`).then(r => r.status, () => undefined), 20_000,
    `the embedded receiver on 127.0.0.1:${httpPort}`);
  // The view's description names where the receiver listens.
  await poll(async () => ((await s.wb.view(view.name).locator('.pane-header').innerText()).includes(`127.0.0.1:${httpPort}`) ? true : undefined),
    10_000, `the Live view to show 127.0.0.1:${httpPort}`);

  const shop = s.spawn('shop', process.execPath, [join(s.workspace, 'run.js')], {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${httpPort}`,
      NODE_PATH: join(PROJECT_ROOT, 'node_modules'), // the workspace copy lives outside the repository
      DEMO_INTERVAL_MS: '1000',
    },
  });

  // The load loop prints each response with its trace ID; the Live list shows each trace by its root
  // ("gateway: GET /checkout") with the first 8 digits of its ID.
  const latencies: number[] = [];
  for (let i = 0; i < 4; i++) {
    const line = await poll(async () => shop.output().split('\n').filter(l => l.startsWith('GET '))[i], 20_000,
      `response ${i + 1} of the demo shop`);
    const answeredAt = Date.now();
    const traceId = /trace ([0-9a-f]{32})/.exec(line)?.[1] ?? assert.fail(`no trace ID in ${JSON.stringify(line)}`);
    const route = /^GET (\/\w+)/.exec(line)?.[1] === '/product' ? '/product/:sku' : '/checkout';
    const row = await poll(async () => (await liveTraceRows(s.wb, view.name)).find(r => r.includes(traceId.slice(0, 8)) && r.includes(`gateway: GET ${route}`)),
      10_000, `trace ${traceId} as "gateway: GET ${route}" in the Live list`).catch(async err => {
      throw new Error(`${err.message}; rows: ${(await s.wb.viewRows(view.name)).join(' / ')}`);
    });
    latencies.push(Date.now() - answeredAt);
    t.diagnostic(`${line.replace(/ in \d+ ms.*/, '')}: in the Live list ${Date.now() - answeredAt} ms after the response (${row.split(' \u2016 ')[0]})`);
  }
  await s.flowScreenshot('live-list');
  assert.ok(Math.max(...latencies) <= 2000, `a trace took ${Math.max(...latencies)} ms to appear (limit 2000 ms): ${latencies.join(', ')}`);
}
