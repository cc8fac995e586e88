// The mapping engine's view of the VS Code workspace: the file index the CodeMapper keeps, open documents' text
// before the disk's (unsaved edits are what the user sees), and a version per file that changes with the document
// or with the file watcher, so outlines are parsed again only for files that changed.
import * as vscode from 'vscode';
import type { CompactView } from '../../protocol/compact';
import { normalizeLocalPath } from '../../core/mapping/paths';
import type { SuffixIndex } from '../../core/mapping/suffixIndex';
import { attributeKeysOf, ENGINE_ATTRIBUTES, type MappingWorkspace, type SpanFacts } from '../../core/mapping/engine/types';
import type { SyntaxService } from '../../core/mapping/syntax/types';
import { codeFactsOf } from '../../core/mapping/engine/facts';
import { Disposable } from '../lifecycle';

const MAX_READ_BYTES = 1_000_000;

/** SpanFacts of span i of a compact trace (what the engine reads; code.* only when not a stack-trace fallback). */
export function factsFromView(view: CompactView, i: number): SpanFacts {
  const attributes: Record<string, string> = {};
  for (const a of view.attributes(i)) if (ENGINE_ATTRIBUTES.includes(a.key) && !(a.key in attributes)) attributes[a.key] = a.value;
  const stackTraces: string[] = [];
  if (view.eventCount(i) > 0) {
    for (const e of view.events(i)) for (const a of e.attributes) if (a.key === 'exception.stacktrace') stackTraces.push(a.value);
  }
  const code = codeFactsOf(view.codeLocation(i));
  // attribute names tell overloads apart, which only a span naming its function needs (other spans keep batching)
  const keys = code?.function !== undefined ? attributeKeysOf(view.attributes(i).map(a => a.key)) : undefined;
  return { service: view.service(i), name: view.name(i), kind: view.kind(i), ...(code ? { code } : {}), attributes, ...(keys ? { attributeKeys: keys } : {}), stackTraces };
}

export class HostMappingWorkspace extends Disposable implements MappingWorkspace {
  private readonly _generation = new Map<string, number>();
  private readonly _onDidChangeFile = this._register(new vscode.EventEmitter<string>());
  /** A file's content changed on disk or in an editor (the engine forgets what it derived from it). */
  readonly onDidChangeFile = this._onDidChangeFile.event;

  constructor(private readonly _getIndex: () => SuffixIndex | undefined, private readonly _getFolders: () => readonly string[], readonly syntax?: SyntaxService) {
    super();
    const bump = (uri: vscode.Uri, saved: boolean) => {
      const p = uri.scheme === 'file' ? normalizeLocalPath(uri.fsPath) : undefined;
      if (p === undefined) return;
      this._generation.set(p, (this._generation.get(p) ?? 0) + 1);
      // Typing only makes the file's outline stale (its version changed); a change on disk also stales the scan
      if (saved) this._onDidChangeFile.fire(p);
    };
    const w = this._register(vscode.workspace.createFileSystemWatcher('**/*', true, false, true));
    this._register(w.onDidChange(uri => bump(uri, true)));
    this._register(vscode.workspace.onDidChangeTextDocument(e => { if (e.contentChanges.length > 0) bump(e.document.uri, false); }));
  }

  get folders(): readonly string[] {
    return this._getFolders();
  }

  get index(): SuffixIndex {
    const i = this._getIndex();
    if (!i) throw new Error('the workspace file index is not built yet');
    return i;
  }

  private _document(path: string): vscode.TextDocument | undefined {
    const docs = vscode.workspace.textDocuments;
    if (!Array.isArray(docs)) return undefined;
    return docs.find(d => d.uri.scheme === 'file' && normalizeLocalPath(d.uri.fsPath) === path);
  }

  version(path: string): string | undefined {
    const d = this._document(path);
    return d ? `d${d.version}:${this._generation.get(path) ?? 0}` : `f${this._generation.get(path) ?? 0}`;
  }

  async readText(path: string): Promise<string | undefined> {
    const d = this._document(path);
    if (d) return d.getText();
    try {
      const uri = vscode.Uri.file(path);
      const st = await vscode.workspace.fs.stat(uri);
      if (st.size > MAX_READ_BYTES) return undefined;
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  exists(path: string): boolean {
    return this._getIndex()?.has(path) ?? false;
  }
}
