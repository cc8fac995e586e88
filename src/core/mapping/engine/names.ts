// Qualified function names as instrumentation writes them, split into what each language's file convention
// needs: the Java agent's code.namespace + code.function (or code.function.name, the FQN), nested
// (`Outer$Inner`), anonymous (`Outer$1`) and lambda (`lambda$placeOrder$0`) names; Go's
// `github.com/org/repo/pkg.(*Type).Method`; Ruby's `Admin::UsersController#index`; PHP's
// `App\Http\Controllers\UserController::index`; dotted names of C#, Python, JS/TS.

export type CodeName =
  | {
    readonly style: 'dotted';
    /** Namespace/module segments and type names, outermost first, nested and anonymous parts split off. */
    readonly segments: readonly string[];
    /** The function or method; 'constructor' names a constructor of the last segment. */
    readonly method: string;
    readonly ctor?: boolean;
    /**
     * A compiler-made name as the runtime reports it (`lambda$placeOrder$0`): parsers that name lambdas the same
     * way find it exactly; otherwise `method` (the enclosing method) is used.
     */
    readonly synthetic?: string;
  }
  | {
    readonly style: 'go';
    /** The package's import path ('github.com/org/repo/orders', or 'main'). */
    readonly importPath: string;
    /** The package name (last import path segment). */
    readonly pkg: string;
    readonly receiver?: string;
    readonly method: string;
    /** A function literal inside `method`, as the runtime numbers it (`func1`, `func1.1`). */
    readonly closure?: string;
  }
  | { readonly style: 'ruby'; readonly constants: readonly string[]; readonly method: string }
  | { readonly style: 'php'; readonly namespace: readonly string[]; readonly cls: string; readonly method: string };

const MAX_NAME = 1024;
const IDENT = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

function stripParams(s: string): string {
  // `placeOrder(java.lang.String)`, `place_order()`: the parameter list is not part of the name
  let t = s.trim();
  if (t.endsWith(')')) {
    const open = t.lastIndexOf('(');
    if (open > 0 && t[open - 1] !== '.') t = t.slice(0, open);
  }
  // generic arguments: Map<K,V>.get, Foo`1
  let prev;
  do { prev = t; t = t.replace(/<[^<>]*>/g, ''); } while (t !== prev);
  return t.replace(/`\d+/g, '').trim();
}

/** `lambda$placeOrder$0` → placeOrder; `<PlaceOrder>b__0` (C# closures) → PlaceOrder; `placeOrder$default` → placeOrder. */
function cleanMethod(m: string): string | undefined {
  let x = m;
  const lambda = /^lambda\$([^$]+)\$\d+$/.exec(x);
  if (lambda) x = lambda[1]!;
  const cs = /^<([^<>]+)>[a-z]__\w*$/.exec(x);
  if (cs) x = cs[1]!;
  x = x.replace(/\$(default|suspendImpl|lambda-\d+)$/, '').replace(/-fm$/, '');
  if (x === 'static' || x === '<clinit>') return undefined;
  return x;
}

function goName(fn: string): CodeName | undefined {
  const paren = fn.indexOf('(');
  const lastSlash = fn.lastIndexOf('/', paren >= 0 ? paren : fn.length);
  const head = fn.slice(0, lastSlash + 1);
  const tail = fn.slice(lastSlash + 1);
  const parts = tail.split('.');
  const pkg = parts.shift();
  if (!pkg) return undefined;
  let receiver: string | undefined;
  const r = /^\(\*?([\p{L}_][\p{L}\p{N}_]*)(?:\[[^\]]*\])?\)$/u.exec(parts[0] ?? '');
  if (r) { receiver = r[1]; parts.shift(); }
  // closures and wrappers: Place.func1, Place.func1.2, Place-fm, Place.gowrap1
  const named = parts.filter(p => !/^(func|gowrap)\d+$/.test(p) && !/^\d+$/.test(p)).map(p => p.replace(/-fm$/, ''));
  const method = named[0];
  if (method === undefined || !IDENT.test(method)) return undefined;
  const rest = parts.slice(parts.indexOf(method) + 1);
  const closure = rest.length > 0 && /^func\d+$/.test(rest[0]!) && rest.every(p => /^(func)?\d+$/.test(p)) ? rest.join('.') : undefined;
  return { style: 'go', importPath: head + pkg, pkg, ...(receiver !== undefined ? { receiver } : {}), method, ...(closure !== undefined ? { closure } : {}) };
}

/** Parses code.function(.name) and code.namespace into the parts a file convention needs. */
export function parseCodeName(fn: string | undefined, namespace?: string): CodeName | undefined {
  if (fn === undefined || fn.length === 0 || fn.length > MAX_NAME) return undefined;
  const ns = namespace !== undefined && namespace.length <= MAX_NAME ? namespace.trim() : '';
  const f = fn.trim();
  // Go: a slash in the import path, or a receiver in parentheses
  if (!ns && (/^[\w.-]+(\/[\w.~-]+)*\/[\w-]+\.[\p{L}_(]/u.test(f) || /\.\(\*?[\p{L}_][\p{L}\p{N}_]*(\[[^\]]*\])?\)\./u.test(f))) return goName(f);
  // PHP: backslash namespaces or ->
  if (f.includes('\\') || f.includes('->') || ns.includes('\\')) {
    const full = ns && !f.includes('\\') ? `${ns.replace(/\\+$/, '')}\\${f}` : f;
    const m = /^\\?((?:[\p{L}_][\p{L}\p{N}_]*\\)*)([\p{L}_][\p{L}\p{N}_]*)(?:::|->)([\p{L}_][\p{L}\p{N}_]*)$/u.exec(stripParams(full));
    if (!m) return undefined;
    return { style: 'php', namespace: m[1]!.split('\\').filter(Boolean), cls: m[2]!, method: m[3]! };
  }
  // Ruby: Klass#method, Mod::Klass#method, Mod::Klass.method
  if (f.includes('#') || f.includes('::') || ns.includes('::')) {
    const full = ns && !f.includes('::') && !f.includes('#') ? `${ns}#${f}` : f;
    const m = /^((?:[\p{L}_][\p{L}\p{N}_]*::)*[\p{L}_][\p{L}\p{N}_]*)[#.]([\p{L}_][\p{L}\p{N}_]*[?!=]?)$/u.exec(stripParams(full));
    if (!m) return undefined;
    return { style: 'ruby', constants: m[1]!.split('::'), method: m[2]! };
  }
  const fnParts = stripParams(f).split('.').filter(p => p !== '');
  let parts = fnParts;
  if (ns) {
    const nsParts = stripParams(ns).split('.').filter(p => p !== '');
    // code.function may already be qualified (code/dup sends both): do not repeat the namespace
    const already = fnParts.length > nsParts.length && nsParts.every((p, i) => fnParts[i] === p);
    parts = already ? fnParts : [...nsParts, ...fnParts];
  }
  const last = parts.pop();
  if (last === undefined) return undefined;
  const segments: string[] = [];
  for (const p of parts) {
    // Outer$Inner$1: nested types become segments; anonymous classes keep javac's number (the outline names them so)
    for (const piece of p.split('$')) if (piece !== '' && (/^\d+$/.test(piece) || IDENT.test(piece))) segments.push(piece);
  }
  if (last === '<init>' || last === '.ctor' || last === 'ctor') {
    const cls = segments[segments.length - 1];
    return cls === undefined ? undefined : { style: 'dotted', segments, method: cls, ctor: true };
  }
  const method = cleanMethod(last);
  if (method === undefined || !IDENT.test(method)) return undefined;
  return { style: 'dotted', segments, method, ...(method !== last && /^lambda\$/.test(last) ? { synthetic: last } : {}) };
}

/** `UsersController` → users_controller, `HTTPClient` → http_client (Ruby/Rails file names). */
export function snakeCase(s: string): string {
  return s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `OrderService` → order-service (JS/TS file naming). */
export function kebabCase(s: string): string {
  return snakeCase(s).replace(/_/g, '-');
}
