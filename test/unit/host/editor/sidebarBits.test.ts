import { fakeVscode } from '../../../support/host/register';
import './fakeEditorApi';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown } from '../../../../src/host/editor/hover';
import { age, durationBar, searchReceiver } from '../../../../src/host/sidebar/tracesView';
import type { ReceiverListItem } from '../../../../src/host/sidebar/deps';

void fakeVscode;

test('span text in hovers cannot become links, HTML or table cells', () => {
  const evil = 'x](command:workbench.action.terminal.new) <img src=x onerror=1> | a\nb `c`';
  const out = escapeMarkdown(evil);
  assert.ok(!out.includes('](command:'), out);
  assert.ok(!/(^|[^\\])[<>|`]/.test(out), out);
  assert.ok(!out.includes('\n'));
  assert.equal(escapeMarkdown('a'.repeat(200), 10), 'aaaaaaaaa…');
});

const item = (traceId: string, rootService: string, rootName: string, startMs: number, durationMs: number, errorCount = 0): ReceiverListItem =>
  ({ traceId, rootService, rootName, startNs: BigInt(startMs) * 1_000_000n, durationNs: durationMs * 1e6, spanCount: 3, errorCount, lastUpdateMs: startMs, completed: true });

test('the receiver answers the search form: service, operation, duration, time range, errors, limit, newest first', () => {
  const now = 10_000_000;
  const list = [item('a', 'gateway', 'GET /checkout', now - 1000, 120), item('b', 'gateway', 'GET /products', now - 2000, 20), item('c', 'orders', 'POST /ship', now - 3000, 300, 1),
    item('d', 'gateway', 'GET /checkout', now - 3_600_000, 500)];
  const r = { list: () => list };
  const ids = (q: Parameters<typeof searchReceiver>[1]) => searchReceiver(r, q, now).map(x => x.traceId);
  assert.deepEqual(ids({ lookbackMinutes: 15, limit: 50 }), ['a', 'b', 'c']);
  assert.deepEqual(ids({ service: 'gateway', lookbackMinutes: 120, limit: 50 }), ['a', 'b', 'd']);
  assert.deepEqual(ids({ operation: 'checkout', lookbackMinutes: 120, limit: 1 }), ['a']);
  assert.deepEqual(ids({ minDurationMs: 100, maxDurationMs: 400, lookbackMinutes: 15, limit: 50 }), ['a', 'c']);
  assert.deepEqual(ids({ tags: 'error=true', lookbackMinutes: 15, limit: 50 }), ['c']);
});

test('duration bars and ages', () => {
  assert.equal(durationBar(50, 100), '████░░░░');
  assert.equal(durationBar(1, 100), '█░░░░░░░');
  assert.equal(durationBar(100, 100), '████████');
  assert.equal(age(0, 5_000), '5s ago');
  assert.equal(age(0, 3_600_000 * 3), '3h ago');
});
