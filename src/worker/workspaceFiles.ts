// A workspace folder on disk, for the CLI and the MCP server (src/cli/nodeWorkspace.ts): the walk that lists its
// files, skipping dependencies, VCS data and build output, without following symbolic links, up to MAX_FILES; and
// the bounded read of one file. The workspace reader worker (workspace-reader.ts) runs the same walk and reads off
// the main thread.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeLocalPath } from '../core/mapping/paths';

/** Directories never walked: dependencies, VCS data, caches, build output. */
export const IGNORED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache',
  'target', 'build', 'dist', 'out', 'vendor', '.gradle', '.idea', '.vscode-test', 'bin', 'obj', '.next', '.nuxt',
  'coverage', '.cache', '.terraform', 'bower_components',
]);
export const MAX_FILES = 200_000;
const MAX_DEPTH = 40;
/** Larger files are not read (generated code, data): they hold no span's source. */
export const MAX_READ_BYTES = 2_000_000;

export interface WalkedFolder {
  /** Normalized absolute paths of the files, in walk order (each directory's entries sorted by name). */
  readonly paths: string[];
  /** The walk stopped at MAX_FILES. */
  readonly truncated: boolean;
}

export function walkFolder(dir: string): WalkedFolder {
  const paths: string[] = [];
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
        if (paths.length >= MAX_FILES) { truncated = true; return; }
        paths.push(n);
      }
    }
  };
  walk(dir, 0);
  return { paths, truncated };
}

export interface ReadFile {
  readonly text: string;
  /** mtime and size when read: what the syntax service caches outlines by. */
  readonly version: string;
}

/** A regular file's text, or undefined for what is not one, is too large, or cannot be read. */
export function readWorkspaceFile(path: string): ReadFile | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_READ_BYTES) return undefined;
    return { text: readFileSync(path, 'utf8'), version: `${st.mtimeMs}:${st.size}` };
  } catch { return undefined; }
}
