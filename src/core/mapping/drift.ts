// Code drift: the trace was recorded against another version of the file. The commit, when the trace names
// one (resource attributes), lets the host diff that commit with the working copy and move lines through it.
import { attrToString, type Attributes } from '../model';

export interface TraceRevision {
  /** A VCS commit id (hex, 7..64 chars), when an attribute names one. */
  readonly commit?: string;
  /** The attribute it came from. */
  readonly commitKey?: string;
  /** service.version as written. */
  readonly version?: string;
}

const COMMIT_KEYS = ['vcs.ref.head.revision', 'vcs.repository.ref.revision', 'vcs.revision', 'git.commit.sha', 'git.commit.id', 'scm.revision', 'commit.sha'];
const HEX_RE = /^[0-9a-f]{7,64}$/i;

export function revisionOf(attrs: Attributes): TraceRevision {
  let version: string | undefined;
  for (const a of attrs) if (a.key === 'service.version') { version = attrToString(a.value).slice(0, 200); break; }
  for (const key of COMMIT_KEYS) {
    const a = attrs.find(x => x.key === key);
    if (a && typeof a.value === 'string' && HEX_RE.test(a.value)) return version === undefined ? { commit: a.value.toLowerCase(), commitKey: key } : { commit: a.value.toLowerCase(), commitKey: key, version };
  }
  // service.version is often a commit (sha or "1.4.2+abc1234").
  if (version !== undefined) {
    const m = /(?:^|[+\-_.@g])([0-9a-f]{7,40})$/i.exec(version);
    if (m && /[a-f]/i.test(m[1]!) && /\d/.test(m[1]!)) return { commit: m[1]!.toLowerCase(), commitKey: 'service.version', version };
    return { version };
  }
  return {};
}

export interface DiffHunk {
  /** 1-based first old line, and count (0 for a pure insertion, which then sits after oldStart). */
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
}

/** Hunk headers of a unified diff (`git diff -U0 <commit> -- file`). */
export function parseDiffHunks(diff: string): DiffHunk[] {
  const out: DiffHunk[] = [];
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    out.push({ oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]) });
  }
  return out;
}

/**
 * Where a 1-based line of the old file is in the new one; undefined when the hunk that contains it changed
 * or deleted it (its spans are then shown as drifted, not on an arbitrary line).
 */
export function mapLineThroughDiff(hunks: readonly DiffHunk[], oldLine: number): number | undefined {
  let delta = 0;
  for (const h of hunks) {
    // A pure insertion (oldCount 0) sits after oldStart.
    const first = h.oldCount === 0 ? h.oldStart + 1 : h.oldStart;
    if (oldLine < first) break;
    if (h.oldCount > 0 && oldLine < h.oldStart + h.oldCount) return undefined;
    delta += h.newCount - h.oldCount;
  }
  return oldLine + delta;
}

export interface DriftVerdict {
  readonly drifted: boolean;
  readonly reason?: string;
}

/**
 * Drift for a file from what is known: the trace's start, the file's last commit time and commit, and the
 * commit the trace names. `headCommit` is the working copy's HEAD; `dirty` means uncommitted changes.
 */
export function judgeDrift(input: { traceStartMs: number; fileLastCommitMs?: number; dirty?: boolean; traceCommit?: string; headCommit?: string; changedSinceTraceCommit?: boolean }): DriftVerdict {
  if (input.traceCommit !== undefined && input.headCommit !== undefined && !input.headCommit.startsWith(input.traceCommit) && !input.traceCommit.startsWith(input.headCommit)) {
    if (input.changedSinceTraceCommit === false && !input.dirty) return { drifted: false };
    return { drifted: true, reason: `the trace was recorded at commit ${input.traceCommit.slice(0, 8)}, the workspace is at ${input.headCommit.slice(0, 8)}` };
  }
  if (input.fileLastCommitMs !== undefined && input.fileLastCommitMs > input.traceStartMs) {
    return { drifted: true, reason: `the file was committed ${new Date(input.fileLastCommitMs).toISOString()}, after the trace was recorded` };
  }
  if (input.dirty) return { drifted: true, reason: 'the file has uncommitted changes' };
  return { drifted: false };
}
