// The waterfall panel's reducer (webview/model/panelState.ts) under plain Node: what the host's messages and the
// user's actions do to the selection, the collapse toggles, the restored state of a preview, and the view state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAnalysis, buildTrace, treeSpecs } from '../support/webview-builders';
import { encodeCompactTrace } from '../../src/protocol/compact';
import type { CompactTrace } from '../../src/protocol/compact';
import { prepareData } from '../../webview/data';
import { buildRows } from '../../webview/model/rows';
import { initialPanelState, panelReducer } from '../../webview/model/panelState';
import type { PanelAction, PanelState } from '../../webview/model/panelState';
import { defaultViewState } from '../../webview/state';
import type { ViewState } from '../../webview/state';

const specs = treeSpecs(3, 3);                                              // 1 + 3 + 9 = 13 spans
const whole = encodeCompactTrace(buildAnalysis(buildTrace(specs)));
const preview: CompactTrace = { ...encodeCompactTrace(buildAnalysis(buildTrace(specs.slice(0, 4)))), partial: { totalSpans: specs.length } };
const run = (s: PanelState, ...actions: PanelAction[]): PanelState => actions.reduce(panelReducer, s);
const init = (compact: CompactTrace, restored: Partial<ViewState> = {}, extra: Partial<Extract<PanelAction, { type: 'init' }>> = {}): PanelState =>
  panelReducer(initialPanelState(), { type: 'init', data: prepareData(compact), traceKey: 'k', sourceLabel: 'file', restored: { ...defaultViewState('k'), ...restored }, ...extra });
const rowsOf = (s: PanelState): number => {
  assert.equal(s.loaded.kind, 'trace');
  const d = (s.loaded as Extract<PanelState['loaded'], { kind: 'trace' }>).data;
  return buildRows(d.view, d.index, { base: s.vs.collapseBase, toggled: s.toggled }).length;
};
const leaf = specs[specs.length - 1]!.id;

test('init: restores the saved selection and reveals it under a collapsed base; the host\'s selectSpanId wins', () => {
  const s = init(whole, { collapseBase: 'all', selected: leaf });
  assert.equal(s.loaded.kind, 'trace');
  const d = prepareData(whole);
  assert.equal(s.selected, d.view.indexOf(leaf));
  assert.equal(s.focus, s.selected);
  assert.equal(rowsOf(s), 1 + 3 + 3, 'the root and the leaf\'s parent are expanded: root, its 3 children, the parent\'s 3');
  const other = specs[1]!.id;
  assert.equal(init(whole, { selected: leaf }, { selectSpanId: other }).selected, d.view.indexOf(other));
});

test('a preview keeps what it cannot apply yet; the whole trace applies it and asks for the restored scroll position', () => {
  const s = init(preview, { selected: leaf, toggled: [specs[1]!.id, leaf], scrollTop: 400 });
  assert.equal(s.selected, -1, 'the leaf is not in the preview');
  assert.equal(s.restoreScroll.top, 0, 'a preview starts at the top');
  assert.deepEqual(s.pending, { toggled: [leaf], selected: leaf, scrollTop: 400 });
  const after = panelReducer(s, { type: 'update', data: prepareData(whole), scrollTop: 0 });
  const d = prepareData(whole);
  assert.equal(after.selected, d.view.indexOf(leaf));
  assert.equal(after.toggled[d.view.indexOf(leaf)], 1);
  assert.equal(after.toggled[d.view.indexOf(specs[1]!.id)], 1, 'the toggle the preview could apply is carried over by span ID');
  assert.equal(after.pending, undefined);
  assert.equal(after.restoreScroll.top, 400);
  // The user scrolled while the preview showed: their position stays.
  assert.equal(panelReducer(s, { type: 'update', data: prepareData(whole), scrollTop: 120 }).restoreScroll, s.restoreScroll);
});

test('a live update keeps the selection, focus and toggles by span ID and drops the old mapping', () => {
  const d = prepareData(whole);
  let s = init(whole, {}, { mapping: { workspaceSpans: [0, 1], currentFileSpans: [1] } });
  assert.equal(s.mapping?.workspace[1], 1);
  s = run(s, { type: 'select', index: d.view.indexOf(leaf) }, { type: 'toggle', index: 0 });
  const reordered = encodeCompactTrace(buildAnalysis(buildTrace([...specs].reverse())));
  const after = panelReducer(s, { type: 'update', data: prepareData(reordered), scrollTop: 0 });
  const d2 = prepareData(reordered);
  assert.equal(after.selected, d2.view.indexOf(leaf));
  assert.equal(after.focus, after.selected);
  assert.equal(after.toggled[d2.view.indexOf(specs[0]!.id)], 1);
  assert.equal(after.mapping, undefined);
});

test('user actions: select opens Details, toggle flips or sets, collapse base resets toggles, reveal expands ancestors', () => {
  const d = prepareData(whole);
  let s = init(whole, { detailsOpen: false });
  s = panelReducer(s, { type: 'select', index: 2 });
  assert.equal(s.vs.detailsOpen, true);
  assert.equal(s.selected, 2);
  s = panelReducer(s, { type: 'toggle', index: 0 });
  assert.equal(rowsOf(s), 1, 'the root collapsed');
  assert.equal(rowsOf(panelReducer(s, { type: 'toggle', index: 0, expand: false })), 1, 'collapsing a collapsed span changes nothing');
  assert.equal(rowsOf(panelReducer(s, { type: 'toggle', index: 0, expand: true })), specs.length);
  s = panelReducer(s, { type: 'collapseBase', base: 'all' });
  assert.equal(s.vs.collapseBase, 'all');
  assert.ok(s.toggled.every(x => x === 0));
  s = panelReducer(s, { type: 'reveal', index: d.view.indexOf(leaf) });
  assert.equal(s.focus, d.view.indexOf(leaf));
  assert.equal(rowsOf(s), 7);
  assert.equal(panelReducer(s, { type: 'deselect' }).selected, -1);
});

test('host messages: reveal by span ID goes to the waterfall with Details open; setFilter leaves Statistics; error replaces the trace', () => {
  let s = init(whole, { tab: 'stats', detailsOpen: false, collapseBase: 'all' });
  s = panelReducer(s, { type: 'setFilter', text: 'service=svc-1', mode: 'hide' });
  assert.equal(s.vs.tab, 'waterfall');
  assert.equal(s.vs.query, 'service=svc-1');
  assert.equal(s.vs.hideUnmatched, true);
  s = panelReducer({ ...s, vs: { ...s.vs, tab: 'flame' } }, { type: 'revealSpanId', spanId: leaf });
  assert.equal(s.vs.tab, 'waterfall');
  assert.equal(s.vs.detailsOpen, true);
  assert.equal(s.selected, prepareData(whole).view.indexOf(leaf));
  assert.equal(rowsOf(s), 7);
  assert.equal(panelReducer(s, { type: 'revealSpanId', spanId: 'ffffffffffffffff' }), s, 'an unknown span changes nothing');
  assert.deepEqual(panelReducer(s, { type: 'error', message: 'gone' }).loaded, { kind: 'error', message: 'gone' });
  // Before the trace arrives, trace actions change nothing.
  const waiting = initialPanelState();
  for (const a of [{ type: 'update', data: prepareData(whole), scrollTop: 0 }, { type: 'toggle', index: 0 }, { type: 'reveal', index: 0 }, { type: 'mapping', mapping: { workspaceSpans: [0], currentFileSpans: [] } }] as PanelAction[]) {
    assert.equal(panelReducer(waiting, a), waiting, a.type);
  }
});
