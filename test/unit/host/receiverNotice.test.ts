// One notification for all windows: the first window to claim a failure shows it; a later claim after the time
// to live shows it again (the same failure, another day).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimNotice } from '../../../src/host/receiver/notice';

test('claimNotice: once per key within the time to live, again after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-notice-'));
  try {
    const t0 = Date.now();
    assert.equal(claimNotice(join(dir, 'global'), 'port:4318', 60_000, t0), true, 'the first window shows it');
    assert.equal(claimNotice(join(dir, 'global'), 'port:4318', 60_000, t0 + 10), false, 'the second window does not');
    assert.equal(claimNotice(join(dir, 'global'), 'port:4317', 60_000, t0 + 10), true, 'another failure is another notice');
    assert.equal(claimNotice(join(dir, 'global'), 'port:4318', 60_000, t0 + 120_000), true, 'after the time to live');
    assert.equal(claimNotice(join(dir, 'global'), 'port:4318', 60_000, t0 + 120_010), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
