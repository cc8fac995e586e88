// Code drift through git: has the file changed since the trace was recorded? When the trace names its commit
// (vcs.ref.head.revision, service.version with a sha…), lines move through `git diff -U0 <commit> -- file`.
// git runs with execFile (no shell), arguments are never built from span text except a validated hex commit.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { judgeDrift, mapLineThroughDiff, parseDiffHunks, type DiffHunk } from '../../core/mapping/drift';

export interface FileDrift {
  readonly drifted: boolean;
  readonly reason?: string;
  /** Present when the trace's commit is known: old 1-based line → current line (undefined when changed). */
  readonly hunks?: readonly DiffHunk[];
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile('git', args, { cwd, timeout: 5000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

const cache = new Map<string, Promise<FileDrift>>();

/** Drift of `file` relative to a trace that started at `traceStartMs` and (maybe) names `traceCommit`. */
export function fileDrift(file: string, traceStartMs: number, traceCommit?: string): Promise<FileDrift> {
  const key = `${file}\u0000${traceStartMs}\u0000${traceCommit ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    p = computeDrift(file, traceStartMs, traceCommit);
    cache.set(key, p);
    if (cache.size > 500) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

export function clearDriftCache(): void {
  cache.clear();
}

async function computeDrift(file: string, traceStartMs: number, traceCommit?: string): Promise<FileDrift> {
  const cwd = dirname(file);
  const last = await git(cwd, ['log', '-1', '--format=%ct', '--', file]);
  if (last === undefined) return { drifted: false }; // not a git checkout, or git missing
  const status = await git(cwd, ['status', '--porcelain', '--', file]);
  const head = (await git(cwd, ['rev-parse', 'HEAD']))?.trim();
  const commit = traceCommit !== undefined && /^[0-9a-f]{7,64}$/.test(traceCommit) ? traceCommit : undefined;
  let hunks: DiffHunk[] | undefined;
  let changedSinceTraceCommit: boolean | undefined;
  if (commit !== undefined) {
    const diff = await git(cwd, ['diff', '-U0', '--no-color', '--no-ext-diff', commit, '--', file]);
    if (diff !== undefined) { hunks = parseDiffHunks(diff); changedSinceTraceCommit = hunks.length > 0; }
  }
  const lastMs = last.trim() === '' ? undefined : Number(last.trim()) * 1000;
  const verdict = judgeDrift({
    traceStartMs,
    ...(lastMs !== undefined && Number.isFinite(lastMs) ? { fileLastCommitMs: lastMs } : {}),
    dirty: (status ?? '').trim() !== '',
    ...(commit !== undefined ? { traceCommit: commit } : {}),
    ...(head ? { headCommit: head } : {}),
    ...(changedSinceTraceCommit !== undefined ? { changedSinceTraceCommit } : {}),
  });
  return { drifted: verdict.drifted, ...(verdict.reason ? { reason: verdict.reason } : {}), ...(hunks && hunks.length > 0 ? { hunks } : {}) };
}

export { mapLineThroughDiff };
