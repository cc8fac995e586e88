// Dropping trace files on the panel: files from the OS (their bytes) or from VS Code's explorer (a URI list).
// What is dropped is untrusted: sizes are bounded and only file/vscode-remote URIs are passed to the host.
import { DROPPABLE_URI, MAX_DROPPED_BYTES } from '../src/protocol/messages';
import type { HostBridge } from './host';

/** At most this many files or URIs per drop. */
export const MAX_DROPPED_ITEMS = 16;

/** Split a `text/uri-list` (RFC 2483: CRLF lines, `#` comments) into URIs the host may open and refused ones. */
export function splitUriList(text: string): { accepted: string[]; refused: string[] } {
  const accepted: string[] = [], refused: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (DROPPABLE_URI.test(line) && line.length <= 8192 && accepted.length < MAX_DROPPED_ITEMS) accepted.push(line);
    else refused.push(line.slice(0, 200));
  }
  return { accepted, refused };
}

/** Why a dropped file is refused before reading it, or undefined when it may be read. */
export function droppedFileRefusal(name: string, size: number): string | undefined {
  if (size > MAX_DROPPED_BYTES) return `${name} is too large to open by dropping (${Math.round(size / 1048576)} MB, at most ${MAX_DROPPED_BYTES / 1048576} MB). Use Spanscope: Open Trace File instead.`;
  return undefined;
}

function carriesDrop(dt: DataTransfer | null): boolean {
  return !!dt && (dt.types.includes('Files') || dt.types.includes('text/uri-list'));
}

/** Listen for drops on the whole window; `say` shows a short message in the panel. Returns the remover. */
export function installDropTarget(bridge: HostBridge, say: (text: string) => void, onDragging: (on: boolean) => void): () => void {
  const over = (e: DragEvent): void => {
    if (!carriesDrop(e.dataTransfer)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    onDragging(true);
  };
  const leave = (e: DragEvent): void => { if (!e.relatedTarget) onDragging(false); };
  const drop = (e: DragEvent): void => {
    const dt = e.dataTransfer;
    if (!carriesDrop(dt)) return;
    e.preventDefault();
    onDragging(false);
    const files = dt ? Array.from(dt.files).slice(0, MAX_DROPPED_ITEMS) : [];
    if (files.length > 0) { void sendFiles(bridge, files, say); return; }
    const { accepted, refused } = splitUriList(dt?.getData('text/uri-list') ?? '');
    if (accepted.length > 0) { bridge.post({ type: 'openDroppedUris', uris: accepted }); say(`Opening ${accepted.length === 1 ? 'the dropped file' : `${accepted.length} dropped files`}…`); }
    if (refused.length > 0) say(`Only files can be dropped here; refused ${refused[0]}${refused.length > 1 ? ` and ${refused.length - 1} more` : ''}.`);
  };
  window.addEventListener('dragover', over);
  window.addEventListener('dragenter', over);
  window.addEventListener('dragleave', leave);
  window.addEventListener('drop', drop);
  return () => {
    window.removeEventListener('dragover', over);
    window.removeEventListener('dragenter', over);
    window.removeEventListener('dragleave', leave);
    window.removeEventListener('drop', drop);
  };
}

async function sendFiles(bridge: HostBridge, files: File[], say: (text: string) => void): Promise<void> {
  for (const f of files) {
    const name = (f.name || 'dropped file').slice(0, 1024);
    const refusal = droppedFileRefusal(name, f.size);
    if (refusal) { say(refusal); continue; }
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      bridge.post({ type: 'openDroppedFile', name, bytes });
      say(`Opening ${name}…`);
    } catch (e) {
      say(`Could not read ${name}: ${(e as Error).message}`);
    }
  }
}
