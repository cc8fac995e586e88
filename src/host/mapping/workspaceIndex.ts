// The workspace's files as a suffix index, for mapping span paths that do not exist as written. Built once on
// first use from findFiles (all folders of a multi-root workspace), then kept current by a FileSystemWatcher
// (create → add, delete → remove the file or everything under a deleted folder) and by folder changes.
import * as vscode from 'vscode';
import { normalizeLocalPath } from '../../core/mapping/paths';
import type { WorkspaceFolderRef } from '../../core/mapping/pathMappings';
import { SuffixIndex } from '../../core/mapping/suffixIndex';
import { Disposable } from '../lifecycle';

/** Folders never worth indexing: dependencies, VCS data, caches. Build outputs stay (their source maps matter). */
export const INDEX_EXCLUDE = '{**/node_modules/**,**/.git/**,**/.hg/**,**/.svn/**,**/__pycache__/**,**/.venv/**,**/venv/**,**/target/classes/**,**/.gradle/**,**/.idea/**,**/.vscode-test/**}';
export const MAX_INDEXED_FILES = 200_000;

export function workspaceFolderRefs(): WorkspaceFolderRef[] {
  const out: WorkspaceFolderRef[] = [];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const p = normalizeLocalPath(f.uri.fsPath);
    if (p !== undefined) out.push({ name: f.name, path: p });
  }
  return out;
}

function isExcluded(p: string): boolean {
  return /\/(node_modules|\.git|\.hg|\.svn|__pycache__|\.venv)\//.test(p);
}

export class WorkspaceFileIndex extends Disposable {
  private _index: SuffixIndex | undefined;
  private _building: Promise<SuffixIndex> | undefined;
  private _watcher: vscode.FileSystemWatcher | undefined;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Files were added or removed (mappings may change). Debounced by the listeners. */
  readonly onDidChange = this._onDidChange.event;
  /** How many files the last build found; `truncated` when MAX_INDEXED_FILES cut it short. */
  stats = { files: 0, buildMs: 0, truncated: false };

  constructor(private readonly _log?: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()));
  }

  /** The index, built on first call. */
  get(): Promise<SuffixIndex> {
    if (this._index) return Promise.resolve(this._index);
    return (this._building ??= this._build());
  }

  /** The index if built, without waiting. */
  peek(): SuffixIndex | undefined {
    return this._index;
  }

  invalidate(): void {
    this._index = undefined;
    this._building = undefined;
    this._onDidChange.fire();
  }

  private async _build(): Promise<SuffixIndex> {
    const started = performance.now();
    const index = new SuffixIndex();
    this._ensureWatcher();
    const uris = await vscode.workspace.findFiles('**/*', INDEX_EXCLUDE, MAX_INDEXED_FILES);
    for (const u of uris) {
      if (u.scheme !== 'file') continue;
      const p = normalizeLocalPath(u.fsPath);
      if (p !== undefined) index.add(p);
    }
    this.stats = { files: index.size, buildMs: performance.now() - started, truncated: uris.length >= MAX_INDEXED_FILES };
    this._log?.info(`workspace file index: ${index.size} files in ${this.stats.buildMs.toFixed(0)} ms${this.stats.truncated ? ' (truncated)' : ''}`);
    this._index = index;
    this._building = undefined;
    this._onDidChange.fire();
    return index;
  }

  private _ensureWatcher(): void {
    if (this._watcher) return;
    const w = this._register(vscode.workspace.createFileSystemWatcher('**/*', false, true, false));
    this._watcher = w;
    this._register(w.onDidCreate(uri => {
      const p = uri.scheme === 'file' ? normalizeLocalPath(uri.fsPath) : undefined;
      if (!p || !this._index || isExcluded(p)) return;
      // A created folder reports once; its files are found on the next build or as they are created.
      void vscode.workspace.fs.stat(uri).then(st => {
        if ((st.type & vscode.FileType.File) !== 0 && this._index) { this._index.add(p); this._onDidChange.fire(); }
      }, () => undefined);
    }));
    this._register(w.onDidDelete(uri => {
      const p = uri.scheme === 'file' ? normalizeLocalPath(uri.fsPath) : undefined;
      if (!p || !this._index) return;
      const removed = this._index.remove(p) ? 1 : this._index.removeUnder(p);
      if (removed > 0) this._onDidChange.fire();
    }));
  }
}
