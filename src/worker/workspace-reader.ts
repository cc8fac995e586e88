// Worker-thread entry (dist/cli-workspace-reader.js): walks a workspace folder and reads the source files the mapping
// engine scans, then posts them all in one message (ReadFolder). `spanscope map` starts it first thing, so that the
// walk and thousands of reads happen on the other core while its main thread parses the trace.
import { parentPort, workerData } from 'node:worker_threads';
import { isScannedSource, MAX_SOURCE_FILES } from '../core/mapping/engine/sources';
import { readWorkspaceFile, walkFolder, type ReadFile } from './workspaceFiles';

/** What the worker posts: the walk, and the files read (path → text and version). */
export interface ReadFolder {
  readonly paths: string[];
  readonly truncated: boolean;
  readonly files: Map<string, ReadFile>;
}

const { dir } = workerData as { dir: string };
const { paths, truncated } = walkFolder(dir);
const files = new Map<string, ReadFile>();
let sources = 0;
for (const p of paths) {
  if (!isScannedSource(p)) continue;
  if (++sources > MAX_SOURCE_FILES) break;
  const f = readWorkspaceFile(p);
  if (f) files.set(p, f);
}
parentPort!.postMessage({ paths, truncated, files } satisfies ReadFolder);
