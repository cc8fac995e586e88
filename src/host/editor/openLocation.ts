// Opens a mapped location (Hot spots, Findings, saved mappings). Files outside the workspace folders are opened
// only after the user agrees: the path came from span data. "Inside" is judged on the real path, links resolved.
import * as vscode from 'vscode';
import { codeLine, toEditorLine } from '../../core/mapping/lines';
import { isTrustedLocation } from '../../core/mapping/resolve';
import { realLocationInWorkspace } from '../workspaceTrust';
import type { AnnotationModel } from './annotationModel';

export async function openMappedLocation(path: string, line: number, model: AnnotationModel, log?: vscode.LogOutputChannel): Promise<vscode.TextEditor | undefined> {
  const l = codeLine(line);
  if (l === undefined || !path.startsWith('/')) return undefined;
  const inside = isTrustedLocation(path, { folders: model.mapper.folders.map(f => f.path) }) && await realLocationInWorkspace(path) !== undefined;
  if (!inside) {
    const open = vscode.l10n.t('Open');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('The trace points at a file outside your workspace folders: {0}. Open it?', path), { modal: true, detail: vscode.l10n.t('Span data comes from the traced application and is not trusted.') }, open);
    if (choice !== open) return undefined;
  }
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    const line0 = Math.min(toEditorLine(l), Math.max(0, doc.lineCount - 1));
    const pos = new vscode.Position(line0, 0);
    const editor = await vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(pos, pos) });
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  } catch (err) {
    log?.warn(`cannot open ${path}: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Cannot open {0}.', path));
    return undefined;
  }
}
