// Code drift against a real git repository: the file's last commit vs the trace time, and lines moved through
// the diff between the commit the trace names and the working copy. And what git may not do: run in Restricted
// Mode, run on files outside the workspace folders (links resolved), or run the programs a repository's own
// .git/config names (core.fsmonitor, filter and diff drivers, hooks).
import { fakeVscode } from '../../../support/host/register';
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { clearDriftCache, fileDrift, mapLineThroughDiff, resetGitPathForTests } from '../../../../src/host/editor/drift';

const HAVE_GIT = spawnSync('git', ['--version']).status === 0;
const POSIX = process.platform !== 'win32';
const Uri = (fakeVscode.api as { Uri: { file(p: string): unknown } }).Uri;
const originalPath = process.env.PATH;

afterEach(() => {
  process.env.PATH = originalPath;
  resetGitPathForTests();
  clearDriftCache();
  fakeVscode.workspaceTrusted = true;
  fakeVscode.workspaceFolders = undefined;
});

function useFolders(...dirs: string[]): void {
  fakeVscode.workspaceFolders = dirs.map((d, index) => ({ uri: Uri.file(d) as never, name: `f${index}`, index }));
}

function newRepo(prefix: string): { dir: string; git: (...args: string[]) => string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } }).trim();
  git('init', '-q');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  return { dir, git };
}

test('drift from git: commit time, trace commit, moved lines', { skip: HAVE_GIT ? false : 'git not installed' }, async () => {
  const { dir, git } = newRepo('spanscope-drift-');
  try {
    useFolders(dir);
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
    const plain = realpathSync(mkdtempSync(join(tmpdir(), 'spanscope-nogit-')));
    writeFileSync(join(plain, 'x.js'), 'x');
    useFolders(dir, plain);
    assert.equal((await fileDrift(join(plain, 'x.js'), 0)).drifted, false);
    rmSync(plain, { recursive: true, force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a repository\'s .git/config cannot make drift run a program (fsmonitor, filter, textconv, hooks)', { skip: HAVE_GIT && POSIX ? false : 'needs git and a POSIX shell' }, async () => {
  const { dir, git } = newRepo('spanscope-hostile-');
  const markers = realpathSync(mkdtempSync(join(tmpdir(), 'spanscope-markers-')));
  try {
    const file = join(dir, 'orders.js');
    writeFileSync(file, 'a\nb\nc\n');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    const commit = git('rev-parse', 'HEAD');
    // Each program leaves a marker named after the setting that ran it (and does its job, so git goes on).
    const script = (name: string, body: string) => {
      const p = join(markers, `${name}.sh`);
      writeFileSync(p, `#!/bin/sh\ntouch '${join(markers, `ran-${name}`)}'\n${body}\n`);
      chmodSync(p, 0o755);
      return p;
    };
    git('config', 'core.fsmonitor', script('fsmonitor', 'exit 1'));
    git('config', 'filter.evil.clean', script('clean', 'cat'));
    git('config', 'filter.evil.smudge', script('smudge', 'cat'));
    git('config', 'diff.evil.textconv', script('textconv', 'cat "$1"'));
    git('config', 'core.hooksPath', join(dir, '.git', 'evil-hooks'));
    mkdirSync(join(dir, '.git', 'evil-hooks'));
    writeFileSync(join(dir, '.git', 'evil-hooks', 'post-index-change'), `#!/bin/sh\ntouch '${join(markers, 'ran-hook')}'\n`);
    chmodSync(join(dir, '.git', 'evil-hooks', 'post-index-change'), 0o755);
    writeFileSync(join(dir, '.git', 'info', 'attributes'), '* filter=evil diff=evil\n');
    writeFileSync(file, 'new\na\nb\nX\n');
    const ran = () => ['fsmonitor', 'clean', 'smudge', 'textconv', 'hook'].filter(n => existsSync(join(markers, `ran-${n}`)));

    // The repository is really hostile: plain git runs its programs (else this test would prove nothing).
    execFileSync('git', ['status', '--porcelain'], { cwd: dir });
    execFileSync('git', ['diff', commit, '--', 'orders.js'], { cwd: dir });
    // (Which of the others run depends on git's version and the index's state; fsmonitor runs on every status.)
    const ranPlain = ran();
    assert.ok(ranPlain.includes('fsmonitor') && ranPlain.includes('textconv'), `plain git ran: ${ranPlain.join(', ')}`);
    for (const n of ran()) rmSync(join(markers, `ran-${n}`));
    writeFileSync(file, 'new\na\nb\nY\n'); // changed again: git must read it anew (through the filter, if it may)

    useFolders(dir);
    const d = await fileDrift(file, Date.parse('2026-01-01T00:01:00Z'), commit);
    assert.deepEqual(ran(), [], 'no program from .git/config ran');
    assert.equal(d.drifted, true, 'drift still works: the file differs from the trace\'s commit');
    assert.ok(d.hunks && d.hunks.length > 0);
    assert.equal(mapLineThroughDiff(d.hunks, 1), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(markers, { recursive: true, force: true });
  }
});

test('no git at all in Restricted Mode, nor for files outside the workspace folders or linked from inside them', { skip: HAVE_GIT && POSIX ? false : 'needs git and a POSIX shell' }, async () => {
  const inside = newRepo('spanscope-inside-');
  const outside = newRepo('spanscope-outside-');
  const bin = realpathSync(mkdtempSync(join(tmpdir(), 'spanscope-bin-')));
  try {
    for (const r of [inside, outside]) {
      writeFileSync(join(r.dir, 'x.js'), 'x\n');
      r.git('add', '.');
      r.git('commit', '-q', '-m', 'one');
    }
    symlinkSync(join(outside.dir, 'x.js'), join(inside.dir, 'link.js'));
    // Every git the extension starts goes through this recorder (the first git on PATH).
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$PWD $*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    process.env.PATH = `${bin}${delimiter}${originalPath}`;
    resetGitPathForTests();
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    const late = Date.parse('2027-01-01T00:00:00Z');

    useFolders(inside.dir);
    fakeVscode.workspaceTrusted = false;
    assert.equal((await fileDrift(join(inside.dir, 'x.js'), 0)).drifted, false);
    assert.deepEqual(calls(), [], 'Restricted Mode: no git');

    fakeVscode.workspaceTrusted = true;
    assert.equal((await fileDrift(join(outside.dir, 'x.js'), 0)).drifted, false);
    assert.equal((await fileDrift(join(inside.dir, 'link.js'), 0)).drifted, false);
    assert.deepEqual(calls(), [], 'outside the folders, or a link to outside: no git');

    // The same file inside a trusted folder: git runs (through the recorder), and finds the drift.
    assert.equal((await fileDrift(join(inside.dir, 'x.js'), 0)).drifted, true);
    assert.ok(calls().length > 0 && calls().every(c => c.startsWith(inside.dir)), calls().join('\n'));
    assert.equal((await fileDrift(join(inside.dir, 'x.js'), late)).drifted, false);
  } finally {
    for (const d of [inside.dir, outside.dir, bin]) rmSync(d, { recursive: true, force: true });
  }
});

test('a partial clone whose remote is a command is not fetched from (lazy fetch of the trace\'s old blob)', { skip: HAVE_GIT && POSIX ? false : 'needs git and a POSIX shell' }, async () => {
  const origin = newRepo('spanscope-origin-');
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'spanscope-partial-')));
  try {
    writeFileSync(join(origin.dir, 'x.js'), 'a\nb\n');
    origin.git('add', '.');
    origin.git('commit', '-q', '-m', 'one');
    const old = origin.git('rev-parse', 'HEAD');
    writeFileSync(join(origin.dir, 'x.js'), 'a\nb\nc\n');
    origin.git('commit', '-q', '-am', 'two');
    origin.git('config', 'uploadpack.allowFilter', 'true');
    // Only the newest blobs come along; the old x.js is fetched from "origin" when something needs it.
    execFileSync('git', ['clone', '-q', '--filter=blob:none', `file://${origin.dir}`, join(work, 'repo')]);
    const repo = join(work, 'repo');
    const marker = join(work, 'PWNED');
    execFileSync('git', ['config', 'remote.origin.url', `ext::sh -c touch% ${marker}% ;% false`], { cwd: repo });
    execFileSync('git', ['config', 'protocol.ext.allow', 'always'], { cwd: repo });
    writeFileSync(join(repo, 'x.js'), 'a\nb\nc\nd\n');
    // Really hostile: plain git runs the remote's command to get the old blob.
    spawnSync('git', ['diff', old, '--', 'x.js'], { cwd: repo });
    assert.ok(existsSync(marker), 'plain git ran the ext:: remote');
    rmSync(marker);

    useFolders(repo);
    await fileDrift(join(repo, 'x.js'), 0, old);
    assert.equal(existsSync(marker), false, 'drift did not');
  } finally {
    rmSync(origin.dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
