// A MappingWorkspace over a directory on disk, for the CLI (and the MCP server, tests and benchmarks): DIR walked
// once (src/worker/workspaceFiles.ts), files read on demand; each file's version is its mtime and size when read.
// `spanscope map` first has the walk and the reads done by a worker thread (readFolderInWorker) while it parses the
// trace, and gives what it read here.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { normalizeLocalPath } from '../core/mapping/paths';
import { SuffixIndex } from '../core/mapping/suffixIndex';
import type { MappingWorkspace } from '../core/mapping/engine/types';
import type { SyntaxService } from '../core/mapping/syntax/types';
import { readWorkspaceFile, walkFolder, type ReadFile } from '../worker/workspaceFiles';
import type { ReadFolder } from '../worker/workspace-reader';

export { IGNORED_DIRS, MAX_FILES } from '../worker/workspaceFiles';

export interface NodeWorkspace extends MappingWorkspace {
  /** The walk stopped at MAX_FILES. */
  readonly truncated: boolean;
}

/** `read`: the folder as the reader worker walked and read it (else it is walked here, synchronously). */
export function nodeWorkspace(dir: string, syntax?: SyntaxService, read?: ReadFolder): NodeWorkspace {
  const root = normalizeLocalPath(dir);
  if (root === undefined) throw new Error(`not an absolute path: ${dir}`);
  const { paths, truncated } = read ?? walkFolder(dir);
  const index = new SuffixIndex();
  for (const p of paths) index.add(p);
  const prefetched = read?.files;
  const versions = new Map<string, string>();
  const remember = (path: string, f: ReadFile): string => { versions.set(path, f.version); return f.text; };
  return {
    folders: [root],
    index,
    truncated,
    // Synchronous reads: the CLI maps one trace and exits, nothing waits on its event loop, and a 5,000-file scan
    // read this way takes a fraction of the time of as many promise round trips through the thread pool. A file
    // the worker read is given once from memory (the engine keeps what it needs).
    readText(path: string): Promise<string | undefined> {
      const early = prefetched?.get(path);
      if (early !== undefined) {
        prefetched!.delete(path);
        return Promise.resolve(remember(path, early));
      }
      const f = readWorkspaceFile(path);
      return Promise.resolve(f === undefined ? undefined : remember(path, f));
    },
    version(path: string): string | undefined {
      const v = versions.get(path) ?? prefetched?.get(path)?.version;
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

function readerPath(): string | undefined {
  // In the bundles __dirname is dist/; running the TypeScript sources (tests), the built worker in dist/.
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return [join(here, 'cli-workspace-reader.js'), join(here, '..', '..', 'dist', 'cli-workspace-reader.js')].find(existsSync);
}

export interface FolderReading {
  /** The walk and the files read; undefined when the worker could not run (not built, failed): then walk here. */
  readonly done: Promise<ReadFolder | undefined>;
  /** Stops the worker (the command ended early). */
  cancel(): void;
}

/** Walks DIR and reads its source files in a worker thread (dist/cli-workspace-reader.js). */
export function readFolderInWorker(dir: string): FolderReading {
  const path = readerPath();
  let w: Worker | undefined;
  try { w = path === undefined ? undefined : new Worker(path, { workerData: { dir } }); } catch { w = undefined; }
  if (w === undefined) return { done: Promise.resolve(undefined), cancel: () => undefined };
  const worker = w;
  const done = new Promise<ReadFolder | undefined>(resolve => {
    worker.once('message', (m: ReadFolder) => { resolve(m); void worker.terminate(); });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { done, cancel: () => void worker.terminate() };
}
