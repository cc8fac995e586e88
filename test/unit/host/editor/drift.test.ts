// Code drift against a real git repository: the file's last commit vs the trace time, and lines moved through
// the diff between the commit the trace names and the working copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearDriftCache, fileDrift, mapLineThroughDiff } from '../../../../src/host/editor/drift';

const HAVE_GIT = spawnSync('git', ['--version']).status === 0;

test('drift from git: commit time, trace commit, moved lines', { skip: HAVE_GIT ? false : 'git not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-drift-'));
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } }).trim();
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    const file = join(dir, 'orders.js');
    writeFileSync(file, ['a', 'b', 'c', 'd', 'e', ''].join('\n'));
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    const commit = git('rev-parse', 'HEAD');
    const committedMs = Date.parse('2026-01-01T00:00:00Z');

    // A trace recorded after the commit, no commit named: no drift. Before the commit: drifted.
    assert.equal((await fileDrift(file, committedMs + 60_000)).drifted, false);
    const before = await fileDrift(file, committedMs - 60_000);
    assert.equal(before.drifted, true);
    assert.match(before.reason ?? '', /committed .* after the trace/);

    // Two lines inserted at the top since the commit the trace names: lines move down by 2, the edited one drops out.
    writeFileSync(file, ['new1', 'new2', 'a', 'b', 'C!', 'd', 'e', ''].join('\n'));
    clearDriftCache();
    const moved = await fileDrift(file, committedMs + 60_000, commit.slice(0, 12));
    assert.equal(moved.drifted, true);
    assert.ok(moved.hunks && moved.hunks.length > 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(l => mapLineThroughDiff(moved.hunks!, l)), [3, 4, undefined, 6, 7]);

    // Not a repository: no drift claimed.
    const plain = mkdtempSync(join(tmpdir(), 'spanscope-nogit-'));
    writeFileSync(join(plain, 'x.js'), 'x');
    assert.equal((await fileDrift(join(plain, 'x.js'), 0)).drifted, false);
    rmSync(plain, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
