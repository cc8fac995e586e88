// A stand-in for the `vscode` module, enough to run `activate` and host modules in plain Node and to record what they
// register. Strict: it models the part of the API the host uses, with VS Code's names and shapes (checked against
// node_modules/@types/vscode by test/unit/host/fakeVscode.test.ts), and reading anything else throws, so a host call
// to a misspelt or unmodelled API fails the test instead of quietly doing nothing. When host code starts using a new
// API, add it here with the signature from @types/vscode. Registrations (providers, handlers, tree views) are recorded
// in `calls` and answer a Disposable. An API that VS Code 1.100 lacks and the host only feature-detects is listed
// with the value `undefined`.
// Install with `installFakeVscode()` BEFORE the module under test is first required.
import Module from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter(x => x !== l); } };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach(d => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query = '', readonly fragment = '') {}
  static file(p: string): Uri {
    return new Uri('file', '', path.resolve(p));
  }
  static parse(s: string): Uri {
    const u = new URL(s);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string; query?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, this.authority, change.path ?? this.path, change.query ?? this.query, this.fragment);
  }
  toString(): string {
    return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  // Both of VS Code's forms: (start, end) and (startLine, startCharacter, endLine, endCharacter).
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (typeof a === 'number') { this.start = new Position(a, b as number); this.end = new Position(c ?? 0, d ?? 0); }
    else { this.start = a; this.end = b as Position; }
  }
}
export class Selection extends Range {}
export class CodeLens {
  constructor(readonly range: Range, readonly command?: { title: string; command: string; arguments?: unknown[] }) {}
  get isResolved(): boolean { return this.command !== undefined; }
}
export class Hover {
  constructor(readonly contents: unknown, readonly range?: Range) {}
}
export class LanguageModelTextPart {
  constructor(public value: string) {}
}
export class LanguageModelToolResult {
  constructor(public content: unknown[]) {}
}
export class CancellationError extends Error {}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class ThemeIcon {
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}
export class TreeItem {
  id?: string; description?: string | boolean; tooltip?: unknown; iconPath?: unknown; command?: unknown; contextValue?: string;
  accessibilityInformation?: { label: string; role?: string };
  constructor(public label: string | { label: string }, public collapsibleState?: number) {}
}
export class MarkdownString {
  constructor(public value = '', public supportThemeIcons = false) {}
  isTrusted: boolean | { enabledCommands: string[] } = false;
  appendMarkdown(s: string): this { this.value += s; return this; }
  appendText(s: string): this { this.value += s; return this; }
}
export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    (this.token as { isCancellationRequested: boolean }).isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {}
}

export class MemoryMemento {
  private readonly map = new Map<string, unknown>();
  keys(): readonly string[] { return [...this.map.keys()]; }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.map.has(key) ? structuredClone(this.map.get(key)) as T : fallback;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, structuredClone(value));
  }
  setKeysForSync(): void {}
}

/** Records registrations and some calls: `calls` of `window.registerUriHandler`, `commands.executeCommand` etc. */
export interface CallRecord { readonly api: string; readonly args: readonly unknown[] }

/** Thrown when host code reads a member of the API that this fake does not model. */
export class UnmodelledApiError extends Error {}

/** `real`, where reading a member it lacks throws (setting one is allowed: tests put in their own recorders). */
export function strict<T extends object>(name: string, real: T): T {
  return new Proxy(real, {
    get(t, prop, recv) {
      if (typeof prop === 'symbol' || prop in t) return Reflect.get(t, prop, recv);
      // Probed by `await`, JSON.stringify and the CommonJS/ES module interop on any object: not an API read.
      if (prop === 'then' || prop === 'toJSON' || prop === '__esModule') return undefined;
      throw new UnmodelledApiError(`the fake vscode does not model ${name}.${prop}: add it to test/support/host/fakeVscode.ts as @types/vscode declares it`);
    },
  });
}

export interface FakeLog {
  readonly lines: { level: string; message: string }[];
}

export interface FakeVscode {
  /** The module object `require('vscode')` returns. */
  readonly api: Record<string, unknown>;
  /** Command id → handler, as registered. */
  readonly commands: Map<string, (...args: unknown[]) => unknown>;
  readonly calls: CallRecord[];
  /** `spanscope.receiver.port` style keys → value (the user's settings). */
  readonly settings: Map<string, unknown>;
  /** The same for the workspace's settings (.vscode/settings.json). */
  readonly workspaceSettings: Map<string, unknown>;
  readonly log: FakeLog;
  /** What `window.show*Message` should answer next (FIFO); undefined when empty. */
  readonly messageAnswers: (string | undefined)[];
  readonly messages: { level: string; text: string; items: unknown[] }[];
  readonly configEvents: EventEmitter<{ affectsConfiguration(s: string): boolean }>;
  /** Status bar items created, in order. */
  readonly statusItems: { text: string; tooltip: unknown; visible: boolean }[];
  /** Answers window.showQuickPick: gets the items, returns the picked one (undefined: dismissed). */
  pick: ((items: unknown[]) => unknown) | undefined;
  openDialogAnswer: Uri[] | undefined;
  inputAnswer: string | undefined;
  /** window.withProgress tasks, in order: their title, the messages reported, and a way to cancel them. */
  readonly progress: { title: string; reports: string[]; cancel(): void }[];
  /** Quick inputs made with createInputBox/createQuickPick, in order. */
  readonly quickInputs: FakeQuickInput[];
  /** Editors opened with window.showTextDocument, in order. */
  readonly shownEditors: { document: { uri: Uri }; selection?: Range }[];
  clipboard: string;
  workspaceTrusted: boolean;
  workspaceFolders: { uri: Uri; name: string; index: number }[] | undefined;
  newContext(): FakeExtensionContext;
}

/** A quick input the host made, and the user's hand on it. */
export interface FakeQuickInput {
  readonly widget: Record<string, unknown> & { value: string; title?: string; step?: number; totalSteps?: number; buttons: readonly unknown[]; busy: boolean; enabled: boolean };
  /** Between show() and hide()/dispose(). */
  shown: boolean;
  disposed: boolean;
  /** Types a value (fires onDidChangeValue). */
  type(value: string): void;
  /** Presses Enter. For a quick pick, set widget.selectedItems first. */
  accept(): void;
  /** Presses a title bar button (QuickInputButtons.Back). */
  press(button: unknown): void;
  /** Presses Escape (or clicks away). */
  escape(): void;
}

export interface FakeExtensionContext {
  subscriptions: { dispose(): unknown }[];
  globalState: MemoryMemento;
  workspaceState: MemoryMemento;
  secrets: { get(k: string): Promise<string | undefined>; store(k: string, v: string): Promise<void>; delete(k: string): Promise<void>; onDidChange: unknown };
  extensionUri: Uri;
  extensionPath: string;
  globalStorageUri: Uri;
  storageUri: Uri | undefined;
  logUri: Uri;
  extensionMode: number;
  extension: { id: string; packageJSON: Record<string, unknown> };
  asAbsolutePath(p: string): string;
}

export function createFakeVscode(projectRoot: string): FakeVscode {
  const calls: CallRecord[] = [];
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const settings = new Map<string, unknown>();
  const workspaceSettings = new Map<string, unknown>();
  const lines: FakeLog['lines'] = [];
  const messageAnswers: (string | undefined)[] = [];
  const messages: FakeVscode['messages'] = [];
  const configEvents = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();
  const shown: FakeVscode['shownEditors'] = [];
  const statusItems: FakeVscode['statusItems'] = [];
  const progress: FakeVscode['progress'] = [];
  const fakeRef: { pick?: (items: unknown[]) => unknown; openDialogAnswer?: Uri[]; inputAnswer?: string } = {};
  const trustEvents = new EventEmitter<void>();
  const state = { clipboard: '', workspaceTrusted: true, workspaceFolders: undefined as FakeVscode['workspaceFolders'] };

  /** A register* function: records its arguments, answers a Disposable. */
  const registration = (api: string) => (...args: unknown[]) => {
    calls.push({ api, args });
    return new Disposable(() => undefined);
  };
  const event = <T>() => new EventEmitter<T>().event;
  let decorationTypes = 0;
  const register = (id: string, fn: (...args: unknown[]) => unknown) => {
    if (commands.has(id)) throw new Error(`command '${id}' already exists`);
    commands.set(id, fn);
    return new Disposable(() => commands.delete(id));
  };
  const message = (level: string) => async (text: string, ...items: unknown[]) => {
    messages.push({ level, text, items });
    return messageAnswers.shift();
  };
  const makeLog = () => {
    const at = (level: string) => (message: unknown, ...rest: unknown[]) => {
      lines.push({ level, message: [message, ...rest].map(x => (x instanceof Error ? x.message : String(x))).join(' ') });
    };
    return strict('LogOutputChannel', { name: 'Spanscope', trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'),
      append: at('info'), appendLine: at('info'), replace: at('info'), clear: () => undefined, show: () => undefined, hide: () => undefined,
      dispose: () => undefined, logLevel: 2, onDidChangeLogLevel: new EventEmitter<number>().event });
  };
  const getConfiguration = (section?: string) => {
    const prefix = section ? `${section}.` : '';
    return strict('WorkspaceConfiguration', {
      // Workspace values win over user values, as in VS Code (Restricted Mode filtering is VS Code's, not modelled).
      get: (key: string, fallback?: unknown) => (workspaceSettings.has(prefix + key) ? workspaceSettings.get(prefix + key)
        : settings.has(prefix + key) ? settings.get(prefix + key) : fallback),
      has: (key: string) => settings.has(prefix + key) || workspaceSettings.has(prefix + key),
      inspect: (key: string) => ({ key: prefix + key, globalValue: settings.get(prefix + key), workspaceValue: workspaceSettings.get(prefix + key) }),
      update: async (key: string, value: unknown) => {
        settings.set(prefix + key, value);
        const full = prefix + key;
        configEvents.fire({ affectsConfiguration: (s: string) => full === s || full.startsWith(`${s}.`) });
      },
    });
  };
  const treeView = (id: string, options: unknown) => {
    calls.push({ api: 'window.createTreeView', args: [id, options] });
    return strict(`TreeView(${id})`, {
      // Shown, as far as the host can tell: it renders only for visible views.
      visible: true, selection: [] as unknown[], title: undefined as string | undefined, description: undefined as string | undefined,
      message: undefined as string | undefined, badge: undefined as unknown,
      onDidChangeSelection: event<unknown>(), onDidChangeVisibility: event<unknown>(), onDidExpandElement: event<unknown>(),
      onDidCollapseElement: event<unknown>(), onDidChangeCheckboxState: event<unknown>(),
      reveal: async () => undefined, dispose: () => undefined,
    });
  };
  /** The quick inputs created (createInputBox, createQuickPick), in order, each with a way to act as the user. */
  const quickInputs: FakeQuickInput[] = [];
  const quickInput = <W extends object>(name: string, fields: W) => {
    const accept = new EventEmitter<void>(), change = new EventEmitter<string>(), hide = new EventEmitter<void>(), button = new EventEmitter<unknown>();
    const driver = { shown: false, disposed: false } as FakeQuickInput;
    const widget = strict(name, {
      ...fields,
      value: '', placeholder: undefined as string | undefined, title: undefined as string | undefined, step: undefined as number | undefined,
      totalSteps: undefined as number | undefined, enabled: true, busy: false, ignoreFocusOut: false, buttons: [] as unknown[],
      onDidAccept: accept.event, onDidChangeValue: change.event, onDidHide: hide.event, onDidTriggerButton: button.event,
      show: () => {
        driver.shown = true;
        // Answered as showQuickPick/showInputBox are when a test set `pick`/`inputAnswer`; a test that drives the
        // quick input by hand (FakeVscode.quickInputs) leaves both unset.
        if ((name === 'QuickPick' ? fakeRef.pick : fakeRef.inputAnswer) !== undefined) setTimeout(() => {
          if (!driver.shown) return;
          const w = widget as unknown as { items: unknown[]; selectedItems: unknown[]; value: string };
          const chosen = name === 'QuickPick' ? fakeRef.pick?.(w.items) : fakeRef.inputAnswer;
          calls.push({ api: `window.create${name}`, args: [name === 'QuickPick' ? w.items : w.value, { title: (widget as { title?: string }).title }] });
          if (chosen === undefined) { widget.hide(); return; }
          if (name === 'QuickPick') w.selectedItems = [chosen]; else driver.type(chosen as string);
          accept.fire();
        }, 0);
      },
      // VS Code fires onDidHide when a shown input is hidden or disposed (not again for one already hidden)
      hide: () => { if (driver.shown) { driver.shown = false; hide.fire(); } },
      dispose: () => { if (driver.shown) { driver.shown = false; hide.fire(); } driver.disposed = true; },
    });
    Object.assign(driver, {
      widget,
      type: (v: string) => { (widget as { value: string }).value = v; change.fire(v); },
      accept: () => accept.fire(),
      press: (b: unknown) => button.fire(b),
      escape: () => widget.hide(),
    });
    quickInputs.push(driver);
    return widget;
  };
  const inputBox = () => quickInput('InputBox', { valueSelection: undefined as unknown, prompt: undefined as string | undefined, password: false, validationMessage: undefined as unknown });
  const quickPick = () => quickInput('QuickPick', {
    items: [] as unknown[], activeItems: [] as unknown[], selectedItems: [] as unknown[], canSelectMany: false, matchOnDescription: false,
    matchOnDetail: false, keepScrollPosition: false, onDidChangeActive: event<unknown>(), onDidChangeSelection: event<unknown>(),
    onDidTriggerItemButton: event<unknown>(),
  });
  const webviewPanel = (viewType: string, title: string, showOptions: unknown, options: unknown) => {
    calls.push({ api: 'window.createWebviewPanel', args: [viewType, title, showOptions, options] });
    const dispose = new EventEmitter<void>();
    const panel = strict('WebviewPanel', {
      viewType, title, iconPath: undefined as unknown, options: options ?? {}, viewColumn: 1, active: true, visible: true,
      webview: strict('Webview', {
        options: {} as unknown, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: Uri) => u,
        postMessage: async () => true, onDidReceiveMessage: event<unknown>(),
      }),
      onDidDispose: dispose.event, onDidChangeViewState: event<unknown>(),
      reveal: () => undefined, dispose: () => dispose.fire(),
    });
    return panel;
  };

  const api: Record<string, unknown> = {
    EventEmitter, Disposable, Uri, Position, Range, Selection, CancellationError, ThemeColor, ThemeIcon, MarkdownString, CancellationTokenSource, TreeItem,
    CodeLens, Hover, LanguageModelTextPart, LanguageModelToolResult,
    SymbolKind: { File: 0, Module: 1, Namespace: 2, Package: 3, Class: 4, Method: 5, Property: 6, Field: 7, Constructor: 8, Enum: 9, Interface: 10, Function: 11, Variable: 12, Constant: 13, String: 14, Number: 15, Boolean: 16, Array: 17, Object: 18, Key: 19, Null: 20, EnumMember: 21, Struct: 22, Event: 23, Operator: 24, TypeParameter: 25 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    UIKind: { Desktop: 1, Web: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    TextEditorRevealType: { Default: 0, InCenter: 1, InCenterIfOutsideViewport: 2, AtTop: 3 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    QuickInputButtons: { Back: { iconPath: new ThemeIcon('arrow-left') } },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    DecorationRangeBehavior: { OpenOpen: 0, ClosedClosed: 1, OpenClosed: 2, ClosedOpen: 3 },
    OverviewRulerLane: { Left: 1, Center: 2, Right: 4, Full: 7 },
    commands: strict('commands', {
      registerCommand: register,
      registerTextEditorCommand: register,
      executeCommand: async (id: string, ...args: unknown[]) => {
        calls.push({ api: 'commands.executeCommand', args: [id, ...args] });
        const fn = commands.get(id);
        return fn ? fn(...args) : undefined;
      },
      getCommands: async () => [...commands.keys()],
    }),
    window: strict('window', {
      createOutputChannel: () => makeLog(),
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      visibleTextEditors: [],
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: event<unknown>(),
      onDidChangeVisibleTextEditors: event<unknown>(),
      onDidChangeTextEditorVisibleRanges: event<unknown>(),
      createTreeView: treeView,
      createInputBox: inputBox,
      createQuickPick: quickPick,
      createWebviewPanel: webviewPanel,
      createTextEditorDecorationType: (options: unknown) => strict('TextEditorDecorationType', { key: `decoration${++decorationTypes}`, options, dispose: () => undefined }),
      registerUriHandler: registration('window.registerUriHandler'),
      registerTerminalLinkProvider: registration('window.registerTerminalLinkProvider'),
      registerWebviewPanelSerializer: registration('window.registerWebviewPanelSerializer'),
      showTextDocument: async (doc: { uri: Uri }, options?: { selection?: Range }) => {
        const editor = { document: doc, selection: options?.selection, revealRange: () => undefined };
        shown.push(editor);
        return editor;
      },
      showQuickPick: async (items: unknown, options?: unknown) => {
        const list = await items as unknown[];
        calls.push({ api: 'window.showQuickPick', args: [list, options] });
        return fakeRef.pick ? fakeRef.pick(list) : undefined;
      },
      showOpenDialog: async () => fakeRef.openDialogAnswer,
      showInputBox: async () => fakeRef.inputAnswer,
      createStatusBarItem: () => {
        const item = { id: 'spanscope', name: '', text: '', tooltip: undefined as unknown, command: undefined as unknown, color: undefined as unknown,
          backgroundColor: undefined as unknown, accessibilityInformation: undefined as unknown, visible: false,
          show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; } };
        statusItems.push(item);
        return strict('StatusBarItem', item);
      },
      withProgress: async (o: { title?: string }, task: (p: unknown, t: unknown) => unknown) => {
        const cts = new CancellationTokenSource();
        const rec = { title: o.title ?? '', reports: [] as string[], cancel: () => cts.cancel() };
        progress.push(rec);
        return task({ report: (r: { message?: string }) => { if (r.message) rec.reports.push(r.message); } }, cts.token);
      },
    }),
    workspace: strict('workspace', {
      getConfiguration,
      onDidChangeConfiguration: configEvents.event,
      onDidGrantWorkspaceTrust: trustEvents.event,
      get isTrusted() { return state.workspaceTrusted; },
      onDidChangeTextDocument: event<unknown>(),
      onDidSaveTextDocument: event<unknown>(),
      onDidChangeWorkspaceFolders: event<unknown>(),
      textDocuments: [],
      createFileSystemWatcher: (glob: unknown) => {
        calls.push({ api: 'workspace.createFileSystemWatcher', args: [glob] });
        return strict('FileSystemWatcher', { ignoreCreateEvents: false, ignoreChangeEvents: false, ignoreDeleteEvents: false,
          onDidCreate: event<Uri>(), onDidChange: event<Uri>(), onDidDelete: event<Uri>(), dispose: () => undefined });
      },
      asRelativePath: (p: string | Uri) => {
        const abs = typeof p === 'string' ? p : p.fsPath;
        const folder = (state.workspaceFolders ?? []).find(f => abs.startsWith(f.uri.fsPath + path.sep));
        return folder ? path.relative(folder.uri.fsPath, abs).split(path.sep).join('/') : abs;
      },
      fs: strict('workspace.fs', {
        stat: async (uri: Uri) => {
          const st = statSync(uri.fsPath);
          return { type: st.isDirectory() ? 2 : 1, size: st.size, ctime: st.ctimeMs, mtime: st.mtimeMs };
        },
        readFile: async (uri: Uri) => new Uint8Array(readFileSync(uri.fsPath)),
        writeFile: async (uri: Uri, data: Uint8Array) => { writeFileSync(uri.fsPath, data); },
      }),
      // Supports the `**/<name>` patterns the host uses (glob escapes like [*] allowed in the name).
      findFiles: async (include: string, exclude?: string, max = Infinity) => {
        const name = include.replace(/^\*\*\//, '').replace(/\[(.)\]/g, '$1');
        const out: Uri[] = [];
        const walk = (dir: string) => {
          for (const e of readdirSync(dir, { withFileTypes: true })) {
            if (out.length >= max) return;
            if (e.name === 'node_modules' && exclude?.includes('node_modules')) continue;
            const full = path.join(dir, e.name);
            if (e.isDirectory()) walk(full);
            else if (e.name === name) out.push(Uri.file(full));
          }
        };
        for (const f of state.workspaceFolders ?? []) walk(f.uri.fsPath);
        return out;
      },
      openTextDocument: async (uri: Uri) => {
        const lines = readFileSync(uri.fsPath, 'utf8').split('\n');
        return { uri, lineCount: lines.length, lineAt: (n: number) => ({ text: lines[n] ?? '' }) };
      },
      get workspaceFolders() { return state.workspaceFolders; },
    }),
    env: strict('env', {
      clipboard: strict('env.clipboard', { readText: async () => state.clipboard, writeText: async (s: string) => { state.clipboard = s; } }),
      language: 'en',
      appName: 'Fake Code',
      uiKind: 1,
      uriScheme: 'vscode',
    }),
    l10n: strict('l10n', { bundle: undefined, uri: undefined, t: (s: string | { message: string }, ...args: unknown[]) => {
      const text = typeof s === 'string' ? s : s.message;
      return text.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
    } }),
    languages: strict('languages', {
      registerCodeLensProvider: registration('languages.registerCodeLensProvider'),
      registerHoverProvider: registration('languages.registerHoverProvider'),
    }),
    lm: strict('lm', {
      registerTool: registration('lm.registerTool'),
      // VS Code 1.100 has no MCP server definition API (1.101 added it); the host detects that.
      registerMcpServerDefinitionProvider: undefined,
    }),
    // VS Code 1.101's MCP server definition class: absent in 1.100, feature-detected by the host.
    McpHttpServerDefinition: undefined,
    version: '1.100.3',
  };
  const moduleApi = strict('vscode', api);

  const fake: FakeVscode = {
    api: moduleApi,
    commands, calls, settings, workspaceSettings, log: { lines }, messageAnswers, messages, configEvents, shownEditors: shown, statusItems, progress, quickInputs,
    get pick() { return fakeRef.pick; },
    set pick(v) { fakeRef.pick = v; },
    get openDialogAnswer() { return fakeRef.openDialogAnswer; },
    set openDialogAnswer(v) { fakeRef.openDialogAnswer = v; },
    get inputAnswer() { return fakeRef.inputAnswer; },
    set inputAnswer(v) { fakeRef.inputAnswer = v; },
    get clipboard() { return state.clipboard; },
    set clipboard(v: string) { state.clipboard = v; },
    get workspaceTrusted() { return state.workspaceTrusted; },
    set workspaceTrusted(v: boolean) { state.workspaceTrusted = v; if (v) trustEvents.fire(); },
    get workspaceFolders() { return state.workspaceFolders; },
    set workspaceFolders(v) { state.workspaceFolders = v; },
    newContext() {
      const storage = mkdtempSync(path.join(tmpdir(), 'spanscope-ctx-'));
      const secrets = new Map<string, string>();
      const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
      return {
        subscriptions: [],
        globalState: new MemoryMemento(),
        workspaceState: new MemoryMemento(),
        secrets: {
          get: async (k: string) => secrets.get(k),
          store: async (k: string, v: string) => { secrets.set(k, v); },
          delete: async (k: string) => { secrets.delete(k); },
          onDidChange: new EventEmitter<unknown>().event,
        },
        extensionUri: Uri.file(projectRoot),
        extensionPath: projectRoot,
        globalStorageUri: Uri.file(path.join(storage, 'global')),
        storageUri: Uri.file(path.join(storage, 'workspace')),
        logUri: Uri.file(path.join(storage, 'log')),
        extensionMode: 3,
        extension: { id: 'spanscope.spanscope', packageJSON: pkg },
        asAbsolutePath: (p: string) => path.join(projectRoot, p),
      };
    },
  };
  return fake;
}

let installed: FakeVscode | undefined;

/** Makes `require('vscode')` return the fake (once per process; later calls return the same fake). */
export function installFakeVscode(projectRoot: string): FakeVscode {
  if (installed) return installed;
  const fake = createFakeVscode(projectRoot);
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return 'vscode';
    return original.call(this, request, ...rest);
  };
  const mod = new Module('vscode');
  mod.exports = fake.api;
  mod.loaded = true;
  (Module as unknown as { _cache: Record<string, unknown> })._cache['vscode'] = mod;
  installed = fake;
  return fake;
}
