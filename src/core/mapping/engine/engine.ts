// The mapping engine: from what a span says (code.* attributes, exception stack traces, its name, route, URL,
// RPC method or SQL) to the workspace file and line that made it, with a confidence and a reason. Evidence is
// tried strongest first:
//   1. a file path in the span (code.file.path): the path as written, path mappings, the suffix index;
//   2. a qualified function name (code.function(.name) + code.namespace): the language's file convention, then the
//      definition's line from the file's outline (a real parser, SyntaxService);
//   3. exception stack frames: the first frame that resolves to a workspace file;
//   4. nothing of that: string literals in the source (span names in span-starting calls, route declarations,
//      URL-building literals, SQL text) and, for RPC servers, the implementing method.
// Stack frames also confirm or choose among the definitions found in 2. Spans are batched by their facts, so a
// 10,000-span trace costs one lookup per distinct operation.
import { parseStackTrace } from '../../code/stacktrace';
import type { StackFrame } from '../../analysis/types';
import { dirname, isInside, joinPath } from '../paths';
import { resolveFilePath, type FileResolveContext, type FileResolution, type MappedHow } from '../resolve';
import type { Definition, FileOutline, StringLiteral } from '../syntax/types';
import { factsKey } from './facts';
import {
  matchUrl, methodOfCallee, ROUTE_CALLEES, ROUTE_PREFIX_CALLEES, routeKey, scanQuoted, SPAN_START_CALLEES, spanRoute,
  sqlKey, urlPath, urlTemplate, type RouteKey, type UrlTemplate,
} from './literals';
import { IGNORED_DIR, isScannedSource, MAX_SOURCE_FILES } from './sources';
import { textOutline } from './textOutline';
import { kebabCase, parseCodeName, snakeCase, type CodeName } from './names';
import { MAX_CANDIDATES, type Candidate, type Confidence, type EngineMapping, type MapOptions, type MappingWorkspace, type SpanFacts } from './types';

/** Generated RPC stubs declare every method of a service; the implementation is elsewhere. */
const GENERATED = /(?:\.pb\.go|_grpc\.pb\.go|_pb2(?:_grpc)?\.pyi?|Grpc\.java|Grpc\.cs|\.g\.cs|_pb\.(?:js|ts|d\.ts)|_grpc_pb\.(?:js|ts)|\.generated\.\w+)$|\/generated\//;
/** Languages without a grammar (or without a SyntaxService) get a rough outline from text. */
const TEXT_OUTLINE_EXT = /\.(?:java|kt|kts|scala|groovy|gradle|cs|go|php|js|jsx|mjs|cjs|ts|tsx|mts|cts|swift)$/i;
const READ_CONCURRENCY = 32;
/** A route literal is the route only as a positional argument or under one of these names (not `name`, `as`, `to`). */
const ROUTE_ARG_NAMES = new Set(['path', 'value', 'url', 'template', 'route', 'pattern', 'rule', 'uri', 'prefix']);
const ROUGH_NOTE = 'found by reading the text (no parser for this file): check the line';
const MAX_FILE_CHARS = 1_000_000;
const MAX_OCCURRENCES = 64;
const MAX_TEXT_SEARCH_FILES = 300;
const JAVA_EXTS = ['.java', '.kt', '.scala', '.groovy'];
const JS_FILE = /\.(?:[cm]?[jt]sx?)$/i;
const JS_EXTS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

interface Occurrence { readonly file: string; readonly line: number }

/** What the engine derives from the workspace's sources once (and again after `invalidate`). */
interface SourceScan {
  readonly files: readonly string[];
  readonly texts: Map<string, string>;
  /** Quoted strings → where they occur. */
  readonly literals: Map<string, Occurrence[]>;
  /** Route normal forms → the literal values that have them. */
  readonly routes: Map<string, Set<string>>;
  /** SQL normal forms → literal values. */
  readonly sql: Map<string, Set<string>>;
  /** URL templates by their first static segment. */
  readonly urls: Map<string, { value: string; tpl: UrlTemplate }[]>;
}

/** A definition found for a qualified name. `strong`: its containers are exactly the name's types. */
interface DefHit { readonly file: string; readonly def: Definition; readonly strong: boolean; readonly rank: number }

interface Ctx {
  readonly rctx: FileResolveContext;
  readonly resolved: Map<string, FileResolution>;
}

function uniqBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const x of xs) { const k = key(x); if (!seen.has(k)) { seen.add(k); out.push(x); } }
  return out;
}

function flatContainers(d: Definition): string[] {
  const out: string[] = [];
  for (const c of d.containers) for (const p of c.split(/::|\./)) if (p !== '') out.push(p);
  return out;
}

function endsWith(xs: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > xs.length) return false;
  for (let i = 0; i < tail.length; i++) if (xs[xs.length - tail.length + i] !== tail[i]) return false;
  return true;
}

const CALLABLE = new Set(['function', 'method', 'constructor']);

export class MappingEngine {
  private readonly _outlines = new Map<string, { version: string | undefined; outline: Promise<FileOutline | undefined> }>();
  private _scan: Promise<SourceScan> | undefined;
  /** The texts the scan read (until the next invalidate): outlining a file does not read it a second time. */
  private _scanned: Map<string, { text: string; version: string }> | undefined;
  /** Counts invalidate() calls: a scan started before one does not publish its texts. */
  private _generation = 0;
  /** Files whose outline was made from text (no grammar): what they give is never more than a 'low' guess. */
  private readonly _rough = new Set<string>();
  private _byDir: Map<string, string[]> | undefined;
  private _goModules: Promise<{ dir: string; module: string }[]> | undefined;
  private _composer: Promise<{ prefix: string; dir: string }[]> | undefined;

  constructor(private readonly _ws: MappingWorkspace) {}

  /** Files changed: forget what was derived from them (outlines are re-checked by version anyway). */
  invalidate(): void {
    this._scan = undefined;
    this._scanned = undefined;
    this._generation++;
    this._byDir = undefined;
    this._goModules = undefined;
    this._composer = undefined;
  }

  async mapSpans(spans: readonly SpanFacts[], options: MapOptions = {}): Promise<EngineMapping[]> {
    const ws = this._ws;
    const rctx: FileResolveContext = {
      mappings: options.mappings ?? { rules: [], problems: [] },
      folders: ws.folders,
      index: ws.index,
      ...(ws.exists ? { exists: (p: string) => ws.exists!(p) } : {}),
    };
    const ctx: Ctx = { rctx, resolved: new Map() };
    const byKey = new Map<string, Promise<EngineMapping>>();
    const out: Promise<EngineMapping>[] = [];
    // Each distinct operation is mapped once; the loop yields to the event loop now and then, so that a
    // 10,000-span trace never blocks the extension host for long. At most MAX_IN_FLIGHT operations run at once:
    // they wait on shared work (the source scan, outlines from the worker), and when that resolves every waiting
    // operation resumes in the same turn of the event loop; 1,600 of them resuming together blocked it for 60–100 ms
    // (64: as fast as unbounded in bench:mapping-engine, 16 was 20 % slower; the longest wait fell to ~26 ms).
    const tick = clock();
    let inFlight = 0;
    const waiting: (() => void)[] = [];
    const done = () => { inFlight--; waiting.shift()?.(); };
    for (const f of spans) {
      const k = factsKey(f);
      let p = byKey.get(k);
      if (!p) {
        while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>(resolve => waiting.push(resolve));
        const pause = tick();
        if (pause) await pause;
        inFlight++;
        p = options.cancelled?.() ? Promise.resolve(none('mapping was cancelled')) : this._mapOne(f, ctx);
        p.then(done, done);
        byKey.set(k, p);
      }
      out.push(p);
    }
    return Promise.all(out);
  }

  // ------------------------------------------------------------------------------------------------------------
  // One span

  private async _mapOne(f: SpanFacts, ctx: Ctx): Promise<EngineMapping> {
    const code = f.code;
    const why: string[] = [];
    let spanPath: string | undefined;
    const frames = this._frames(f, ctx);
    const firstFrame = frames.find(x => x.res !== undefined);

    // 1. A file path in the span
    if (code?.filePath !== undefined) {
      spanPath = code.filePath;
      const r = this._resolve(code.filePath, ctx);
      if (r.ok) {
        if (code.line !== undefined) {
          const c: Candidate = { file: r.path, line: code.line, ...(code.column !== undefined ? { column: code.column } : {}), reason: `${describeHow(r.how, r.detail)}, line ${code.line} from code.line.number`, how: r.how, inside: r.inside };
          return decided(r.how === 'suffix' ? 'high' : 'exact', [c], spanPath);
        }
        const name = parseCodeName(code.function, code.namespace);
        if (name) {
          const outline = await this._outline(r.path);
          const hits = outline ? this._defsIn(r.path, outline, name, 0) : [];
          const ranked = rankHits(hits, frames);
          if (ranked.hits.length > 0) {
            const cands = ranked.hits.map(h => defCandidate(h, `${displayName(name)} declared in ${r.path} (the span names the file but no line)`, true));
            const sure = ranked.pickedByFrame || (ranked.hits.length === 1 && hits[0]!.strong);
            return decided(sure && !this._rough.has(r.path) ? 'high' : 'low', cands, spanPath, this._rough.has(r.path) ? ROUGH_NOTE : ranked.pickedByFrame ? 'an exception stack frame lies inside it' : undefined);
          }
        }
        return decided('low', [{ file: r.path, line: 1, reason: `${describeHow(r.how, r.detail)}; the span gives no line`, how: r.how, inside: r.inside }], spanPath);
      }
      why.push(r.reason);
      if (r.candidates && r.candidates.length > 0 && code.line !== undefined) {
        // Same-named files: a stack frame or the function name may decide, otherwise the user chooses.
        const inFrames = frames.filter(x => x.res?.ok && r.candidates!.includes(x.res.path));
        if (inFrames.length > 0 && inFrames[0]!.res?.ok) {
          return decided('high', [{ file: inFrames[0]!.res.path, line: code.line, reason: `${r.reason}; an exception stack frame names this one`, how: 'stack-frame', inside: true }], spanPath);
        }
        const cands = r.candidates.slice(0, MAX_CANDIDATES).map(p => ({ file: p, line: code.line!, reason: `ends in the span's path (${r.reason})`, how: 'suffix' as MappedHow, inside: true }));
        return decided('low', cands, spanPath, r.reason);
      }
    }

    // 2. A qualified function name
    if (code?.function !== undefined) {
      const name = parseCodeName(code.function, code.namespace);
      if (!name) why.push(`code.function "${code.function.slice(0, 100)}" is not a name the engine can read`);
      else {
        const { hits, looked } = await this._findDefinition(name);
        let ranked = rankHits(hits, frames);
        let pickedByAttributes = false;
        if (!ranked.pickedByFrame && ranked.hits.filter(h => h.strong).length > 1) {
          const outlines = new Map<string, FileOutline>();
          for (const h of ranked.hits) if (!outlines.has(h.file)) { const o = await this._outline(h.file); if (o) outlines.set(h.file, o); }
          const byAttr = pickOverloadByAttributes(ranked.hits.filter(h => h.strong), outlines, new Set([...(f.attributeKeys ?? []), ...Object.keys(f.attributes)]));
          if (byAttr) {
            ranked = { hits: [byAttr.pick, ...ranked.hits.filter(h => h !== byAttr.pick)], pickedByFrame: false };
            pickedByAttributes = byAttr.proved;
            if (!byAttr.proved) why.push('the other overloads put attributes on their spans that this span lacks');
          }
        }
        if (ranked.hits.length > 0) {
          const strong = ranked.hits.filter(h => h.strong);
          const cands = ranked.hits.map(h => defCandidate(h, `${displayName(name)} declared here`, false));
          let confidence: Confidence = 'low';
          let note: string | undefined;
          if (ranked.pickedByFrame) { confidence = 'high'; note = 'an exception stack frame lies inside this definition'; }
          else if (pickedByAttributes) { confidence = 'high'; note = 'the span carries the attributes this overload\'s parameters put on it'; }
          else if (strong.length === 1 && ranked.hits[0]!.strong) confidence = 'high';
          else if (strong.length > 1) note = `${strong.length} definitions match ${displayName(name)} (overloads or same-named types); choose one`;
          if (this._rough.has(ranked.hits[0]!.file)) { confidence = 'low'; note = ROUGH_NOTE; }
          return decided(confidence, cands, spanPath, note);
        }
        why.push(`${displayName(name)} not found in the workspace (looked for ${looked})`);
      }
    }

    // 2b. Rails and similar instrumentation name server spans after the action: `OrdersController#show`
    if (code?.function === undefined && /^[A-Z][\w]*(?:::[A-Z]\w*)*#\w+[?!]?$/.test(f.name)) {
      const name = parseCodeName(f.name);
      if (name) {
        const { hits } = await this._findDefinition(name);
        const strong = hits.filter(h => h.strong);
        if (strong.length > 0) {
          const cands = rankHits(hits, frames).hits.map(h => defCandidate(h, `the span name ${f.name} is this action`, false));
          return decided(strong.length === 1 ? 'high' : 'low', cands, spanPath);
        }
      }
    }

    // 3. Where the span is created or served (span-start calls, route declarations, RPC implementations, SQL and
    //    URL literals). This comes before stack frames: an exception's frame is the line that threw, somewhere
    //    inside the span's work, not the line that made the span.
    const lit = await this._fromSource(f);
    const frameCand: Candidate | undefined = firstFrame?.res?.ok
      ? { file: firstFrame.res.path, line: firstFrame.frame.line ?? 1, ...(firstFrame.frame.column !== undefined ? { column: firstFrame.frame.column } : {}), reason: `the first exception stack frame inside the workspace (${firstFrame.frame.raw.slice(0, 200)}): where the exception was thrown, inside the span's work`, how: 'stack-frame', inside: firstFrame.res.inside }
      : undefined;
    if (lit.cands.length > 0) {
      const cands = frameCand ? [...lit.cands, frameCand] : lit.cands;
      return decided(lit.unique ? 'high' : 'low', cands, spanPath, lit.unique ? undefined : lit.cands.length > 1 ? `${lit.cands.length} places match; choose one` : 'a partial match');
    }

    // 4. Stack frames, when nothing else leads to the code: the throw line lies inside the span's work, so it is a
    //    place to start reading, never the span's own location (at most 'low').
    if (frameCand) {
      spanPath ??= firstFrame!.frame.filePath;
      return decided('low', [frameCand], spanPath, 'nothing names where the span is created');
    }
    if (frames.length > 0) {
      spanPath ??= frames.find(x => x.frame.filePath !== undefined)?.frame.filePath;
      why.push(`no stack frame resolves to a workspace file (${frames[0]!.why ?? 'first frame outside the workspace'})`);
    }
    if (lit.why) why.push(lit.why);
    if (why.length === 0) why.push('the span has no code.* attributes, stack trace, route, URL, RPC method, query or span name found in the workspace');
    return { confidence: 'none', reason: why.join('; '), candidates: [], ...(spanPath !== undefined ? { spanPath } : {}) };
  }

  private _resolve(raw: string, ctx: Ctx): FileResolution {
    let r = ctx.resolved.get(raw);
    if (!r) { r = resolveFilePath(raw, ctx.rctx); ctx.resolved.set(raw, r); }
    return r;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Stack frames

  private _frames(f: SpanFacts, ctx: Ctx): { frame: StackFrame; res?: Extract<FileResolution, { ok: true }>; why?: string }[] {
    const out: { frame: StackFrame; res?: Extract<FileResolution, { ok: true }>; why?: string }[] = [];
    for (const st of f.stackTraces) {
      const parsed = parseStackTrace(st);
      const ordered = parsed[0]?.language === 'python' ? [...parsed].reverse() : parsed;
      for (const frame of ordered) {
        if (frame.filePath === undefined || out.length >= 50) continue;
        const res = this._resolveFrame(frame, ctx);
        if (res.ok && res.inside) out.push({ frame, res });
        else out.push({ frame, why: res.ok ? `${res.path} is outside the workspace` : res.reason });
      }
    }
    return out;
  }

  /** Java frames name a file without its directory: the package (from the frame's class) supplies it. */
  resolveFrame(frame: StackFrame, ctx: FileResolveContext): FileResolution {
    return this._resolveFrame(frame, { rctx: ctx, resolved: new Map() });
  }

  private _resolveFrame(frame: StackFrame, ctx: Ctx): FileResolution {
    const file = frame.filePath!;
    if (frame.language === 'java' && !file.includes('/') && frame.function !== undefined) {
      const parts = frame.function.split('.');
      parts.pop(); // method
      parts.pop(); // class (its file is `file`)
      const segs = [...parts.filter(p => p !== '' && !p.includes('/')), file];
      const m = this._ws.index.match(segs, { minSuffix: segs.length });
      if (m.kind === 'unique') return { ok: true, path: m.path, how: 'stack-frame', detail: segs.join('/'), inside: this._inside(m.path, ctx.rctx) };
      if (m.kind === 'ambiguous') return { ok: false, reason: `${m.candidates.length} workspace files are ${segs.join('/')}`, candidates: m.candidates };
      return { ok: false, reason: `no workspace file is …/${segs.join('/')}` };
    }
    return this._resolve(file, ctx);
  }

  private _inside(path: string, rctx: FileResolveContext): boolean {
    // Only workspace folders: a path mapping's target is never trusted by being one (it could be `/`).
    return rctx.folders.some(f => isInside(path, f));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Qualified names → definitions

  /** Definitions of `name` in a file the span already named: the method inside the innermost named type. */
  private _defsIn(file: string, outline: FileOutline, name: CodeName, rank: number): DefHit[] {
    const method = name.method;
    const owner = name.style === 'dotted' ? name.segments[name.segments.length - 1] : name.style === 'go' ? name.receiver : name.style === 'ruby' ? name.constants[name.constants.length - 1] : name.cls;
    const hits: DefHit[] = [];
    for (const d of outline.definitions) {
      if (d.name !== method || !CALLABLE.has(d.kind)) continue;
      const cs = name.style === 'go' ? (d.receiver !== undefined ? [d.receiver] : []) : flatContainers(d);
      const strong = owner === undefined ? cs.length === 0 : cs[cs.length - 1] === owner;
      if (strong || owner === undefined || cs.includes(owner) || cs.length === 0) hits.push({ file, def: d, strong, rank: rank + (strong ? 100 : 0) });
    }
    return bestFirst(hits);
  }

  private async _findDefinition(name: CodeName): Promise<{ hits: DefHit[]; looked: string }> {
    switch (name.style) {
      case 'dotted': return this._dotted(name);
      case 'go': return this._go(name);
      case 'ruby': return this._ruby(name);
      case 'php': return this._php(name);
    }
  }

  private async _dotted(name: Extract<CodeName, { style: 'dotted' }>): Promise<{ hits: DefHit[]; looked: string }> {
    const S = name.segments;
    const index = this._ws.index;
    const hits: DefHit[] = [];
    const looked: string[] = [];
    const tried = new Set<string>();
    for (let k = S.length - 1; k >= 0; k--) {
      const pkg = S.slice(0, k);
      const F = S[k]!;
      const inner = S.slice(k + 1);
      const rank = k * 10;
      const files: { path: string; chain: string[]; rank: number }[] = [];
      const bySuffix = (segs: string[], chain: string[], r: number) => {
        const m = index.match(segs, { minSuffix: segs.length });
        if (m.kind === 'unique') files.push({ path: m.path, chain, rank: r });
        else if (m.kind === 'ambiguous') for (const p of m.candidates) files.push({ path: p, chain, rank: r });
      };
      // Java/Kotlin/Scala/Groovy: package dirs + the top-level class's file (Kotlin file facades: FooKt → Foo.kt).
      // The conventions are tried in turn and the first that names files wins (a 10,000-span trace asks this for
      // every distinct function, so the lookups stay few).
      const cls = F.endsWith('Kt') && F.length > 2 ? F.slice(0, -2) : F;
      for (const ext of JAVA_EXTS) bySuffix([...pkg, cls + ext], cls === F ? [F, ...inner] : inner, rank + 5);
      if (files.length === 0) {
        // Python: module a.b.c → a/b/c.py, a/b/c/__init__.py
        bySuffix([...pkg, F + '.py'], inner, rank + 4);
        bySuffix([...pkg, F, '__init__.py'], inner, rank + 3);
      }
      if (files.length === 0) {
        // JS/TS: module path or a file named after the class
        const kebab = /^[A-Z]/.test(F) ? kebabCase(F) : undefined;
        for (const ext of JS_EXTS) {
          bySuffix([...pkg, F + ext], inner, rank + 2);
          bySuffix([...pkg, F + ext], [F, ...inner], rank + 2);
          if (kebab !== undefined) {
            bySuffix([...pkg, kebab + ext], [F, ...inner], rank + 1);
            bySuffix([kebab + ext], [F, ...inner], rank);
            bySuffix([F + ext], [F, ...inner], rank);
          }
        }
      }
      // C#: any F.cs (the directory need not follow the namespace); partial classes: F.*.cs are found below
      for (const p of index.withName(F + '.cs')) files.push({ path: p, chain: [F, ...inner], rank: rank + 4 });
      looked.push(`${[...pkg, F].join('/')}.{java,kt,py,ts,js,cs,…}`);
      // A lambda by javac's name, then by its prefix (javac may number nested lambdas otherwise), then its method
      const variants: { method: string; prefix: boolean }[] = name.synthetic !== undefined
        ? [{ method: name.synthetic, prefix: false }, { method: name.synthetic.replace(/\d+$/, ''), prefix: true }, { method: name.method, prefix: false }]
        : [{ method: name.method, prefix: false }];
      for (const v of variants) {
        const found: DefHit[] = [];
        for (const file of uniqBy(files, x => `${x.path}\0${x.chain.join('.')}`)) {
          const key = `${file.path}\0${file.chain.join('.')}\0${v.method}`;
          if (tried.has(key)) continue;
          tried.add(key);
          const outline = await this._outline(file.path);
          if (!outline) continue;
          const want = { pkg, chain: file.chain, method: v.method, prefix: v.prefix, ctor: name.ctor === true };
          for (const d of outline.definitions) {
            const strength = matchDef(d, outline, want);
            if (strength > 0) found.push({ file: file.path, def: d, strong: strength === 2, rank: file.rank + (strength === 2 ? 100 : 0) });
          }
        }
        // a prefix names one lambda only when exactly one matches
        if (v.prefix && found.filter(h => h.strong).length !== 1) continue;
        hits.push(...found);
        if (found.some(h => h.strong)) break;
      }
      if (hits.some(h => h.strong)) break;
    }
    if (!hits.some(h => h.strong)) {
      // The file does not follow a convention (a Kotlin/C# file holding other classes, a partial class, a module
      // run from another root): parse the files that mention both the type and the method.
      const typeName = S[S.length - 1];
      const words = typeName !== undefined ? [typeName, name.method] : [name.method];
      for (const file of await this._filesMentioning(words, null)) {
        if (hits.some(h => h.file === file)) continue;
        const outline = await this._outline(file);
        if (!outline) continue;
        for (let k = S.length; k >= 0; k--) {
          const want = { pkg: S.slice(0, k), chain: S.slice(k), method: name.method, ctor: name.ctor === true };
          let found = false;
          for (const d of outline.definitions) {
            const strength = matchDef(d, outline, want);
            if (strength === 2 && (k < S.length || S.length === 0 || (outline.package ?? '') === S.join('.'))) { hits.push({ file, def: d, strong: true, rank: 50 - k }); found = true; }
          }
          if (found) break;
        }
      }
      if (hits.length === 0) looked.push(`files mentioning ${words.join(' and ')}`);
    }
    return { hits: bestFirst(hits), looked: looked.slice(0, 3).join(', ') };
  }

  private async _go(name: Extract<CodeName, { style: 'go' }>): Promise<{ hits: DefHit[]; looked: string }> {
    let files: string[] = [];
    let looked = `package ${name.importPath}`;
    if (name.importPath !== 'main') {
      for (const m of await this._goModulesList()) {
        if (name.importPath === m.module || name.importPath.startsWith(m.module + '/')) {
          const dir = name.importPath === m.module ? m.dir : joinPath(m.dir, name.importPath.slice(m.module.length + 1));
          if (dir !== undefined) { files = this._filesIn(dir).filter(p => p.endsWith('.go') && !p.endsWith('_test.go')); looked = `${dir} (go.mod module ${m.module})`; }
          break;
        }
      }
      if (files.length === 0) {
        // No go.mod claims it: the directory whose path ends like the import path
        const segs = name.importPath.split('/');
        for (let n = segs.length; n >= 1 && files.length === 0; n--) {
          const tail = segs.slice(segs.length - n).join('/');
          for (const [dir, list] of this._dirs()) if (dir.endsWith('/' + tail)) files.push(...list.filter(p => p.endsWith('.go') && !p.endsWith('_test.go')));
          if (n <= 1) break;
        }
      }
    }
    if (files.length === 0) files = (await this._filesMentioning([name.method], /\.go$/)).filter(p => !p.endsWith('_test.go'));
    const hits: DefHit[] = [];
    for (const file of files) {
      const outline = await this._outline(file);
      if (!outline) continue;
      if (outline.package !== undefined && outline.package !== name.pkg) continue;
      outline.definitions.forEach((d, di) => {
        if (d.name !== name.method || !CALLABLE.has(d.kind)) return;
        if ((d.receiver ?? undefined) !== name.receiver) return;
        // `Place.func1`: the function literal the runtime numbered so, inside this method, when the outline has it
        const lit = name.closure !== undefined ? outline.definitions.find(x => x.anonymous && x.name === name.closure && outermost(outline, x) === di) : undefined;
        hits.push({ file, def: lit ?? d, strong: true, rank: 100 });
      });
    }
    return { hits, looked };
  }

  private async _ruby(name: Extract<CodeName, { style: 'ruby' }>): Promise<{ hits: DefHit[]; looked: string }> {
    const parts = name.constants.map(snakeCase);
    const segs = [...parts.slice(0, -1), parts[parts.length - 1] + '.rb'];
    const m = this._ws.index.match(segs, { minSuffix: 1 });
    const files = m.kind === 'unique' ? [m.path] : m.kind === 'ambiguous' ? [...m.candidates] : [];
    const hits: DefHit[] = [];
    for (const file of files) {
      const outline = await this._outline(file);
      if (!outline) continue;
      for (const d of outline.definitions) {
        if ((d.name !== name.method && d.name !== `self.${name.method}`) || !CALLABLE.has(d.kind)) continue;
        const cs = flatContainers(d);
        const exact = cs.length === name.constants.length && endsWith(cs, name.constants);
        if (exact || endsWith(cs, name.constants.slice(-1))) hits.push({ file, def: d, strong: exact, rank: exact ? 100 : 10 });
      }
    }
    return { hits: bestFirst(hits), looked: `…/${segs.join('/')}` };
  }

  private async _php(name: Extract<CodeName, { style: 'php' }>): Promise<{ hits: DefHit[]; looked: string }> {
    const fqn = [...name.namespace, name.cls].join('\\');
    const files: string[] = [];
    for (const { prefix, dir } of await this._composerRoots()) {
      if (!(fqn + '\\').startsWith(prefix)) continue;
      const rest = fqn.slice(prefix.length).split('\\').filter(Boolean);
      const p = joinPath(dir, rest.join('/') + '.php');
      if (p !== undefined && this._ws.index.has(p)) files.push(p);
    }
    if (files.length === 0) {
      const m = this._ws.index.match([...name.namespace, name.cls + '.php'], { minSuffix: 1 });
      if (m.kind === 'unique') files.push(m.path);
      else if (m.kind === 'ambiguous') files.push(...m.candidates);
    }
    const hits: DefHit[] = [];
    const ns = name.namespace.join('\\');
    for (const file of files) {
      const outline = await this._outline(file);
      if (!outline) continue;
      for (const d of outline.definitions) {
        if (d.name !== name.method || !CALLABLE.has(d.kind) || d.containers[d.containers.length - 1] !== name.cls) continue;
        const strong = (outline.package ?? '').replace(/^\\/, '') === ns;
        hits.push({ file, def: d, strong, rank: strong ? 100 : 10 });
      }
    }
    return { hits: bestFirst(hits), looked: `${fqn}.php (PSR-4 from composer.json, else by path)` };
  }

  // ------------------------------------------------------------------------------------------------------------
  // No code.*: literals in the source, RPC implementations

  private async _fromSource(f: SpanFacts): Promise<{ cands: Candidate[]; unique: boolean; why?: string }> {
    const scan = await this._sources();
    const a = f.attributes;
    const cands: Candidate[] = [];
    // Span name in a span-starting call
    const byName = await this._spanNameLiterals(f.name, scan);
    if (byName.length > 0) return this._ranked(byName, f, 'span name');

    // Span names that are a function's name by an instrumentation's convention: Express and Koa name middleware
    // spans `middleware - <function name>`
    const fn = /^middleware - ([\p{L}_$][\p{L}\p{N}_$]{0,199})$/u.exec(f.name)?.[1];
    if (fn !== undefined && fn !== '<anonymous>') {
      const r = await this._functionDefs(fn, JS_FILE);
      if (r.length > 0) return this._ranked(r, f, 'function');
    }

    // HTTP server: the route declaration
    const route = f.kind === 'server' || f.kind === 'unspecified' || a['http.route'] !== undefined ? spanRoute(f.name, a['http.route']) : undefined;
    if (route && (f.kind === 'server' || a['http.route'] !== undefined)) {
      const r = await this._routeDecls(route, a['http.request.method'] ?? a['http.method'] ?? route.method, scan);
      if (r.length > 0) return this._ranked(r, f, 'route');
    }
    // RPC: the implementing method (server) or the call site (client)
    const rpc = rpcOf(f);
    const rpcMethod = rpc?.method;
    if (rpc && f.kind === 'server') {
      const r = await this._rpcImpl(rpc.method, rpc.service);
      if (r.length > 0) return this._ranked(r, f, 'rpc');
    }
    if (rpc && f.kind === 'client') {
      // A hand-written stub passes the full method name to the channel (`conn.Invoke(ctx, "/pkg.Svc/Method", …)`):
      // that literal is the call site. Generated stubs hold the same literal, but the user's call is elsewhere.
      if (rpc.service !== undefined) {
        const r = (await this._literalLines([`/${rpc.service}/${rpc.method}`, `${rpc.service}/${rpc.method}`], scan))
          .filter(c => !GENERATED.test(c.file) && c.callee !== undefined && !c.annotation)
          .map(c => ({ file: c.file, line: c.line, reason: `"${c.value}" names the RPC in a call to ${c.callee}(…) here`, how: 'name-search' as MappedHow, inside: true, score: 90 }));
        if (r.length > 0) return this._ranked(r, f, 'rpc');
      }
      // The stub call site (`client.SayHello(ctx, …)`): calls are not in the outline, so this is a text match,
      // never more than a guess
      const r = await this._rpcCalls(rpc.method, rpc.service);
      if (r.length > 0) return { cands: this._ranked(r, f, 'rpc').cands, unique: false };
    }
    // DB: the literal holding the query
    const stmt = a['db.query.text'] ?? a['db.statement'];
    const sk = stmt !== undefined ? sqlKey(stmt) : undefined;
    if (sk !== undefined) {
      const r = await this._sqlLiterals(sk, scan);
      if (r.length > 0) return this._ranked(r, f, 'sql');
    }
    // HTTP client: literals building the URL
    const url = a['url.full'] ?? a['http.url'] ?? (f.kind === 'client' ? a['url.path'] ?? a['http.target'] : undefined);
    const path = url !== undefined && f.kind === 'client' ? urlPath(url) : undefined;
    if (path !== undefined) {
      const r = await this._urlLiterals(path, scan);
      if (r.length > 0) return this._ranked(r, f, 'url');
    }
    const tried = ['span name'];
    if (route) tried.push(`route /${route.key}`);
    if (rpcMethod !== undefined) tried.push(`RPC method ${rpcMethod}`);
    if (sk !== undefined) tried.push('query text');
    if (path !== undefined) tried.push(`URL path ${path.slice(0, 100)}`);
    return { cands, unique: false, why: `no code.* attributes, and no workspace source matches the ${tried.join(', ')}` };
  }

  /** Candidates best first; the service name in a candidate's path breaks ties (monorepos with one dir per service). */
  private _ranked(hits: (Candidate & { score: number })[], f: SpanFacts, _kind: string): { cands: Candidate[]; unique: boolean } {
    const svc = f.service.toLowerCase().replace(/[-_.]?(service|svc|server|app|api)$/, '').replace(/[^a-z0-9]/g, '');
    const bonus = (file: string) => svc.length >= 3 && file.toLowerCase().split('/').some(s => s.replace(/[^a-z0-9]/g, '').includes(svc)) ? 5 : 0;
    const scored = uniqBy(hits, h => `${h.file}:${h.line}`).map(h => ({ h, s: h.score + bonus(h.file) }));
    scored.sort((x, y) => y.s - x.s || (x.h.file < y.h.file ? -1 : x.h.file > y.h.file ? 1 : x.h.line - y.h.line));
    const top = scored[0]!.s;
    const runnerUp = scored[1]?.s;
    const cands = scored.slice(0, MAX_CANDIDATES).map(x => { const { score: _s, ...c } = x.h; return c; });
    // One place for sure: a full match (a partial route or URL prefix never is) well ahead of any other
    return { cands, unique: top >= 80 && (runnerUp === undefined || runnerUp <= top - 30) };
  }

  private async _spanNameLiterals(name: string, scan: SourceScan): Promise<(Candidate & { score: number })[]> {
    const occ = scan.literals.get(name);
    if (!occ || name.trim() === '') return [];
    const out: (Candidate & { score: number })[] = [];
    for (const file of uniqBy(occ.map(o => o.file), x => x)) {
      const outline = await this._outline(file);
      if (!outline) {
        continue;
      }
      for (const l of outline.literals) {
        if (l.value !== name || l.callee === undefined || !SPAN_START_CALLEES.has(l.callee.toLowerCase())) continue;
        if ((l.argIndex ?? 0) > 1) continue;
        const line = l.annotation ? annotatedLine(outline, l) : l.line;
        out.push({ file, line, reason: `"${name}" is the span name in ${l.receiver ? l.receiver + '.' : ''}${l.annotation ? '@' : ''}${l.callee}(…) here`, how: 'name-search', inside: true, score: 100 });
      }
    }
    return out;
  }

  private async _routeDecls(route: RouteKey, method: string | undefined, scan: SourceScan): Promise<(Candidate & { score: number })[]> {
    const segs = route.key === '' ? [] : route.key.split('/');
    const values = new Set<string>();
    for (let i = 0; i <= segs.length; i++) for (const v of scan.routes.get(segs.slice(i).join('/')) ?? []) values.add(v);
    if (values.size === 0) return [];
    const files = new Set<string>();
    for (const v of values) for (const o of scan.literals.get(v) ?? []) files.add(o.file);
    const out: (Candidate & { score: number })[] = [];
    const M = method?.toUpperCase();
    for (const file of files) {
      const outline = await this._outline(file);
      if (!outline) continue;
      const prefixes = classPrefixes(outline);
      for (const l of outline.literals) {
        if (!values.has(l.value) || l.callee === undefined) continue;
        const callee = l.callee.toLowerCase();
        if (!ROUTE_CALLEES.has(callee) || (l.argName !== undefined && !ROUTE_ARG_NAMES.has(l.argName.toLowerCase()))) continue;
        const rk = routeKey(l.value);
        if (!rk) continue;
        const lm = rk.method ?? methodOfCallee(l.callee);
        if (M !== undefined && lm !== undefined && lm !== M) continue;
        let score = 0;
        let how = '';
        if (rk.key === route.key) { score = 90; how = 'declares the route'; }
        else {
          // a class-level prefix (@RequestMapping("/orders") + @GetMapping("/{id}"))
          const pre = prefixes.find(p => p.before(l) && joinKeys(p.key, rk.key) === route.key);
          if (pre) { score = 90; how = `declares the route with the prefix /${pre.key}`; }
          else if (rk.key !== '' && route.key.endsWith('/' + rk.key) && rk.key.split('/').some(s => s !== '{}')) { score = 40; how = `declares …/${rk.key} (the prefix is added elsewhere)`; }
          else continue;
        }
        if (ROUTE_PREFIX_CALLEES.has(callee) && l.enclosing === undefined && score < 90) continue;
        const line = l.annotation ? annotatedLine(outline, l) : l.line;
        const reason = `${l.annotation ? '@' : ''}${l.callee}("${l.value.slice(0, 120)}") ${how} /${route.key}${M ? ` (${M})` : ''}`;
        // Rails: `get '/orders/:id', to: 'orders#show'` is served by OrdersController#show
        const to = outline.literals.find(x => x.line === l.line && x.argName === 'to' && /^[\w/]+#\w+[?!]?$/.test(x.value));
        if (to) {
          const [ctl, action] = to.value.split('#') as [string, string];
          const constants = ctl.split('/').map(p => p.replace(/(^|_)([a-z\d])/g, (_m, _u, c: string) => c.toUpperCase()));
          constants[constants.length - 1] += 'Controller';
          const { hits } = await this._ruby({ style: 'ruby', constants, method: action });
          const h = hits.find(x => x.strong);
          if (h) { out.push({ file: h.file, line: h.def.line, reason: `${constants.join('::')}#${action} serves it (${reason})`, how: 'name-search', inside: true, score: score + 5 }); continue; }
        }
        out.push({ file, line, reason, how: 'name-search', inside: true, score });
      }
    }
    return out;
  }

  /**
   * A URL built in one place and handed to a helper of the same file (`getJson(`${base}/prices/${sku}`)` with
   * `function getJson(url) { http.get(url, …) }`): the request is made where the helper passes its first
   * parameter on to a call, so that line is the client span's. Undefined when `callee` is not a function of this
   * file (a library call such as `http.get` or `base.resolve` is the request itself, or builds it in place).
   */
  private _wrapperCall(file: string, outline: FileOutline, callee: string, scan: SourceScan): { line: number } | undefined {
    const defs = outline.definitions.filter(d => d.name === callee && CALLABLE.has(d.kind));
    if (defs.length !== 1) return undefined;
    const d = defs[0]!;
    const text = scan.texts.get(file);
    if (text === undefined || d.endLine - d.line > 400) return undefined;
    const lines = text.split('\n', d.endLine);
    const head = lines.slice(d.line - 1, d.line + 2).join(' ');
    const at = head.indexOf(callee);
    const param = at >= 0 ? /^\s*(?:=\s*)?(?:async\s+)?(?:function\s*\*?\s*)?\(\s*([\p{L}_$][\p{L}\p{N}_$]*)/u.exec(head.slice(at + callee.length))?.[1] : undefined;
    if (param === undefined) return undefined;
    // the first request-making call that takes the parameter as an argument (not a log line that prints it)
    const use = new RegExp(`([\\p{L}\\p{N}_$]+)\\s*\\((?:[^()]*,\\s*)?${param.replace(/\$/g, '\\$')}\\s*[,)]`, 'gu');
    for (let i = d.line; i < Math.min(d.endLine, lines.length); i++) {
      for (const m of lines[i]!.matchAll(use)) if (isRequestCall(m[1]!)) return { line: i + 1 };
    }
    return undefined;
  }

  /** The string literals (from the parser) whose value is one of `values`. */
  private async _literalLines(values: readonly string[], scan: SourceScan): Promise<(StringLiteral & { file: string })[]> {
    const files = new Set<string>();
    for (const v of values) for (const o of scan.literals.get(v) ?? []) files.add(o.file);
    const out: (StringLiteral & { file: string })[] = [];
    for (const file of files) {
      const outline = await this._outline(file);
      if (!outline) continue;
      for (const l of outline.literals) if (values.includes(l.value)) out.push({ ...l, file });
    }
    return out;
  }

  /** Definitions of functions named `name` (in files whose path matches `ext`). */
  private async _functionDefs(name: string, ext: RegExp): Promise<(Candidate & { score: number })[]> {
    const out: (Candidate & { score: number })[] = [];
    for (const file of await this._filesMentioning([name], ext, true)) {
      const outline = await this._outline(file);
      if (!outline) continue;
      for (const d of outline.definitions) {
        if (d.name !== name || !CALLABLE.has(d.kind)) continue;
        out.push({ file, line: d.line, reason: `the span is named after the function ${name}, declared here`, how: 'name-search', inside: true, score: 90 });
      }
    }
    return out;
  }

  private async _rpcImpl(method: string, service: string | undefined): Promise<(Candidate & { score: number })[]> {
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(method) || method.length > 200) return [];
    const lower = method[0]!.toLowerCase() + method.slice(1);
    const svcShort = (service ?? '').split('.').pop() ?? '';
    const files = (await this._filesMentioning([method === lower ? method : lower], null, true)).concat(method !== lower ? await this._filesMentioning([method], null, true) : []);
    const out: (Candidate & { score: number })[] = [];
    for (const file of uniqBy(files, x => x)) {
      if (GENERATED.test(file)) continue;
      const outline = await this._outline(file);
      if (!outline) continue;
      for (const d of outline.definitions) {
        if ((d.name !== method && d.name !== lower) || !CALLABLE.has(d.kind)) continue;
        const owner = d.receiver ?? d.containers[d.containers.length - 1] ?? '';
        if (owner === '') continue; // RPC handlers are methods; a free function of that name is a client helper
        let score = 80;
        if (svcShort !== '' && owner.toLowerCase().includes(svcShort.toLowerCase())) score += 20;
        if (/server|service|impl|servicer|handler/i.test(owner)) score += 10;
        out.push({ file, line: d.line, reason: `${owner}.${d.name} implements the RPC ${service ? service + '/' : ''}${method}`, how: 'name-search', inside: true, score });
      }
    }
    return out;
  }

  private async _rpcCalls(method: string, service: string | undefined): Promise<(Candidate & { score: number })[]> {
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(method) || method.length > 200) return [];
    const lower = method[0]!.toLowerCase() + method.slice(1);
    const scan = await this._sources();
    const out: (Candidate & { score: number })[] = [];
    const files = await this._filesMentioning(['.' + method + '('], null);
    if (lower !== method) files.push(...await this._filesMentioning(['.' + lower + '('], null));
    for (const file of uniqBy(files, x => x)) {
      if (GENERATED.test(file)) continue;
      const lines = (scan.texts.get(file) ?? '').split('\n', 50_000);
      lines.forEach((text, i) => {
        if (text.length > 2000 || !(text.includes('.' + method + '(') || text.includes('.' + lower + '('))) return;
        if (/^\s*(?:func|def|public|private|protected|override|async)\b/.test(text)) return; // a declaration, not a call
        out.push({ file, line: i + 1, reason: `calls ${service ? service + '/' : ''}${method} (found in the text)`, how: 'name-search', inside: true, score: 50 });
      });
    }
    return out;
  }

  private async _sqlLiterals(key: string, scan: SourceScan): Promise<(Candidate & { score: number })[]> {
    let values = scan.sql.get(key);
    let partial = false;
    if (!values) {
      // A query built by concatenation: the literal holding its start (long enough to mean something)
      values = new Set();
      for (const [k, vs] of scan.sql) if (k.length >= 24 && key.startsWith(k)) for (const v of vs) values.add(v);
      if (values.size === 0) return [];
      partial = true;
    }
    const out: (Candidate & { score: number })[] = [];
    for await (const { file, outline } of this._outlinesHolding(values, scan)) {
      for (const l of outline.literals) {
        const lk = sqlKey(l.value);
        if (lk === undefined || (partial ? !key.startsWith(lk) : lk !== key)) continue;
        out.push({ file, line: l.line, reason: partial ? 'the query text starts with this literal (the rest is appended at run time)' : 'the query text is this literal (literals and whitespace normalized)', how: 'name-search', inside: true, score: partial ? 40 : 80 });
      }
    }
    return out;
  }

  private async _urlLiterals(path: string, scan: SourceScan): Promise<(Candidate & { score: number })[]> {
    const segs = path.split('/').filter(s => s !== '');
    const tpls = new Map<string, UrlTemplate>();
    for (const s of new Set(segs)) for (const t of scan.urls.get(s) ?? []) tpls.set(t.value, t.tpl);
    const matched = new Map<string, number>();
    for (const [v, t] of tpls) {
      const m = matchUrl(t, segs);
      // a template covering the whole path is a full match; a prefix the code appends to is a partial one
      if (m > 0) matched.set(v, (m === 2 ? 85 : 40) + Math.min(t.statics, 9));
    }
    if (matched.size === 0) return [];
    const best = Math.max(...matched.values());
    const keep = [...matched].filter(([, s]) => s === best).map(([v]) => v);
    const out: (Candidate & { score: number })[] = [];
    for await (const { file, outline } of this._outlinesHolding(keep, scan)) {
      for (const l of outline.literals) {
        if (!keep.includes(l.value)) continue;
        const reason = `"${l.value.slice(0, 120)}" builds the request URL ${path.slice(0, 120)}`;
        const via = l.callee !== undefined && !l.annotation ? this._wrapperCall(file, outline, l.callee, scan) : undefined;
        if (via) out.push({ file, line: via.line, reason: `${reason} and is passed to ${l.callee}(…) (line ${l.line}), which makes the request with it here`, how: 'name-search', inside: true, score: best });
        else out.push({ file, line: l.line, reason, how: 'name-search', inside: true, score: best });
      }
    }
    return out;
  }

  /**
   * The outline of each file the scan found holding one of `values` as a literal, each file once, in the scan's order.
   * One outline is awaited at a time, and only when the caller asks for the next (a caller that stops early reads no
   * more files).
   */
  private async *_outlinesHolding(values: Iterable<string>, scan: SourceScan): AsyncGenerator<{ file: string; outline: FileOutline }> {
    const files = new Set<string>();
    for (const v of values) for (const o of scan.literals.get(v) ?? []) files.add(o.file);
    for (const file of files) {
      const outline = await this._outline(file);
      if (outline) yield { file, outline };
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Workspace-derived data

  private async _outline(path: string): Promise<FileOutline | undefined> {
    const syntax = this._ws.syntax;
    const parsed = syntax !== undefined && syntax.languageOf(path) !== undefined;
    if (!parsed && !TEXT_OUTLINE_EXT.test(path)) return undefined;
    const version = this._ws.version?.(path);
    const cached = this._outlines.get(path);
    if (cached && version !== undefined && cached.version === version) return cached.outline;
    const outline = (async () => {
      // the scan's copy only while the file is at the version it was read at (typing re-versions a file)
      const scanned = version !== undefined ? this._scanned?.get(path) : undefined;
      const text = scanned !== undefined && scanned.version === version ? scanned.text : await this._ws.readText(path);
      if (text === undefined || text.length > MAX_FILE_CHARS) return undefined;
      if (!parsed) {
        this._rough.add(path);
        return textOutline(text);
      }
      this._rough.delete(path);
      try { return await syntax.outline(path, text, version); } catch { return undefined; }
    })();
    this._outlines.set(path, { version, outline });
    return outline;
  }

  private _dirs(): Map<string, string[]> {
    if (this._byDir) return this._byDir;
    const m = new Map<string, string[]>();
    for (const p of this._ws.index.paths()) {
      const d = dirname(p);
      let l = m.get(d);
      if (!l) m.set(d, (l = []));
      l.push(p);
    }
    return (this._byDir = m);
  }

  private _filesIn(dir: string): string[] {
    return this._dirs().get(dir) ?? [];
  }

  /** Reads the first `most` files named `name` (a manifest: go.mod, composer.json) outside ignored folders, one at a time. */
  private async _eachManifest(name: string, most: number, visit: (path: string, text: string) => void): Promise<void> {
    for (const p of this._ws.index.withName(name).slice(0, most)) {
      if (IGNORED_DIR.test(p)) continue;
      const text = await this._ws.readText(p);
      if (text !== undefined) visit(p, text);
    }
  }

  private _goModulesList(): Promise<{ dir: string; module: string }[]> {
    return (this._goModules ??= (async () => {
      const out: { dir: string; module: string }[] = [];
      await this._eachManifest('go.mod', 200, (p, text) => {
        const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
        if (m) out.push({ dir: dirname(p), module: m[1]! });
      });
      // the deepest module first: nested modules own their subtrees
      return out.sort((a, b) => b.module.length - a.module.length);
    })());
  }

  private _composerRoots(): Promise<{ prefix: string; dir: string }[]> {
    return (this._composer ??= (async () => {
      const out: { prefix: string; dir: string }[] = [];
      await this._eachManifest('composer.json', 50, (p, text) => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { return; }
        for (const section of ['autoload', 'autoload-dev']) {
          const psr4 = (json as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[section]?.['psr-4'];
          if (!psr4 || typeof psr4 !== 'object') continue;
          for (const [prefix, dirs] of Object.entries(psr4)) {
            for (const d of Array.isArray(dirs) ? dirs : [dirs]) {
              if (typeof d !== 'string') continue;
              const dir = joinPath(dirname(p), d);
              if (dir !== undefined) out.push({ prefix, dir });
            }
          }
        }
      });
      return out.sort((a, b) => b.prefix.length - a.prefix.length);
    })());
  }

  /** Source files (not dependencies or build output) whose text contains every word, at most MAX_TEXT_SEARCH_FILES. */
  private async _filesMentioning(words: readonly string[], ext: RegExp | null, wholeWord = false): Promise<string[]> {
    const scan = await this._sources();
    const out: string[] = [];
    const tick = clock();
    for (const file of scan.files) {
      const p = tick();
      if (p) await p;
      if (ext && !ext.test(file)) continue;
      const text = scan.texts.get(file);
      if (text === undefined) continue;
      if (!words.every(w => wholeWord ? hasWord(text, w) : text.includes(w))) continue;
      out.push(file);
      if (out.length >= MAX_TEXT_SEARCH_FILES) break;
    }
    return out;
  }

  private _sources(): Promise<SourceScan> {
    if (this._scan) return this._scan;
    const generation = this._generation;
    const scan = (async (): Promise<SourceScan> => {
      const files: string[] = [];
      for (const p of this._ws.index.paths()) {
        if (!isScannedSource(p)) continue;
        files.push(p);
        if (files.length >= MAX_SOURCE_FILES) break;
      }
      files.sort();
      const texts = new Map<string, string>();
      const literals = new Map<string, Occurrence[]>();
      const routes = new Map<string, Set<string>>();
      const sql = new Map<string, Set<string>>();
      const urls = new Map<string, { value: string; tpl: UrlTemplate }[]>();
      const seenValues = new Set<string>();
      // At most READ_CONCURRENCY reads at a time: thousands of open files at once would hit descriptor limits
      const texts2: (string | undefined)[] = new Array(files.length);
      const versions: (string | undefined)[] = new Array(files.length);
      let next = 0;
      // A workspace may read synchronously (the CLI's does): the readers then share a clock and give the event
      // loop a turn when their slice is up, as every long loop here does.
      const readTick = clock();
      const reader = async () => {
        while (next < files.length) {
          const i = next++;
          texts2[i] = await this._ws.readText(files[i]!).catch(() => undefined);
          versions[i] = this._ws.version?.(files[i]!);
          const pause = readTick();
          if (pause) await pause;
        }
      };
      await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, reader));
      const tick = clock();
      for (let i = 0; i < files.length; i++) {
        const pause = tick();
        if (pause) await pause;
        const file = files[i]!;
        const text = texts2[i];
        if (text === undefined || text.length > MAX_FILE_CHARS) continue;
        texts.set(file, text);
        scanQuoted(text, (value, line) => {
          if (value.length === 0) return;
          let occ = literals.get(value);
          if (!occ) literals.set(value, (occ = []));
          if (occ.length < MAX_OCCURRENCES && (occ.length === 0 || occ[occ.length - 1]!.file !== file || occ[occ.length - 1]!.line !== line)) occ.push({ file, line });
          if (seenValues.has(value)) return;
          seenValues.add(value);
          if (value.includes('/') || (value.length < 40 && /^[{:<]/.test(value))) {
            const rk = routeKey(value);
            if (rk) { let s = routes.get(rk.key); if (!s) routes.set(rk.key, (s = new Set())); s.add(value); }
            const t = urlTemplate(value);
            if (t) {
              const first = t.segs.find(s => s !== undefined)!;
              let l = urls.get(first);
              if (!l) urls.set(first, (l = []));
              l.push({ value, tpl: t });
            }
          }
          const sk = sqlKey(value);
          if (sk !== undefined) { let s = sql.get(sk); if (!s) sql.set(sk, (s = new Set())); s.add(value); }
        });
      }
      // (not when the workspace changed while it ran: invalidate() dropped this scan)
      if (this._generation === generation) {
        const scanned = new Map<string, { text: string; version: string }>();
        files.forEach((file, i) => { const text = texts.get(file); const version = versions[i]; if (text !== undefined && version !== undefined) scanned.set(file, { text, version }); });
        this._scanned = scanned;
      }
      return { files, texts, literals, routes, sql, urls };
    })();
    return (this._scan = scan);
  }
}

/**
 * Long loops give the event loop a turn every SLICE_MS, so the extension host is never blocked by mapping. The
 * slice is shared by every loop (the mapping loop, the file readers, the literal scan, text searches run by
 * concurrent lookups): loops that each kept their own clock would all resume in the same turn of the event loop
 * and each run a full slice, blocking it for their sum. The first loop to resume starts a new slice; the others
 * resuming in that turn get what is left of it.
 */
const SLICE_MS = 12;
/** Distinct operations mapped at once (see mapSpans). */
const MAX_IN_FLIGHT = 64;
/**
 * A turn of the event loop. Node's setImmediate runs right after pending I/O; setTimeout(0) waits at least 1 ms
 * more (a CPU profile of the CLI mapping 10,000 spans showed about 50 ms of its second idle in those waits).
 */
const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
const nextTurn: (f: () => void) => void = immediate !== undefined ? f => { immediate(f); } : f => { setTimeout(f, 0); };
let sliceStart = performance.now();
function tick(): Promise<void> | undefined {
  const asked = performance.now();
  if (asked - sliceStart < SLICE_MS) return undefined;
  return new Promise<void>(resolve => nextTurn(() => {
    if (sliceStart <= asked) sliceStart = performance.now();
    resolve();
  }));
}
function clock(): () => Promise<void> | undefined {
  return tick;
}

/** Index of the outermost definition around `d` (following `parent`), or -1 when it has none. */
function outermost(outline: FileOutline, d: Definition): number {
  let i = d.parent ?? -1;
  for (let guard = 0; i >= 0 && guard < 64; guard++) {
    const p = outline.definitions[i]!.parent;
    if (p === undefined) return i;
    i = p;
  }
  return i;
}

function hasWord(text: string, w: string): boolean {
  let i = text.indexOf(w);
  while (i >= 0) {
    const before = i === 0 ? '' : text[i - 1]!;
    const after = text[i + w.length] ?? '';
    if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
    i = text.indexOf(w, i + 1);
  }
  return false;
}

/**
 * 2: the definition is the wanted function inside exactly the wanted types (after any namespace the file declares);
 * 1: the name matches inside a type of that name at another depth (anonymous classes, lambdas); 0: no.
 */
function matchDef(d: Definition, outline: FileOutline, want: { pkg: readonly string[]; chain: readonly string[]; method: string; prefix?: boolean; ctor: boolean }): 0 | 1 | 2 {
  if (want.ctor) {
    if (d.kind !== 'constructor' && !(CALLABLE.has(d.kind) && (d.name === want.method || d.name === '__init__' || d.name === 'constructor'))) return 0;
  } else if (!(want.prefix ? d.name.startsWith(want.method) : d.name === want.method) || !CALLABLE.has(d.kind)) return 0;
  const cs = flatContainers(d);
  const t = want.chain;
  if (endsWith(cs, t)) {
    const rest = cs.slice(0, cs.length - t.length);
    // C# definitions carry their own namespace (a file may declare several)
    const namespaces = d.namespace !== undefined ? [d.namespace] : [outline.package, ...(outline.namespaces ?? [])].filter((x): x is string => x !== undefined);
    // A file that declares its package/namespace must declare the span's (two OrderService classes in two
    // namespaces); Python and JS files declare none, their module path was matched by the file's path.
    const pkg = want.pkg.join('.');
    if (namespaces.length > 0 && want.pkg.length > 0 && !namespaces.some(n => n.replace(/\\/g, '.') === pkg)) return 1;
    if (rest.length === 0) return 2;
    // containers may start with the file's namespace (C# blocks, TS namespaces)
    const restName = rest.join('.');
    if (namespaces.includes(restName) || pkg.endsWith(restName)) return 2;
    return 1;
  }
  const last = t[t.length - 1];
  if (last !== undefined && cs.includes(last)) return 1;
  // An outline that does not name anonymous classes: the method inside the enclosing named type, as a guess
  const named = t.filter(x => !/^\d+$/.test(x));
  if (named.length < t.length && named.length > 0 && endsWith(cs, named)) return 1;
  return 0;
}

/** Annotations that make a method a span of its own: among overloads, the annotated one is the likelier source. */
const SPAN_ANNOTATIONS = new Set(['WithSpan', 'Traced', 'Trace', 'NewSpan', 'Timed']);
const traced = (h: DefHit) => (h.def.annotations ?? []).some(a => SPAN_ANNOTATIONS.has(a)) ? 1 : 0;

function bestFirst(hits: DefHit[]): DefHit[] {
  return uniqBy(hits, h => `${h.file}:${h.def.line}`).sort((a, b) => Number(b.strong) - Number(a.strong) || b.rank - a.rank || traced(b) - traced(a) || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.def.line - b.def.line));
}

/**
 * Definitions best first; a stack frame inside a definition's lines picks it. When frames lie inside several of
 * the definitions that are not nested in one another (two overloads calling each other both appear in the stack
 * of an exception thrown in the inner one, whichever span recorded it), the frames cannot tell which one is the
 * span's: nothing is picked.
 */
function rankHits(hits: readonly DefHit[], frames: readonly { frame: StackFrame; res?: Extract<FileResolution, { ok: true }> }[]): { hits: DefHit[]; pickedByFrame: boolean } {
  const strong = hits.filter(h => h.strong);
  const pool = strong.length > 0 ? strong : [...hits];
  const innermost: DefHit[] = [];
  for (const fr of frames) {
    if (!fr.res || fr.frame.line === undefined) continue;
    const inside = pool.filter(h => h.file === fr.res!.path && h.def.line <= fr.frame.line! && fr.frame.line! <= h.def.endLine);
    if (inside.length >= 1) {
      // the innermost enclosing definition (a lambda inside a method lies inside both)
      inside.sort((a, b) => (a.def.endLine - a.def.line) - (b.def.endLine - b.def.line));
      if (!innermost.includes(inside[0]!)) innermost.push(inside[0]!);
    }
  }
  const disjoint = innermost.filter(h => !innermost.some(o => o !== h && h.file === o.file && o.def.line <= h.def.line && h.def.endLine <= o.def.endLine));
  if (innermost.length === 0 || disjoint.length > 1) return { hits: [...hits], pickedByFrame: false };
  const pick = innermost[0]!;
  return { hits: [pick, ...hits.filter(h => h !== pick)], pickedByFrame: true };
}

/** Calls that send an HTTP request, lower-cased (`http.get`, `fetch`, `axios.post`, `client.Do`, `requests.get`, `urlopen`). */
const REQUEST_CALLS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'fetch', 'send', 'sendasync', 'do', 'execute', 'exchange', 'urlopen', 'axios', 'got', 'ky', 'invoke', 'call']);
function isRequestCall(name: string): boolean {
  const n = name.toLowerCase();
  return REQUEST_CALLS.has(n) || n.startsWith('newrequest') || n.endsWith('request') || n.endsWith('async') && REQUEST_CALLS.has(n.slice(0, -5));
}

/** Annotations that put a parameter's value on the span as an attribute, lower-cased (`@SpanAttribute("quantity")`). */
const ATTRIBUTE_ANNOTATIONS = new Set(['spanattribute', 'tag', 'spantag']);

/**
 * Among overloads, the attribute names each one's parameters put on its span (`@SpanAttribute("quantity") int q`):
 * the one whose names the span carries (and the others' names it lacks) is the span's. Returns the pick and whether
 * a present attribute proved it (only the absence of the others' attributes is weaker: a null argument leaves its
 * attribute off).
 */
function pickOverloadByAttributes(hits: readonly DefHit[], outlines: ReadonlyMap<string, FileOutline>, attributes: ReadonlySet<string>): { pick: DefHit; proved: boolean } | undefined {
  const named = hits.map(h => {
    const outline = outlines.get(h.file);
    const index = outline?.definitions.indexOf(h.def) ?? -1;
    const names = outline && index >= 0
      ? outline.literals.filter(l => l.annotation && l.target === index && l.callee !== undefined && ATTRIBUTE_ANNOTATIONS.has(l.callee.toLowerCase())).map(l => l.value)
      : [];
    return { h, names };
  });
  if (!named.some(x => x.names.length > 0)) return undefined;
  const fits = named.filter(x => x.names.every(n => attributes.has(n)));
  if (fits.length === 0) return undefined;
  // the most specific fit: the one that explains the most of the span's attributes
  fits.sort((a, b) => b.names.length - a.names.length);
  if (fits.length > 1 && fits[0]!.names.length === fits[1]!.names.length) return undefined;
  return { pick: fits[0]!.h, proved: fits[0]!.names.length > 0 };
}

function defCandidate(h: DefHit, reason: string, named: boolean): Candidate {
  const params = h.def.paramTypes ? `(${h.def.paramTypes.join(', ')})` : '';
  const where = [...h.def.containers, h.def.name].join('.') + params;
  return { file: h.file, line: h.def.line, reason: `${reason}: ${where}${h.strong ? '' : ' (the enclosing types differ from the span\'s)'}`, how: named ? 'attribute' : 'definition', inside: true };
}

function displayName(n: CodeName): string {
  switch (n.style) {
    case 'dotted': return [...n.segments, n.method].join('.');
    case 'go': return `${n.importPath}.${n.receiver ? `(${n.receiver}).` : ''}${n.method}`;
    case 'ruby': return `${n.constants.join('::')}#${n.method}`;
    case 'php': return `${[...n.namespace, n.cls].join('\\')}::${n.method}`;
  }
}

function describeHow(how: MappedHow, detail: string): string {
  switch (how) {
    case 'attribute': return `code.file.path names ${detail}`;
    case 'path-mapping': return `code.file.path through the path mapping ${detail}`;
    case 'suffix': return `code.file.path matches this workspace file by ${detail}`;
    default: return detail;
  }
}

function decided(confidence: Confidence, cands: readonly Candidate[], spanPath: string | undefined, note?: string): EngineMapping {
  const list = cands.slice(0, MAX_CANDIDATES);
  const c = list[0]!;
  return {
    file: c.file, line: c.line, ...(c.column !== undefined ? { column: c.column } : {}), confidence,
    reason: note ? `${c.reason}; ${note}` : c.reason, how: c.how, inside: c.inside, candidates: list,
    ...(spanPath !== undefined ? { spanPath } : {}),
  };
}

function none(reason: string): EngineMapping {
  return { confidence: 'none', reason, candidates: [] };
}

/** For an annotation or decorator argument: the line of the function it decorates (the next definition below). */
function annotatedLine(outline: FileOutline, l: StringLiteral): number {
  const target = l.target !== undefined ? outline.definitions[l.target] : undefined;
  if (target) return target.line;
  let best: Definition | undefined;
  for (const d of outline.definitions) {
    if (d.line >= l.line && d.line <= l.line + 8 && (!best || d.line < best.line)) best = d;
  }
  return best?.line ?? l.line;
}

/** Class-level route prefixes in a file: annotation literals followed by a class declaration. */
function classPrefixes(outline: FileOutline): { key: string; before: (l: StringLiteral) => boolean }[] {
  const out: { key: string; before: (l: StringLiteral) => boolean }[] = [];
  for (const l of outline.literals) {
    if (!l.annotation || l.callee === undefined || !ROUTE_PREFIX_CALLEES.has(l.callee.toLowerCase())) continue;
    const next = (l.target !== undefined ? outline.definitions[l.target] : undefined)
      ?? outline.definitions.filter(d => d.line >= l.line && d.line <= l.line + 8).sort((a, b) => a.line - b.line)[0];
    if (!next || CALLABLE.has(next.kind)) continue;
    const rk = routeKey(l.value.startsWith('/') ? l.value : '/' + l.value);
    if (!rk) continue;
    out.push({ key: rk.key, before: x => x.line > next.line && x.line <= next.endLine });
  }
  return out;
}

function joinKeys(a: string, b: string): string {
  return [a, b].filter(x => x !== '').join('/');
}

/**
 * The RPC a span names: `rpc.service` + `rpc.method`, or (newer semantic conventions, and gRPC span names)
 * `rpc.method` / the span name as the full method name `pkg.Service/Method`.
 */
export function rpcOf(f: SpanFacts): { service?: string; method: string } | undefined {
  const a = f.attributes;
  const isRpc = a['rpc.system'] !== undefined || a['rpc.system.name'] !== undefined || a['rpc.method'] !== undefined || a['rpc.service'] !== undefined;
  if (!isRpc) return undefined;
  const full = (x: string | undefined) => {
    const m = x !== undefined ? /^\/?([\p{L}_][\p{L}\p{N}_.]{0,199})\/([\p{L}_][\p{L}\p{N}_]{0,199})$/u.exec(x) : null;
    return m ? { service: m[1]!, method: m[2]! } : undefined;
  };
  const method = a['rpc.method'];
  const byMethod = full(method);
  if (byMethod) return byMethod;
  if (method !== undefined && /^[\p{L}_][\p{L}\p{N}_]{0,199}$/u.test(method)) return { ...(a['rpc.service'] !== undefined ? { service: a['rpc.service'] } : {}), method };
  return full(f.name);
}

/** Convenience: map spans with a throwaway engine (the CLI; the host keeps one engine for its caches). */
export function mapSpans(spans: readonly SpanFacts[], workspace: MappingWorkspace, options?: MapOptions): Promise<EngineMapping[]> {
  return new MappingEngine(workspace).mapSpans(spans, options);
}

