// "Map This Span to the Cursor Location": the user's own answer for a span that maps nowhere (or wrongly),
// remembered per service and span name in the workspace's state. Paths are stored relative to their workspace
// folder (by folder name) so the mapping survives moving the checkout.
import type * as vscode from 'vscode';
import { isInside } from '../../core/mapping/paths';
import type { WorkspaceFolderRef } from '../../core/mapping/pathMappings';

const KEY = 'spanscope.savedSpanMappings';
const MAX_SAVED = 2000;

interface StoredMapping {
  readonly folder: string;
  readonly relPath: string;
  /** 1-based. */
  readonly line: number;
}

export interface SavedLocation {
  /** Normalized absolute path. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
}

export function savedKey(service: string, spanName: string): string {
  return `${service}\u0000${spanName}`;
}

export class SavedMappings {
  constructor(private readonly _state: vscode.Memento) {}

  private _all(): Record<string, StoredMapping> {
    const raw = this._state.get<unknown>(KEY);
    return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, StoredMapping>) : {};
  }

  get(service: string, spanName: string, folders: readonly WorkspaceFolderRef[]): SavedLocation | undefined {
    const m = this._all()[savedKey(service, spanName)];
    if (!m || typeof m.relPath !== 'string' || typeof m.line !== 'number' || m.relPath.split('/').includes('..')) return undefined;
    const f = folders.find(x => x.name === m.folder) ?? folders[0];
    if (!f) return undefined;
    return { path: `${f.path}/${m.relPath}`, line: m.line };
  }

  /** Saves a location inside a workspace folder; returns false for a file outside every folder. */
  async set(service: string, spanName: string, loc: SavedLocation, folders: readonly WorkspaceFolderRef[]): Promise<boolean> {
    const f = folders.find(x => isInside(loc.path, x.path));
    if (!f) return false;
    const all = { ...this._all() };
    all[savedKey(service, spanName)] = { folder: f.name, relPath: loc.path.slice(f.path.length).replace(/^\/+/, ''), line: loc.line };
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_SAVED))) delete all[k];
    await this._state.update(KEY, all);
    return true;
  }

  async delete(service: string, spanName: string): Promise<void> {
    const all = { ...this._all() };
    delete all[savedKey(service, spanName)];
    await this._state.update(KEY, all);
  }

  count(): number {
    return Object.keys(this._all()).length;
  }
}
