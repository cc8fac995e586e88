// Jump to source: from a code location written in span data (untrusted) to an open editor at the line.
// Resolution lives in `resolveSource`, the one place to extend (path mappings, source maps, symbols come with the
// editor surfaces); the 1-based → 0-based conversion is `toEditorPosition` in sourcePaths.ts.
import * as vscode from 'vscode';
import { bestSuffixMatch, classifySpanPath, isInside, toEditorPosition } from './sourcePaths';

/** A code location as the webview or a span gives it: path as written, 1-based line and column. */
export interface SourceRequest {
  readonly filePath: string;
  readonly line?: number;
  readonly column?: number;
}

export type HowResolved = 'absolute' | 'workspace-relative' | 'suffix';

export type SourceResolution =
  | {
    readonly kind: 'resolved';
    readonly uri: vscode.Uri;
    readonly how: HowResolved;
    /** Inside a workspace folder: may be opened without asking. */
    readonly inWorkspace: boolean;
    /** Several workspace files matched equally well; `uri` is the first. */
    readonly ambiguous?: boolean;
  }
  | { readonly kind: 'unresolved'; readonly reason: string };

/** A step that may resolve a request before the built-in ones (G's path mappings plug in here). */
export type SourceResolverStep = (req: SourceRequest, token?: vscode.CancellationToken) => Promise<SourceResolution | undefined>;

const extraSteps: SourceResolverStep[] = [];

/** Adds a resolution step tried before the built-in ones, in registration order. */
export function registerSourceResolverStep(step: SourceResolverStep): vscode.Disposable {
  extraSteps.push(step);
  return new vscode.Disposable(() => {
    const i = extraSteps.indexOf(step);
    if (i >= 0) extraSteps.splice(i, 1);
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const st = await vscode.workspace.fs.stat(uri);
    return (st.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

function folders(): readonly vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file');
}

export function isInWorkspace(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && folders().some(f => isInside(f.uri.fsPath, uri.fsPath));
}

/** Resolves a span's file path to a file: absolute path, then workspace-relative, then longest suffix match. */
export async function resolveSource(req: SourceRequest, token?: vscode.CancellationToken): Promise<SourceResolution> {
  for (const step of extraSteps) {
    const r = await step(req, token);
    if (r) return r;
  }
  const cls = classifySpanPath(req.filePath);
  if (cls.kind === 'rejected') return { kind: 'unresolved', reason: cls.reason };
  if (cls.kind === 'absolute') {
    const uri = vscode.Uri.file(cls.path);
    if (await exists(uri)) return { kind: 'resolved', uri, how: 'absolute', inWorkspace: isInWorkspace(uri) };
  } else {
    for (const f of folders()) {
      const uri = vscode.Uri.joinPath(f.uri, cls.path);
      if (isInside(f.uri.fsPath, uri.fsPath) && await exists(uri)) return { kind: 'resolved', uri, how: 'workspace-relative', inWorkspace: true };
    }
  }
  // Suffix match: the deployed path (/app/src/x.ts, C:\build\src\x.ts) rarely equals the local one.
  const base = cls.path.split(/[\\/]/).pop();
  if (!base || folders().length === 0) return { kind: 'unresolved', reason: 'no workspace file matches' };
  const found = await vscode.workspace.findFiles(`**/${escapeGlob(base)}`, '**/node_modules/**', 500, token);
  const best = bestSuffixMatch(cls.path, found.filter(isInWorkspace).map(u => u.fsPath));
  if (!best) return { kind: 'unresolved', reason: `no workspace file named ${base}` };
  return { kind: 'resolved', uri: vscode.Uri.file(best.path), how: 'suffix', inWorkspace: true, ambiguous: best.ambiguous };
}

function escapeGlob(s: string): string {
  return s.replace(/[[\]{}*?!]/g, c => `[${c}]`);
}

/**
 * Opens a span's code location in an editor at its line. A file outside the workspace folders is opened only
 * after the user agrees. Returns the editor, or undefined when nothing was opened (the user was told why).
 */
export async function openSource(req: SourceRequest, log?: vscode.LogOutputChannel, options: { preview?: boolean } = {}): Promise<vscode.TextEditor | undefined> {
  const res = await resolveSource(req);
  if (res.kind === 'unresolved') {
    log?.info(`jump to source: ${JSON.stringify(req.filePath)} not opened: ${res.reason}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Cannot open {0}: {1}.', shorten(req.filePath), res.reason));
    return undefined;
  }
  if (!res.inWorkspace) {
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The trace points at a file outside your workspace folders: {0}. Open it?', res.uri.fsPath),
      { modal: true, detail: vscode.l10n.t('Span data comes from the traced application and is not trusted.') },
      open,
    );
    if (choice !== open) return undefined;
  }
  if (res.ambiguous) log?.info(`jump to source: ${req.filePath} matched several workspace files; opened ${res.uri.fsPath}`);
  const pos = toEditorPosition(req.line, req.column);
  const doc = await vscode.workspace.openTextDocument(res.uri);
  const line = Math.min(pos.line0, Math.max(0, doc.lineCount - 1));
  const position = new vscode.Position(line, pos.character0);
  const editor = await vscode.window.showTextDocument(doc, { preview: options.preview ?? true, selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

function shorten(p: string): string {
  return p.length > 120 ? `…${p.slice(-119)}` : p;
}
