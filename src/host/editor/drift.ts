// Code drift through git: has the file changed since the trace was recorded? When the trace names its commit
// (vcs.ref.head.revision, service.version with a sha…), lines move through `git diff -U0 <commit> -- file`.
//
// Git is a program that a repository can configure to run other programs: `core.fsmonitor`, filter drivers
// (`filter.<name>.clean`), diff drivers (`textconv`, `diff.external`), signature checks (`log.showSignature` with
// `gpg.program`), hooks, and transports for missing objects. A repository downloaded as an archive carries its
// `.git/config`, so merely looking at one of its files must not run any of these. Hence:
// - git runs only in a trusted workspace, only for files that really (links resolved) lie in a workspace folder,
//   and never looks for a repository above that folder (GIT_CEILING_DIRECTORIES);
// - every command-naming setting is overridden on the command line (which wins over the repository's config);
//   filter drivers have user-chosen names, so they are listed first (reading config runs nothing) and blanked;
// - git is found on PATH by absolute directories only (Windows would otherwise run a git.exe from the file's folder);
// - the environment carries no inherited GIT_* variables, no prompts, no pager, no lazy fetches.
// VS Code's own git extension does not open repositories in Restricted Mode at all; this follows the same rule.
// git runs with execFile (no shell); arguments are never built from span text except a validated hex commit.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { devNull } from 'node:os';
import { delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import { judgeDrift, mapLineThroughDiff, parseDiffHunks, type DiffHunk } from '../../core/mapping/drift';
import { processLocationFor, type RealLocation } from '../workspaceTrust';

export interface FileDrift {
  readonly drifted: boolean;
  readonly reason?: string;
  /** Present when the trace's commit is known: old 1-based line → current line (undefined when changed). */
  readonly hunks?: readonly DiffHunk[];
}

/** Settings that make git run a program, overridden for every call (filter drivers are added per repository). */
const SAFE_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  `core.hooksPath=${devNull}`,
  'core.sshCommand=',
  'diff.external=',
  'log.showSignature=false',
  // Objects missing from a partial clone are fetched on demand, through the repository's remote (an `ext::` URL
  // runs a command). GIT_NO_LAZY_FETCH stops that on git ≥ 2.44 (and patched older ones); for the rest every
  // transport is refused here, by name, since a per-transport setting in the repository beats protocol.allow.
  'protocol.allow=never',
  ...['ext', 'file', 'ssh', 'git', 'http', 'https', 'fd'].map(p => `protocol.${p}.allow=never`),
  'submodule.recurse=false',
].flatMap(c => ['-c', c]);

let gitPath: string | null | undefined;

/** The git executable from PATH's absolute directories (null when there is none). Tests reset it. */
export function findGit(): string | null {
  if (gitPath !== undefined) return gitPath;
  const names = process.platform === 'win32' ? ['git.exe'] : ['git'];
  gitPath = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const n of names) {
      const p = join(dir, n);
      try {
        accessSync(p, constants.X_OK);
        gitPath = p;
        return p;
      } catch {
        // not here
      }
    }
  }
  return gitPath;
}

export function resetGitPathForTests(): void {
  gitPath = undefined;
}

function gitEnv(loc: RealLocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^GIT_/i.test(k)) env[k] = v;
  return {
    ...env,
    GIT_CEILING_DIRECTORIES: dirname(loc.folder),
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_LAZY_FETCH: '1',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
  };
}

interface Git {
  (args: string[]): Promise<string | undefined>;
}

function runner(loc: RealLocation, git: string, extraConfig: readonly string[]): Git {
  const cwd = dirname(loc.real);
  const env = gitEnv(loc);
  return args => new Promise(resolve => {
    execFile(git, ['--no-optional-locks', '--literal-pathspecs', ...SAFE_CONFIG, ...extraConfig, ...args], { cwd, env, timeout: 5000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/** `-c filter.<name>.clean= …` for every filter driver the repository's config defines. */
async function blankFilters(git: Git): Promise<string[] | undefined> {
  const out = await git(['config', '--null', '--name-only', '--get-regexp', '^filter\\.']);
  const names = new Set<string>();
  for (const key of (out ?? '').split('\0')) {
    const m = /^filter\.(.+)\.[^.]+$/s.exec(key.trim());
    if (m) names.add(m[1]!);
  }
  // `-c key=value` splits at the first "=": a driver whose name holds one could not be blanked, so git is not run.
  if ([...names].some(n => n.includes('='))) return undefined;
  return [...names].flatMap(n => ['-c', `filter.${n}.clean=`, '-c', `filter.${n}.smudge=`, '-c', `filter.${n}.process=`, '-c', `filter.${n}.required=false`]);
}

const cache = new Map<string, Promise<FileDrift>>();

/** Drift of `file` relative to a trace that started at `traceStartMs` and (maybe) names `traceCommit`. */
export async function fileDrift(file: string, traceStartMs: number, traceCommit?: string): Promise<FileDrift> {
  // Checked on every call, before the cache: trust can be granted (never revoked without a reload), folders change.
  const loc = await processLocationFor(file);
  if (loc === undefined) return { drifted: false };
  const key = `${file}\u0000${traceStartMs}\u0000${traceCommit ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    p = computeDrift(loc, traceStartMs, traceCommit);
    cache.set(key, p);
    if (cache.size > 500) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

export function clearDriftCache(): void {
  cache.clear();
}

async function computeDrift(loc: RealLocation, traceStartMs: number, traceCommit?: string): Promise<FileDrift> {
  const gitExe = findGit();
  if (gitExe === null) return { drifted: false };
  const plain = runner(loc, gitExe, []);
  const filters = await blankFilters(plain);
  if (filters === undefined) return { drifted: false };
  const git = runner(loc, gitExe, filters);
  // The path relative to the file's own folder: git gets no absolute path it could resolve through another link.
  const file = relative(dirname(loc.real), loc.real);
  const last = await git(['log', '-1', '--format=%ct', '--', file]);
  if (last === undefined) return { drifted: false }; // not a git checkout, or git missing
  const status = await git(['status', '--porcelain', '--ignore-submodules=all', '--', file]);
  const head = (await git(['rev-parse', 'HEAD']))?.trim();
  const commit = traceCommit !== undefined && /^[0-9a-f]{7,64}$/.test(traceCommit) ? traceCommit : undefined;
  let hunks: DiffHunk[] | undefined;
  let changedSinceTraceCommit: boolean | undefined;
  if (commit !== undefined) {
    const diff = await git(['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', commit, '--', file]);
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
