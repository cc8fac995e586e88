// Jump to source: from a code location written in span data (untrusted) to an open editor at the line.
// Resolution lives in `resolveSource`, the one place to extend (path mappings, source maps, symbols come with the
// editor surfaces); the 1-based → 0-based conversion is `toEditorPosition` in sourcePaths.ts.
import * as vscode from 'vscode';
import { basename, isCaseInsensitive, isInside, normalizeLocalPath, parseSpanPath } from '../core/mapping/paths';
import { SuffixIndex } from '../core/mapping/suffixIndex';
import { toEditorPosition } from './sourcePaths';
import { realLocationInWorkspace } from './workspaceTrust';

/** A code location as the webview or a span gives it: path as written, 1-based line and column. */
export interface SourceRequest {
  readonly filePath: string;
  readonly line?: number;
  readonly column?: number;
}

export type HowResolved = 'absolute' | 'workspace-relative' | 'suffix' | 'path-mapping' | 'source-map';

export type SourceResolution =
  | {
    readonly kind: 'resolved';
    readonly uri: vscode.Uri;
    readonly how: HowResolved;
    /** Inside a workspace folder: may be opened without asking. */
    readonly inWorkspace: boolean;
    /** Several workspace files matched equally well; `uri` is the first. */
    readonly ambiguous?: boolean;
    /** 1-based position in `uri` when it differs from the request's (a source map moved it). */
    readonly line?: number;
    readonly column?: number;
  }
  | { readonly kind: 'unresolved'; readonly reason: string };

/** A step that may resolve a request before the built-in ones (G's path mappings plug in here). */
export type SourceResolverStep = (req: SourceRequest, token?: vscode.CancellationToken) => Promise<SourceResolution | undefined>;

const extraSteps: SourceResolverStep[] = [];

/**
 * Opens a span's mapped location (the editor surfaces register it: they hold the mapping). Resolves true when it
 * handled the request (opened, or the user dismissed the choice), false to fall back to resolving `filePath`;
 * rejects with the reason when the span has no code location at all.
 */
export type SpanSourceOpener = (traceKey: string, spanId: string, filePath: string | undefined) => Promise<boolean>;
let spanOpener: SpanSourceOpener | undefined;

export function registerSpanSourceOpener(opener: SpanSourceOpener): vscode.Disposable {
  spanOpener = opener;
  return new vscode.Disposable(() => { if (spanOpener === opener) spanOpener = undefined; });
}

export function openSpanSource(traceKey: string, spanId: string, filePath: string | undefined): Promise<boolean> {
  return spanOpener ? spanOpener(traceKey, spanId, filePath) : Promise.resolve(false);
}

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

/** Normalized local path ('/a/b', 'C:/a/b') of a file URI, in the core's path form. */
function localPath(uri: vscode.Uri): string | undefined {
  return uri.scheme === 'file' ? normalizeLocalPath(uri.fsPath) : undefined;
}

export function isInWorkspace(uri: vscode.Uri): boolean {
  const p = localPath(uri);
  if (p === undefined) return false;
  const ci = process.platform === 'win32';
  return folders().some(f => {
    const root = localPath(f.uri);
    return root !== undefined && p !== root && isInside(p, root, ci);
  });
}

/**
 * Resolves a span's file path to a file: extension steps first (path mappings), then the path as written when it
 * is absolute here, then relative to each workspace folder, then the workspace file with the longest common suffix.
 * The path is parsed by the core's hostile-path guard (`parseSpanPath`): other URI schemes, device paths and
 * traversal above a root never get here; UNC paths are not opened.
 */
export async function resolveSource(req: SourceRequest, token?: vscode.CancellationToken): Promise<SourceResolution> {
  for (const step of extraSteps) {
    const r = await step(req, token);
    if (r) return r;
  }
  const verdict = parseSpanPath(req.filePath);
  if (!verdict.ok) return { kind: 'unresolved', reason: verdict.reason };
  const p = verdict.path;
  if (p.flavor === 'unc') return { kind: 'unresolved', reason: 'network (UNC) paths are not opened' };
  const absoluteHere = p.flavor === 'posix' ? process.platform !== 'win32' : p.flavor === 'windows' ? process.platform === 'win32' : false;
  if (absoluteHere && !p.fromBundlerUri) {
    const uri = vscode.Uri.file(p.normalized);
    if (await exists(uri)) return { kind: 'resolved', uri, how: 'absolute', inWorkspace: isInWorkspace(uri) };
  } else if (p.flavor === 'relative' && !p.climbs) {
    for (const f of folders()) {
      const uri = vscode.Uri.joinPath(f.uri, p.normalized);
      if (isInWorkspace(uri) && await exists(uri)) return { kind: 'resolved', uri, how: 'workspace-relative', inWorkspace: true };
    }
  }
  // Suffix match: the deployed path (/app/src/x.ts, C:\build\src\x.ts) rarely equals the local one.
  const base = basename(p.normalized);
  if (!base || base === '..' || folders().length === 0) return { kind: 'unresolved', reason: 'no workspace file matches' };
  const found = await vscode.workspace.findFiles(`**/${escapeGlob(base)}`, '**/node_modules/**', 2000, token);
  const index = new SuffixIndex();
  const byPath = new Map<string, vscode.Uri>();
  for (const uri of found) {
    const lp = localPath(uri);
    if (lp !== undefined && isInWorkspace(uri)) { index.add(lp); byPath.set(lp, uri); }
  }
  const m = index.match(p.segments.filter(s => s !== '..'), { caseInsensitive: isCaseInsensitive(p) });
  if (m.kind === 'none') return { kind: 'unresolved', reason: `no workspace file named ${base}` };
  const path = m.kind === 'unique' ? m.path : m.candidates[0]!;
  return { kind: 'resolved', uri: byPath.get(path) ?? vscode.Uri.file(path), how: 'suffix', inWorkspace: true, ambiguous: m.kind === 'ambiguous' };
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
  // "In the workspace" as written is not enough: a link inside a folder may lead anywhere on the disk.
  const inside = res.inWorkspace && res.uri.scheme === 'file' && await realLocationInWorkspace(res.uri.fsPath) !== undefined;
  if (!inside) {
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The trace points at a file outside your workspace folders: {0}. Open it?', res.uri.fsPath),
      { modal: true, detail: vscode.l10n.t('Span data comes from the traced application and is not trusted.') },
      open,
    );
    if (choice !== open) return undefined;
  }
  if (res.ambiguous) log?.info(`jump to source: ${req.filePath} matched several workspace files; opened ${res.uri.fsPath}`);
  const pos = res.line !== undefined ? toEditorPosition(res.line, res.column) : toEditorPosition(req.line, req.column);
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
