// The analysis webview keeps the host's recipe, and only the recipe, in its VS Code state: that is what the panel
// serializer gets back after a window reload (the computed view is not kept: it can be large and is rebuilt).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrace } from '../../src/core/analysis/analyze';
import { buildServiceGraph, tableFromAnalysis } from '../../src/core/analysis/graph';
import type { AnalysisRecipe, AnalysisView } from '../../src/protocol/analysis';
import { trace } from '../support/builders';
import { CHROMIUM_SKIP } from '../support/chromium';
import { startAnalysisRig, webviewState } from './analysis-support';
import type { AnalysisRig } from './analysis-support';

const view: AnalysisView = {
  view: 'graph', scopeLabel: '2 open traces',
  graph: buildServiceGraph([tableFromAnalysis(analyzeTrace(trace([
    { id: 'r', name: 'GET /', service: 'web', kind: 'server', dur: 100 },
    { id: 'c', parent: 'r', name: 'call', service: 'web', kind: 'client', start: 1, dur: 80 },
    { id: 's', parent: 'c', name: 'handle', service: 'api', kind: 'server', start: 2, dur: 70 },
  ])))]),
};
const recipe: AnalysisRecipe = {
  v: 1, view: 'graph', live: false, scopeLabel: '2 open traces',
  traces: [{ key: 'file:file:///w/a.json#0af7651916cd43dd8448eb211c80319c', label: 'web GET / · a.json' }, { key: 'receiver:receiver#1bf7651916cd43dd8448eb211c80319d', label: '<b>x</b> · Live' }],
};

describe('analysis webview state', { skip: CHROMIUM_SKIP, timeout: 60_000 }, () => {
  let rig: AnalysisRig;
  before(async () => { rig = await startAnalysisRig(); });
  after(async () => { await rig?.close(); });

  test('the init’s recipe becomes the webview state, as is; the view itself is not kept', async () => {
    const { page, close } = await rig.open(view, { recipe });
    try {
      await page.locator('[data-testid=node]').first().waitFor();
      assert.deepEqual(await webviewState(page), { recipe });
    } finally { await close(); }
  });

  test('an init without a recipe leaves the state alone', async () => {
    const { page, close } = await rig.open(view);
    try {
      await page.locator('[data-testid=node]').first().waitFor();
      assert.equal(await webviewState(page), undefined);
    } finally { await close(); }
  });
});
