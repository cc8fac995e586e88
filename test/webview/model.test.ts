// The webview's pure parts (row derivation, search language, stack frames, formats) under plain Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAnalysis, buildTrace, sampleSpecs, treeSpecs } from '../support/webview-builders';
import { decodeCompactTrace, encodeCompactTrace } from '../../src/protocol/compact';
import { buildRows, buildTreeIndex, revealInCollapse, withAncestors } from '../../webview/model/rows';
import { matchQuery, parseQuery } from '../../webview/model/search';
import { parseStackFrames } from '../../webview/model/stack';
import { parseDuration } from '../../webview/model/format';
import { formatDuration } from '../../src/core/units/duration';
import { restoreViewState } from '../../webview/state';

const viewOf = (specs = sampleSpecs()) => decodeCompactTrace(encodeCompactTrace(buildAnalysis(buildTrace(specs))));

test('rows: preorder, collapse skips the subtree, base rules and toggles, reveal expands ancestors', () => {
  const v = viewOf(treeSpecs(3, 4));                                    // 1 + 3 + 9 + 27 = 40
  const idx = buildTreeIndex(v);
  const none = new Uint8Array(v.spanCount);
  assert.deepEqual([...buildRows(v, idx, { base: 'none', toggled: none })], [...v.cols.preorder]);
  assert.equal(buildRows(v, idx, { base: 'all', toggled: none }).length, 1);
  assert.equal(buildRows(v, idx, { base: 2, toggled: none }).length, 4);
  const t = none.slice();
  const child = v.cols.preorder[1]!;
  t[child] = 1;                                                          // collapse the first child: hides 3 + 9
  assert.equal(buildRows(v, idx, { base: 'none', toggled: t }).length, 40 - 12);
  const deep = v.cols.preorder[3]!;                                      // a grandchild's child under the collapsed one
  const c = revealInCollapse({ base: 'all', toggled: none }, v, idx, deep);
  const rows = [...buildRows(v, idx, c)];
  assert.ok(rows.includes(deep));
  assert.equal(idx.subtreeEnd[0], 40);
});

test('tree index: each span\'s place among its siblings (top-level spans are siblings) and their number, for aria-posinset/setsize', () => {
  for (const v of [viewOf(), viewOf(treeSpecs(3, 4))]) {
    const idx = buildTreeIndex(v);
    const order = [...v.cols.preorder];
    const parentOf = (i: number) => Math.max(-1, v.cols.parent[i]!);
    for (const i of order) {
      const siblings = order.filter(j => parentOf(j) === parentOf(i));
      assert.equal(idx.posInSet[i], siblings.indexOf(i) + 1, v.name(i));
      assert.equal(idx.setSize[i], siblings.length, v.name(i));
    }
  }
  const sample = viewOf();
  assert.deepEqual([...sample.cols.preorder].filter(i => sample.cols.parent[i]! < 0).map(i => buildTreeIndex(sample).posInSet[i]), [1, 2], 'the orphan is the second top-level span');
});

test('filters: a keep mask with ancestors gives a connected tree', () => {
  const v = viewOf();
  const idx = buildTreeIndex(v);
  const err = new Uint8Array(v.spanCount);
  err[4] = 1;                                                            // payment.charge
  const keep = withAncestors(v, err);
  assert.deepEqual([...buildRows(v, idx, { base: 'none', toggled: new Uint8Array(v.spanCount) }, keep)].map(i => v.name(i)), ['GET /checkout', 'payment.charge']);
});

test('search language', () => {
  const v = viewOf();
  const names = (q: string) => { const m = matchQuery(parseQuery(q), { view: v }); return m ? [...m.keys()].filter(i => m[i]).map(i => v.name(i)) : undefined; };
  assert.equal(names(''), undefined);
  assert.deepEqual(names('CART'), ['cart.load', 'SELECT cart']);
  assert.deepEqual(names('"select *"'), ['SELECT cart']);
  assert.deepEqual(names('status=error'), ['payment.charge']);
  assert.deepEqual(names('service=auth'), ['auth.verify']);
  assert.deepEqual(names('service~pay'), ['payment.charge']);
  assert.deepEqual(names('http.method=get'), ['GET /checkout']);
  assert.equal(names('host.name=box-1')?.length, 6);                 // resource attribute
  assert.deepEqual(names('duration>=50ms'), ['GET /checkout', 'cart.load', 'SELECT cart']);
  assert.deepEqual(names('duration>50ms self<20ms'), ['GET /checkout', 'cart.load']);
  assert.deepEqual(names('kind=client -service=db'), ['cart.load', 'payment.charge']);
  assert.deepEqual(names('00000000000000a6'), ['orphan.work']);
  assert.deepEqual(names('id=00000000000000a2'), ['auth.verify']);
  assert.deepEqual(names('card declined'), ['payment.charge']);         // status message + exception attrs: both words
  assert.deepEqual(parseQuery('duration>fast').errors.length, 1);
  const ws = new Uint8Array(v.spanCount); ws[3] = 1;
  const m = matchQuery(parseQuery('in:workspace'), { view: v, workspace: ws })!;
  assert.deepEqual([...m], [0, 0, 0, 1, 0, 0]);
});

test('stack frames of several languages', () => {
  const f = parseStackFrames([
    'Error: boom', '    at charge (/app/src/payment.ts:17:9)', '    at /app/x.js:3:4',
    '  File "/app/svc/views.py", line 42, in handler',
    '\tat com.acme.Pay.charge(Pay.java:88)',
    '\t/app/internal/pay/charge.go:55 +0x1d',
    '   at Acme.Pay.Charge() in /src/Pay.cs:line 12',
    "/app/lib/pay.rb:9:in `charge'",
    '#0 /var/www/src/Pay.php(31): App\\Pay->charge()',
  ].join('\n'));
  assert.deepEqual(f.filter(x => x.filePath).map(x => [x.filePath, x.line, x.column]), [
    ['/app/src/payment.ts', 17, 9], ['/app/x.js', 3, 4], ['/app/svc/views.py', 42, undefined], ['com/acme/Pay.java', 88, undefined],
    ['/app/internal/pay/charge.go', 55, undefined], ['/src/Pay.cs', 12, undefined], ['/app/lib/pay.rb', 9, undefined], ['/var/www/src/Pay.php', 31, undefined],
  ]);
  assert.equal(f[0]!.filePath, undefined);
});

test('durations and restored view state', () => {
  assert.equal(formatDuration(1_234_000), '1.23 ms');
  assert.equal(formatDuration(45_600_000_000), '45.6 s');
  assert.equal(formatDuration(750), '750 ns');
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('250us'), 250e3);
  assert.equal(parseDuration('100'), 100e6);
  const s = restoreViewState({ traceKey: 'k', tab: 'flame', zoom: [0.2, 0.1], scrollTop: -5, toggled: ['a', 3], collapseBase: 'weird' }, 'k');
  assert.deepEqual([s.tab, s.zoom, s.scrollTop, s.toggled, s.collapseBase], ['flame', [0, 1], 0, ['a'], 'none']);
  assert.equal(restoreViewState({ traceKey: 'other', tab: 'flame' }, 'k').tab, 'waterfall');
});
