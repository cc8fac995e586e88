// Recording webview panels for the analysis host tests under the fake `vscode`: createWebviewPanel hands out one,
// registerWebviewPanelSerializer keeps the serializer, and `restoredPanel()` makes the panel VS Code passes to
// `deserializeWebviewPanel` after a window reload. Import after test/support/host/register, before src modules.
import { EventEmitter } from '../../../support/host/fakeVscode';
import { fakeVscode } from '../../../support/host/register';
import { ANALYSIS_PROTOCOL_VERSION } from '../../../../src/protocol/version';

export interface FakePanel {
  title: string;
  html: string;
  posted: unknown[];
  disposed: boolean;
  /** A message from the webview; resolves once the host had a few ms to answer. */
  send(m: unknown): Promise<void>;
  /** `ready`, then the init (or error) the host answers with. */
  ready(): Promise<{ type: string; data?: Record<string, unknown>; recipe?: unknown; message?: string }>;
  replies(): { id: number; ok: boolean; error?: string }[];
}

export interface PanelSerializer { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }

export const panels: FakePanel[] = [];
export const serializers = new Map<string, PanelSerializer>();

export function makePanel(title: string): FakePanel & Record<string, unknown> {
  const incoming = new EventEmitter<unknown>();
  const disposeEvents = new EventEmitter<void>();
  const p: FakePanel & Record<string, unknown> = {
    title, html: '', posted: [], disposed: false,
    async send(m: unknown) {
      // A `ready` or a request is answered (the first one after the schemas load from the lazy module, slower on a
      // busy machine): wait for that answer, then a little more for the handler's other effects.
      const before = p.posted.length;
      incoming.fire(m);
      const answered = typeof m === 'object' && m !== null && ((m as { type?: unknown }).type === 'ready' || 'id' in m);
      for (let k = 0; answered && k < 200 && p.posted.length === before; k++) await new Promise(r => setTimeout(r, 10));
      await new Promise(r => setTimeout(r, 10));
    },
    async ready() {
      const before = p.posted.length;
      await p.send({ type: 'ready', protocol: ANALYSIS_PROTOCOL_VERSION });
      for (let i = 0; i < 200 && p.posted.length === before; i++) await new Promise(r => setTimeout(r, 10));
      return p.posted[p.posted.length - 1] as never;
    },
    replies: () => p.posted.filter(m => (m as { type: string }).type === 'reply') as never,
    webview: {
      options: {},
      cspSource: 'vscode-resource:', asWebviewUri: (u: unknown) => u,
      set html(h: string) { p.html = h; }, get html() { return p.html; },
      postMessage: async (m: unknown) => { p.posted.push(m); return true; },
      onDidReceiveMessage: incoming.event,
    },
    onDidDispose: disposeEvents.event,
    onDidChangeViewState: new EventEmitter<unknown>().event,
    reveal() { /* focus */ },
    dispose() { p.disposed = true; disposeEvents.fire(); },
  };
  return p;
}

const win = fakeVscode.api.window as Record<string, unknown>;
// The fake has no TreeItem (side panel items are plain data: label, contextValue, command). Set before any src
// module is imported: their `import * as vscode` copies the module's members.
(fakeVscode.api as Record<string, unknown>).TreeItem = class { constructor(readonly label: string, readonly collapsibleState?: number) {} };
win.createWebviewPanel = (_type: string, title: string) => {
  const p = makePanel(title);
  panels.push(p);
  return p;
};
win.registerWebviewPanelSerializer = (type: string, s: PanelSerializer) => {
  serializers.set(type, s);
  return { dispose: () => { if (serializers.get(type) === s) serializers.delete(type); } };
};

/** What VS Code does after a reload: a new panel handed to the view type's serializer with the webview's state. */
export async function restorePanel(viewType: string, state: unknown): Promise<FakePanel> {
  const s = serializers.get(viewType);
  if (!s) throw new Error(`no serializer registered for ${viewType}`);
  const p = makePanel('restored');
  await s.deserializeWebviewPanel(p, state);
  return p;
}
