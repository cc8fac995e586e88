// A MappingWorkspace over a directory on disk, for the CLI (and tests and benchmarks): walks DIR once, skipping
// dependencies, VCS data and build output, without following symbolic links, up to MAX_FILES files. Files are read
// on demand; each file's version is its mtime and size at the walk.
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeLocalPath } from '../core/mapping/paths';
import { SuffixIndex } from '../core/mapping/suffixIndex';
import type { MappingWorkspace } from '../core/mapping/engine/types';
import type { SyntaxService } from '../core/mapping/syntax/types';

/** Directories never walked: dependencies, VCS data, caches, build output. */
export const IGNORED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache',
  'target', 'build', 'dist', 'out', 'vendor', '.gradle', '.idea', '.vscode-test', 'bin', 'obj', '.next', '.nuxt',
  'coverage', '.cache', '.terraform', 'bower_components',
]);
export const MAX_FILES = 200_000;
const MAX_DEPTH = 40;
const MAX_READ_BYTES = 2_000_000;

export interface NodeWorkspace extends MappingWorkspace {
  /** The walk stopped at MAX_FILES. */
  readonly truncated: boolean;
}

export function nodeWorkspace(dir: string, syntax?: SyntaxService): NodeWorkspace {
  const root = normalizeLocalPath(dir);
  if (root === undefined) throw new Error(`not an absolute path: ${dir}`);
  const index = new SuffixIndex();
  const versions = new Map<string, string>();
  let truncated = false;
  const walk = (abs: string, depth: number): void => {
    if (depth > MAX_DEPTH || truncated) return;
    let entries;
    try { entries = readdirSync(abs, { withFileTypes: true }); } catch { return; }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (truncated) return;
      const p = join(abs, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile()) {
        const n = normalizeLocalPath(p);
        if (n === undefined) continue;
        if (index.size >= MAX_FILES) { truncated = true; return; }
        index.add(n);
      }
    }
  };
  walk(dir, 0);
  return {
    folders: [root],
    index,
    truncated,
    // Synchronous reads: the CLI maps one trace and exits, nothing waits on its event loop, and a 5,000-file scan
    // read this way takes a fraction of the time of as many promise round trips through the thread pool.
    readText(path: string): Promise<string | undefined> {
      try {
        const st = lstatSync(path);
        if (!st.isFile() || st.size > MAX_READ_BYTES) return Promise.resolve(undefined);
        versions.set(path, `${st.mtimeMs}:${st.size}`);
        return Promise.resolve(readFileSync(path, 'utf8'));
      } catch { return Promise.resolve(undefined); }
    },
    version(path: string): string | undefined {
      const v = versions.get(path);
      if (v !== undefined) return v;
      try { const st = statSync(path); const s = `${st.mtimeMs}:${st.size}`; versions.set(path, s); return s; } catch { return undefined; }
    },
    exists(path: string): boolean {
      if (index.has(path)) return true;
      try { return statSync(path).isFile(); } catch { return false; }
    },
    ...(syntax ? { syntax } : {}),
  };
}
