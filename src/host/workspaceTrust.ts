// Where a file really is, for decisions that depend on the workspace: open it without asking, run git on it.
// A path is judged by where it leads on disk, not by how it is spelled: a link inside a workspace folder that
// points at ~/.ssh/id_rsa is outside. Workspace folders are resolved the same way (a folder opened through a
// link is judged by its target).
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';

export interface RealLocation {
  /** The file's path with every link resolved. */
  readonly real: string;
  /** The resolved workspace folder that contains it. */
  readonly folder: string;
}

async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

function contains(root: string, p: string): boolean {
  const ci = process.platform === 'win32' || process.platform === 'darwin';
  const rel = relative(ci ? root.toLowerCase() : root, ci ? p.toLowerCase() : p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The resolved file and workspace folder when `path` (a local file) really lies inside a workspace folder. */
export async function realLocationInWorkspace(path: string): Promise<RealLocation | undefined> {
  const file = await real(path);
  if (file === undefined) return undefined;
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const folder = await real(f.uri.fsPath);
    if (folder !== undefined && contains(folder, file)) return { real: file, folder };
  }
  return undefined;
}

/**
 * Whether a program (git) may be run on `path`: only in a trusted workspace (Restricted Mode runs nothing), and only
 * for a file that really lies inside a workspace folder (the user trusted those folders, not the rest of the disk).
 */
export async function processLocationFor(path: string): Promise<RealLocation | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  return realLocationInWorkspace(path);
}
