// Maps every span of a trace to a workspace file and line, and records how ("why here") or why not.
// Phase 1 (fast, per trace): saved mappings, the file path as written, path mappings, the suffix index, source
// maps, stack frames. Phase 2 (slower, only for what is left): code.function/code.namespace through the
// workspace symbol provider, then the span name/route searched in the workspace's sources.
import * as vscode from 'vscode';
import { parseStackTrace } from '../../core/code/stacktrace';
import { FileSpans } from '../../core/mapping/lineAnnotations';
import { codeLine, type CodeLine } from '../../core/mapping/lines';
import { applyPathMappings, compilePathMappings, type CompiledPathMappings, type WorkspaceFolderRef } from '../../core/mapping/pathMappings';
import { dirname, joinPath, normalizeLocalPath, parseSpanPath } from '../../core/mapping/paths';
import { resolveFilePath, type FileResolveContext, type MappedHow } from '../../core/mapping/resolve';
import { findInText, searchPatternsFor, type SearchPattern } from '../../core/mapping/searchPatterns';
import { decodeInlineSourceMap, findSourceMappingUrl, SourceMap } from '../../core/mapping/sourceMap';
import { parseQualifiedName, pickSymbol, type SymbolCandidate, type SymbolKindName } from '../../core/mapping/symbols';
import { MappingEngine } from '../../core/mapping/engine/engine';
import type { Candidate, Confidence, EngineMapping, SpanFacts } from '../../core/mapping/engine/types';
import type { SyntaxService } from '../../core/mapping/syntax/types';
import type { CompactView } from '../../protocol/compact';
import { Disposable } from '../lifecycle';
import type { SavedMappings } from './savedMappings';
import { factsFromView, HostMappingWorkspace } from './engineWorkspace';
import { workspaceFolderRefs, type WorkspaceFileIndex } from './workspaceIndex';

export interface SpanMapping {
  /** Normalized absolute path. */
  readonly path: string;
  readonly line: CodeLine;
  readonly column?: number;
  readonly how: MappedHow;
  /** Details for "why here" (the rule, the suffix length, the source map, the symbol…). */
  readonly detail: string;
  /** Inside a workspace folder as written (openers check the real path, links resolved, before not asking). */
  readonly inside: boolean;
  /** How sure the mapping is (the engine's confidence; absent: a file and line the span itself gave). */
  readonly confidence?: Confidence;
  /** Ranked alternatives (the chosen place first) when the engine found several: "Go to source" offers them. */
  readonly candidates?: readonly Candidate[];
}

export interface UnmappedSpan {
  readonly spanIndex: number;
  readonly reason: string;
  /** The path as the span wrote it, when it had one (for proposing a path mapping). */
  readonly filePath?: string;
  readonly candidates?: readonly string[];
  /** The workspace file the span names when only its line is missing (phase 2 asks its document symbols). */
  readonly resolvedPath?: string;
}

export interface TraceMapping {
  readonly view: CompactView;
  readonly spans: (SpanMapping | undefined)[];
  readonly unmapped: UnmappedSpan[];
  /** Mapped spans per file (FileSpans.ref = span index). */
  readonly files: Map<string, FileSpans>;
  /** Phase 2 (symbols, name search) done. */
  complete: boolean;
}

const JS_RE = /\.(?:c|m)?js$/i;
const SOURCE_EXT_RE = /\.(?:ts|tsx|js|jsx|mjs|cjs|py|go|java|kt|cs|rb|php|rs|scala|swift|ex|exs|cpp|cc|c|h)$/i;
const MAX_SEARCH_FILES = 5000;
const MAX_SEARCH_FILE_BYTES = 1_000_000;
const MAX_SEARCH_NAMES = 50;
const SEARCH_BUDGET_MS = 4000;
const MAX_EXIST_CHECKS = 300;
export const INVALIDATE_DEBOUNCE_MS = 300;

/** A document outline as symbol candidates (1-based lines; container = the enclosing symbol's name). */
export function flattenOutline(symbols: readonly vscode.DocumentSymbol[] | undefined, path: string): SymbolCandidate[] {
  const out: SymbolCandidate[] = [];
  const walk = (list: readonly vscode.DocumentSymbol[], container?: string) => {
    for (const s of list) {
      if (!s || typeof s.name !== 'string' || !s.range) continue;
      out.push({ name: s.name, kind: symbolKind(s.kind), path, line: (s.selectionRange ?? s.range).start.line + 1, ...(container ? { containerName: container } : {}) });
      if (Array.isArray(s.children) && s.children.length) walk(s.children, s.name);
    }
  };
  if (Array.isArray(symbols)) walk(symbols);
  return out;
}

function symbolKind(k: vscode.SymbolKind): SymbolKindName {
  switch (k) {
    case vscode.SymbolKind.Method: return 'method';
    case vscode.SymbolKind.Function: return 'function';
    case vscode.SymbolKind.Constructor: return 'constructor';
    case vscode.SymbolKind.Class: return 'class';
    default: return 'other';
  }
}

export class CodeMapper extends Disposable {
  private _mappings: CompiledPathMappings;
  private _folders: WorkspaceFolderRef[];
  private readonly _sourceMaps = new Map<string, Promise<SourceMap | undefined>>();
  private readonly _onDidInvalidate = this._register(new vscode.EventEmitter<void>());
  /** Settings, folders or files changed: mappings computed before may be wrong. */
  readonly onDidInvalidate = this._onDidInvalidate.event;
  private _problemsShown = '';

  private readonly _workspace: HostMappingWorkspace;
  /** The mapping engine shared by every trace (it caches outlines and the source scan between traces). */
  readonly engine: MappingEngine;

  constructor(private readonly _index: WorkspaceFileIndex, private readonly _saved: SavedMappings, private readonly _log?: vscode.LogOutputChannel, syntax?: SyntaxService) {
    super();
    this._folders = workspaceFolderRefs();
    this._mappings = this._compile();
    this._workspace = this._register(new HostMappingWorkspace(() => _index.peek(), () => this._folders.map(f => f.path), syntax));
    this.engine = new MappingEngine(this._workspace);
    // Saved files change literals and definitions: the source scan is rebuilt on the next mapping.
    this._register(this._workspace.onDidChangeFile(() => this.engine.invalidate()));
    this._register(vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('spanscope.pathMappings')) { this._mappings = this._compile(); this._onDidInvalidate.fire(); }
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => { this._mappings = this._compile(); this._onDidInvalidate.fire(); }));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => { this._folders = workspaceFolderRefs(); this._mappings = this._compile(); this._onDidInvalidate.fire(); }));
    // Builds and checkouts create files in bursts: re-map once the burst is over.
    let timer: ReturnType<typeof setTimeout> | undefined;
    this._register(_index.onDidChange(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => { timer = undefined; this._sourceMaps.clear(); this.engine.invalidate(); this._onDidInvalidate.fire(); }, INVALIDATE_DEBOUNCE_MS);
    }));
    this._register({ dispose: () => { if (timer) clearTimeout(timer); } });
  }

  get folders(): readonly WorkspaceFolderRef[] {
    return this._folders;
  }

  get mappings(): CompiledPathMappings {
    return this._mappings;
  }

  get saved(): SavedMappings {
    return this._saved;
  }

  private _compile(): CompiledPathMappings {
    // A mapping decides which file a span opens. In Restricted Mode a workspace may not decide that: only the
    // user's own value counts (VS Code filters restricted settings too; this does not depend on it).
    const config = vscode.workspace.getConfiguration('spanscope');
    const setting = vscode.workspace.isTrusted ? config.get<unknown>('pathMappings') : config.inspect<unknown>('pathMappings')?.globalValue;
    const compiled = compilePathMappings(setting, this._folders);
    const text = compiled.problems.map(p => `"${p.from}": ${p.message}`).join('; ');
    if (text && text !== this._problemsShown) this._log?.warn(`spanscope.pathMappings: ${text}`);
    this._problemsShown = text;
    return compiled;
  }

  private async _ctx(view: CompactView): Promise<FileResolveContext> {
    const index = await this._index.get();
    // Absolute paths outside the index (a mapped root outside the workspace, a library) are checked on disk once.
    const outside = new Set<string>();
    const seen = new Set<string>();
    const consider = (p: string | undefined): void => {
      if (p === undefined || seen.size >= MAX_EXIST_CHECKS) return;
      const v = parseSpanPath(p);
      if (v.ok && v.path.flavor === 'posix' && !index.has(v.path.normalized)) seen.add(v.path.normalized);
    };
    const rawSeen = new Set<string>();
    for (let i = 0; i < view.spanCount; i++) {
      const loc = view.codeLocation(i);
      if (loc?.filePath === undefined || rawSeen.has(loc.filePath)) continue;
      rawSeen.add(loc.filePath);
      consider(loc.filePath);
      const v = parseSpanPath(loc.filePath);
      if (v.ok && v.path.flavor !== 'relative') {
        // The path-mapped form too.
        const m = applyPathMappings(v.path, this._mappings);
        if (m) consider(m.path);
      }
    }
    await Promise.all([...seen].map(async p => {
      try {
        const st = await vscode.workspace.fs.stat(vscode.Uri.file(p));
        if ((st.type & vscode.FileType.File) !== 0) outside.add(p);
      } catch { /* absent */ }
    }));
    return { mappings: this._mappings, folders: this._folders.map(f => f.path), index, exists: p => index.has(p) || outside.has(p) };
  }

  /** Phase 1: everything that needs no provider. */
  async mapTrace(view: CompactView): Promise<TraceMapping> {
    const ctx = await this._ctx(view);
    const result: TraceMapping = { view, spans: new Array(view.spanCount), unmapped: [], files: new Map(), complete: false };
    const byPath = new Map<string, ReturnType<typeof resolveFilePath>>();
    const resolveCached = (raw: string) => {
      let r = byPath.get(raw);
      if (!r) { r = resolveFilePath(raw, ctx); byPath.set(raw, r); }
      return r;
    };
    for (let i = 0; i < view.spanCount; i++) {
      const saved = this._saved.get(view.service(i), view.name(i), this._folders);
      if (saved) {
        const line = codeLine(saved.line);
        if (line !== undefined) { result.spans[i] = { path: saved.path, line, how: 'saved', detail: `saved for ${view.service(i)} / ${view.name(i)}`, inside: true }; continue; }
      }
      const loc = view.codeLocation(i);
      if (!loc) { result.unmapped.push({ spanIndex: i, reason: 'the span has no code.* attributes or stack trace' }); continue; }
      if (loc.filePath === undefined) {
        result.unmapped.push({ spanIndex: i, reason: loc.function !== undefined ? 'only code.function/code.namespace (looking up symbols…)' : 'no file path in the span' });
        continue;
      }
      let r = resolveCached(loc.filePath);
      let how: MappedHow | undefined;
      let line = codeLine(loc.line);
      let column = loc.column;
      if (loc.source === 'stacktrace') {
        // The innermost frame may be in a library: take the first frame inside the workspace instead.
        if (!r.ok || !r.inside) {
          const frame = this._firstWorkspaceFrame(view, i, resolveCached, ctx);
          if (frame) { r = frame.res; line = codeLine(frame.line); column = frame.column; }
        }
        how = 'stack-frame';
      }
      if (!r.ok) { result.unmapped.push({ spanIndex: i, reason: r.reason, filePath: loc.filePath, ...(r.candidates ? { candidates: r.candidates } : {}) }); continue; }
      if (line === undefined) { result.unmapped.push({ spanIndex: i, reason: `${r.path} has no line number in the span`, filePath: loc.filePath, resolvedPath: r.path }); continue; }
      let mapping: SpanMapping = { path: r.path, line, ...(column !== undefined ? { column } : {}), how: how ?? r.how, detail: r.detail, inside: r.inside };
      if (JS_RE.test(r.path) && r.inside) mapping = (await this._throughSourceMap(mapping, ctx)) ?? mapping;
      result.spans[i] = mapping;
    }
    this._rebuildFiles(result);
    return result;
  }

  /**
   * Maps span-like facts with the engine and the current path mappings, once the workspace index is built (the
   * fleet's series, which are keys rather than spans of a trace, map through here).
   */
  async mapFacts(facts: readonly SpanFacts[], cancelled?: () => boolean): Promise<EngineMapping[]> {
    await this._index.get();
    return this.engine.mapSpans(facts, { mappings: this._mappings, ...(cancelled ? { cancelled } : {}) });
  }

  /**
   * One location (jump to source from the waterfall): path mappings, suffix, then the source map of a generated
   * file. Undefined when nothing of that applies (the caller's built-in steps take over).
   */
  async resolveLocation(filePath: string, line?: number, column?: number): Promise<SpanMapping | undefined> {
    const index = await this._index.get();
    const ctx: FileResolveContext = { mappings: this._mappings, folders: this._folders.map(f => f.path), index };
    const r = resolveFilePath(filePath, ctx);
    if (!r.ok) return undefined;
    const l = codeLine(line) ?? (1 as CodeLine);
    const m: SpanMapping = { path: r.path, line: l, ...(column !== undefined ? { column } : {}), how: r.how, detail: r.detail, inside: r.inside };
    if (JS_RE.test(r.path) && r.inside && codeLine(line) !== undefined) return (await this._throughSourceMap(m, ctx)) ?? m;
    return m;
  }

  private _firstWorkspaceFrame(view: CompactView, i: number, resolve: (raw: string) => ReturnType<typeof resolveFilePath>, ctx: FileResolveContext) {
    for (const ev of view.events(i)) {
      const st = ev.attributes.find(a => a.key === 'exception.stacktrace');
      if (!st) continue;
      for (const f of parseStackTrace(st.value)) {
        if (f.filePath === undefined || f.line === undefined) continue;
        // Java frames name only the file: its package (from the frame's class) picks among same-named files
        const res = f.language === 'java' ? this.engine.resolveFrame(f, ctx) : resolve(f.filePath);
        if (res.ok && res.inside) return { res, line: f.line, column: f.column };
      }
    }
    return undefined;
  }

  private async _throughSourceMap(m: SpanMapping, ctx: FileResolveContext): Promise<SpanMapping | undefined> {
    const map = await this._sourceMapFor(m.path);
    const pos = map?.originalPositionFor(m.line, m.column);
    if (!pos) return undefined;
    const r = resolveFilePath(pos.source, ctx);
    const line = codeLine(pos.line);
    if (!r.ok || line === undefined) return undefined;
    return { path: r.path, line, column: pos.column, how: 'source-map', detail: `${m.path}:${m.line} (${m.how}: ${m.detail}) → ${pos.source}:${pos.line}`, inside: r.inside };
  }

  private _sourceMapFor(jsPath: string): Promise<SourceMap | undefined> {
    let p = this._sourceMaps.get(jsPath);
    if (!p) {
      p = (async () => {
        try {
          const js = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(jsPath)));
          const url = findSourceMappingUrl(js);
          if (url === undefined) return undefined;
          const inline = decodeInlineSourceMap(url);
          if (inline !== undefined) return SourceMap.parse(inline, jsPath);
          if (/^[a-z][a-z0-9+.-]+:/i.test(url)) return undefined; // http:, file: … maps are not fetched
          const mapPath = joinPath(dirname(jsPath), decodeURIComponent(url));
          if (mapPath === undefined || !(await this._index.get()).has(mapPath)) return undefined;
          return SourceMap.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(mapPath))), mapPath);
        } catch (err) {
          this._log?.debug(`source map for ${jsPath}: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        }
      })();
      this._sourceMaps.set(jsPath, p);
    }
    return p;
  }

  /**
   * Phase 2 for the spans phase 1 left unmapped: the mapping engine (qualified names through the language's file
   * conventions and parsed outlines, stack frames, span-start literals, routes, URLs, SQL, RPC implementations);
   * where it is unsure, the symbol providers of installed language extensions as a second opinion; last, the
   * plain text search for span names and routes. Updates `result` in place.
   */
  async completeTrace(result: TraceMapping, token?: vscode.CancellationToken): Promise<void> {
    const view = result.view;
    const ctxIndex = await this._index.get();
    const left = result.unmapped.filter(u => !result.spans[u.spanIndex]);
    const started = performance.now();
    const engineResults = await this.engine.mapSpans(left.map(u => factsFromView(view, u.spanIndex)), {
      mappings: this._mappings, cancelled: () => token?.isCancellationRequested === true,
    });
    if (token?.isCancellationRequested) return;
    this._log?.debug(`mapping engine: ${left.length} spans in ${(performance.now() - started).toFixed(0)} ms`);
    const unsure = new Map<number, EngineMapping>();
    left.forEach((u, k) => {
      const r = engineResults[k]!;
      if (r.confidence === 'exact' || r.confidence === 'high') result.spans[u.spanIndex] = engineMapping(r);
      else if (r.confidence === 'low') unsure.set(u.spanIndex, r);
      else (u as { reason: string }).reason = r.reason;
    });
    // A file without a line: the function's symbol in that file's outline.
    const outlines = new Map<string, Promise<vscode.DocumentSymbol[] | undefined>>();
    for (const u of left) {
      if (token?.isCancellationRequested) return;
      if (result.spans[u.spanIndex]) continue;
      const loc = view.codeLocation(u.spanIndex);
      const q = u.resolvedPath ? parseQualifiedName(loc?.function, loc?.namespace) : undefined;
      if (!u.resolvedPath || !q) continue;
      let outline = outlines.get(u.resolvedPath);
      if (!outline) {
        outline = Promise.resolve(vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', vscode.Uri.file(u.resolvedPath))).catch(() => undefined);
        outlines.set(u.resolvedPath, outline);
      }
      const symbols = flattenOutline(await outline, u.resolvedPath);
      const pick = pickSymbol(q, symbols);
      if (pick.kind === 'unique') {
        result.spans[u.spanIndex] = { path: u.resolvedPath, line: pick.symbol.line as CodeLine, how: 'symbol', detail: `${q.name} in ${u.resolvedPath} (the span gave no line)`, inside: true };
      }
    }
    // Symbols: one provider query per distinct qualified name.
    const symbolCache = new Map<string, SpanMapping | string>();
    for (const u of left) {
      if (result.spans[u.spanIndex]) continue;
      if (token?.isCancellationRequested) return;
      const loc = view.codeLocation(u.spanIndex);
      const q = parseQualifiedName(loc?.function, loc?.namespace) ?? (loc ? undefined : parseQualifiedName(/^[\w$.#:]+$/.test(view.name(u.spanIndex)) && /[.#:]/.test(view.name(u.spanIndex)) ? view.name(u.spanIndex) : undefined));
      if (!q) continue;
      const key = [...q.containers, q.name].join('.');
      let hit = symbolCache.get(key);
      if (hit === undefined) {
        hit = await this._lookupSymbol(q, key);
        symbolCache.set(key, hit);
      }
      if (typeof hit !== 'string') result.spans[u.spanIndex] = hit;
    }
    // The engine's ranked guesses for what no provider settled (the user picks among the candidates).
    for (const [i, r] of unsure) if (!result.spans[i]) result.spans[i] = engineMapping(r);
    // Name / route search, one pass over the sources for all names.
    const still = result.unmapped.filter(u => !result.spans[u.spanIndex]);
    const names = new Map<string, SearchPattern[]>();
    for (const u of still) {
      const name = view.name(u.spanIndex);
      if (names.size >= MAX_SEARCH_NAMES) break;
      if (!names.has(name)) names.set(name, searchPatternsFor(name, view.attribute(u.spanIndex, 'http.route')));
    }
    if (names.size > 0) {
      const found = await this._searchNames(names, ctxIndex.paths(), token);
      for (const u of still) {
        const hit = found.get(view.name(u.spanIndex));
        if (hit) result.spans[u.spanIndex] = hit;
      }
    }
    for (let k = result.unmapped.length - 1; k >= 0; k--) if (result.spans[result.unmapped[k]!.spanIndex]) result.unmapped.splice(k, 1);
    result.complete = true;
    this._rebuildFiles(result);
  }

  private async _lookupSymbol(q: NonNullable<ReturnType<typeof parseQualifiedName>>, key: string): Promise<SpanMapping | string> {
    let infos: vscode.SymbolInformation[] | undefined;
    try {
      infos = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', q.name);
    } catch {
      infos = undefined;
    }
    const candidates: SymbolCandidate[] = [];
    for (const s of infos ?? []) {
      if (s.location.uri.scheme !== 'file') continue;
      const path = normalizeLocalPath(s.location.uri.fsPath);
      if (path === undefined || !this._folders.some(f => path.startsWith(f.path + '/'))) continue;
      const c: SymbolCandidate = { name: s.name, kind: symbolKind(s.kind), path, line: s.location.range.start.line + 1, ...(s.containerName ? { containerName: s.containerName } : {}) };
      candidates.push(c);
    }
    const pick = pickSymbol(q, candidates);
    if (pick.kind === 'unique') return { path: pick.symbol.path, line: pick.symbol.line as CodeLine, how: 'symbol', detail: `${key} → ${pick.symbol.containerName ? pick.symbol.containerName + '.' : ''}${pick.symbol.name}`, inside: true };
    if (pick.kind === 'ambiguous') return `${key} matches ${pick.candidates.length} symbols equally well`;
    return infos === undefined || infos.length === 0 ? `no symbol provider found ${q.name} (is the language extension installed?)` : `no symbol matches ${key}`;
  }

  private async _searchNames(names: Map<string, SearchPattern[]>, paths: Iterable<string>, token?: vscode.CancellationToken): Promise<Map<string, SpanMapping>> {
    const found = new Map<string, SpanMapping & { weight: number }>();
    const started = Date.now();
    let files = 0;
    for (const path of paths) {
      if (token?.isCancellationRequested || Date.now() - started > SEARCH_BUDGET_MS || files >= MAX_SEARCH_FILES) break;
      if (!SOURCE_EXT_RE.test(path) || /\/(dist|build|out|vendor)\//.test(path)) continue;
      files++;
      let text: string;
      try {
        const uri = vscode.Uri.file(path);
        const st = await vscode.workspace.fs.stat(uri);
        if (st.size > MAX_SEARCH_FILE_BYTES) continue;
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch { continue; }
      for (const [name, patterns] of names) {
        const m = findInText(text, patterns, 1)[0];
        if (!m) continue;
        const prev = found.get(name);
        if (prev && prev.weight >= m.weight) continue;
        found.set(name, { path, line: m.line as CodeLine, how: 'name-search', detail: `"${name}" found as ${m.kind} by a text search (no parsed match)`, inside: true, confidence: 'low', weight: m.weight });
      }
    }
    return found;
  }

  private _rebuildFiles(result: TraceMapping): void {
    result.files.clear();
    const view = result.view;
    for (let i = 0; i < view.spanCount; i++) {
      const m = result.spans[i];
      if (!m) continue;
      let f = result.files.get(m.path);
      if (!f) { f = new FileSpans(); result.files.set(m.path, f); }
      f.push(m.line, view.durationNsOf(i), view.selfNs(i), view.status(i) === 'error', i);
    }
  }
}

function engineMapping(r: EngineMapping): SpanMapping {
  const first = r.candidates[0]!;
  const line = codeLine(r.line) ?? (1 as CodeLine);
  return {
    path: r.file ?? first.file, line, ...(r.column !== undefined ? { column: r.column } : {}), how: r.how ?? first.how,
    detail: r.reason, inside: r.inside ?? first.inside, confidence: r.confidence,
    ...(r.candidates.length > 1 ? { candidates: r.candidates } : {}),
  };
}
