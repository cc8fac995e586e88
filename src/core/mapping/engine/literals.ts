// Normal forms for matching span data against string literals in source: routes (every router's parameter
// syntax made equal), SQL (whitespace, literals and placeholders made equal), URL paths against the literals
// that build them (format holes and template holes as wildcards), and the calls that start spans or declare
// routes. All inputs are untrusted and bounded; nothing here builds a regex from them.

export const MAX_LITERAL = 2000;

/** Calls and annotations whose string argument is a span name (lower-cased last name of the callee). */
export const SPAN_START_CALLEES = new Set([
  'start', 'startspan', 'startactivespan', 'startspanmanual', 'start_as_current_span', 'start_span', 'in_span',
  'startactivity', 'spanbuilder', 'withspan', 'traced', 'newspan', 'trace', 'span', 'startactive', 'starttrace',
  'createactivity', 'tracer', 'startnewspan', 'buildspan', 'wrap',
]);

/** Calls, annotations and decorators that declare an HTTP route, lower-cased. */
export const ROUTE_CALLEES = new Set([
  'get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'all', 'route', 'use', 'handle', 'handlefunc',
  'getmapping', 'postmapping', 'putmapping', 'deletemapping', 'patchmapping', 'requestmapping', 'path', 're_path',
  'httpget', 'httppost', 'httpput', 'httpdelete', 'httppatch', 'httphead', 'httpoptions', 'mapget', 'mappost',
  'mapput', 'mapdelete', 'mappatch', 'mapmethods', 'api_route', 'add_url_rule', 'add_api_route', 'methodfunc',
  'any', 'match', 'resources', 'resource', 'websocket', 'group', 'mapgroup', 'controller', 'routeprefix', 'url',
  // Registration calls that bind a context path to a handler: the JDK HttpServer (`createContext("/orders", h)`),
  // Jetty/Undertow/servlet containers (`addServlet`, `addHandler`, `addPrefixPath`), Vert.x and Javalin routers.
  'createcontext', 'addcontext', 'addservlet', 'addservletwithmapping', 'addhandler', 'addprefixpath', 'addexactpath',
  'mount', 'addroute',
]);

/** Class-level route prefixes (Spring @RequestMapping, JAX-RS @Path, ASP.NET [Route]/[RoutePrefix], Nest @Controller). */
export const ROUTE_PREFIX_CALLEES = new Set(['requestmapping', 'path', 'route', 'routeprefix', 'controller']);

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

/** The HTTP method a route callee implies (`GetMapping`, `app.post`, `[HttpPut]`, `MapDelete`), if any. */
export function methodOfCallee(callee: string): string | undefined {
  const c = callee.toLowerCase();
  for (const m of METHODS) if (c === m || c === `${m}mapping` || c === `http${m}` || c === `map${m}`) return m.toUpperCase();
  return undefined;
}

const PARAM = /^(?::[\w$]+[?*+]?|\{[^{}]*\}|<[^<>]*>|\[{1,2}(?:\.\.\.)?[\w$]+\]{1,2}|\*[\w$]*|\(\?P<\w+>[^/]*\)|\([^/]*\))$/;

export interface RouteKey {
  /** Segments with every parameter as '{}'; '' for the root route. */
  readonly key: string;
  /** The method written in the route itself (Go 1.22 "GET /orders/{id}", span names), upper case. */
  readonly method?: string;
}

/**
 * `GET /api/orders/{id}`, `/orders/:id`, `orders/<int:id>/`, `^orders/(?P<id>\d+)/$` → 'api/orders/{}' etc.
 * Undefined when the text does not look like a route.
 */
export function routeKey(text: string): RouteKey | undefined {
  if (text.length === 0 || text.length > 300) return undefined;
  let t = text.trim();
  let method: string | undefined;
  const sp = /^([A-Z]{3,7})\s+(\S+)$/.exec(t);
  if (sp) {
    if (!METHODS.includes(sp[1]!.toLowerCase())) return undefined;
    method = sp[1]; t = sp[2]!;
  }
  t = t.replace(/^\^/, '').replace(/\$$/, '');
  if (/\s/.test(t) || t.includes('://')) return undefined;
  const q = t.search(/[?#]/);
  if (q >= 0) t = t.slice(0, q);
  // JAX-RS and friends write method-level paths relative to the class's: `@Path("{id}")`
  if (!t.startsWith('/') && !t.includes('/') && !PARAM.test(t)) return undefined;
  const segs = t.split('/').filter(s => s !== '');
  const out: string[] = [];
  for (const s of segs) {
    if (PARAM.test(s)) out.push('{}');
    else if (/^[\w.~@!$&'+,;=%:-]+$/.test(s)) out.push(s);
    else return undefined;
  }
  return { key: out.join('/'), ...(method !== undefined ? { method } : {}) };
}

/** The route of an HTTP server span: http.route, else the span name when it is "METHOD /route". */
export function spanRoute(name: string, httpRoute: string | undefined): RouteKey | undefined {
  const method = /^([A-Z]{3,7})\s/.exec(name)?.[1];
  if (httpRoute !== undefined && httpRoute !== '') {
    const r = routeKey(httpRoute);
    if (r) return method !== undefined && r.method === undefined ? { ...r, method } : r;
  }
  const r = routeKey(name);
  return r && r.method !== undefined ? r : undefined;
}

const SQL_START = /^\s*(select|insert|update|delete|with|merge|replace|upsert|create|alter|drop|call|exec|execute|begin|set|show|truncate)\b/i;

/** Normal form of a SQL statement; undefined when the text does not start like SQL. */
export function sqlKey(text: string): string | undefined {
  if (text.length > 8_000 || !SQL_START.test(text)) return undefined;
  let s = text.toLowerCase();
  s = s.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  s = s.replace(/'(?:[^']|'')*'/g, '?');
  s = s.replace(/\$\d+|:[a-z_]\w*|@[a-z_]\w*|%\(\w+\)s|%s|%d|\?\d*|\{\}|\{\w+\}|\$\{[^}]*\}/g, '?');
  s = s.replace(/\b\d+(?:\.\d+)?\b/g, '?');
  s = s.replace(/\s+/g, ' ').replace(/\s*([(),=<>+*/-])\s*/g, '$1').trim().replace(/;$/, '').trim();
  // IN (?,?,?) lists of any length are one list
  s = s.replace(/\(\?(?:,\?)+\)/g, '(?)');
  return s.length >= 6 ? s : undefined;
}

/** The path of a URL (`http://h:8080/api/orders/7?x=1` → `/api/orders/7`), or of a bare path. */
export function urlPath(url: string): string | undefined {
  if (url.length > 4000) return undefined;
  let t = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (scheme) t = t.slice(scheme[0].length);
  else if (!t.startsWith('/')) return undefined;
  const q = t.search(/[?#]/);
  if (q >= 0) t = t.slice(0, q);
  return t === '' ? '/' : t;
}

// A segment of a URL template literal is a wildcard when it holds a format or template hole.
const HOLE = /%[sdvqx]|\$\{[^}]*\}|\{[^{}]*\}|#\{[^}]*\}|^:\w+$|<[^<>]*>/;

export interface UrlTemplate {
  /** Segments; undefined entries are wildcards. */
  readonly segs: readonly (string | undefined)[];
  /** The literal ends in '/' or a hole that may hold several segments: longer paths match as a prefix. */
  readonly open: boolean;
  readonly statics: number;
}

/** A literal that builds a URL or path (`http://%s/orders/%d`, `${base}/orders/`, `/api/orders/`). */
export function urlTemplate(lit: string): UrlTemplate | undefined {
  if (lit.length > 500 || !lit.includes('/') || /\s/.test(lit)) return undefined;
  let t = lit;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (scheme) t = t.slice(scheme[0].length);
  else if (/^(\$\{[^}]*\}|%s|\{[^{}]*\})\//.test(t)) t = t.slice(t.indexOf('/'));
  else if (!t.startsWith('/')) return undefined;
  const q = t.search(/[?#]/);
  if (q >= 0) t = t.slice(0, q);
  const raw = t.split('/');
  raw.shift();
  const open = raw.length === 0 || raw[raw.length - 1] === '';
  const segs: (string | undefined)[] = [];
  let statics = 0;
  for (const s of raw) {
    if (s === '') continue;
    if (HOLE.test(s)) segs.push(undefined);
    else { segs.push(s); statics++; }
  }
  if (statics === 0) return undefined;
  return { segs, open, statics };
}

/** 2: the template covers the whole path; 1: a prefix of it (the rest is appended at run time); 0: no match. */
export function matchUrl(tpl: UrlTemplate, pathSegs: readonly string[]): 0 | 1 | 2 {
  if (tpl.segs.length > pathSegs.length) return 0;
  for (let i = 0; i < tpl.segs.length; i++) {
    const s = tpl.segs[i];
    if (s !== undefined && s !== pathSegs[i]) return 0;
  }
  if (tpl.segs.length === pathSegs.length) return 2;
  return tpl.open ? 1 : 0;
}

/**
 * Every quoted string in a source file with its 1-based line: the cheap index that decides which files are worth
 * parsing. Handles '…', "…", `…`, and Python/Java/Kotlin triple quotes; comments are not understood (the parser
 * confirms each hit). Linear in the text.
 */
export function scanQuoted(text: string, each: (value: string, line: number) => void): void {
  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { line++; i++; continue; }
    if (c !== 34 && c !== 39 && c !== 96) { i++; continue; }
    const q = text[i]!;
    const startLine = line;
    if (text.startsWith(q + q + q, i)) {
      const end = text.indexOf(q + q + q, i + 3);
      if (end < 0) return;
      const v = text.slice(i + 3, end);
      for (let k = 0; k < v.length; k++) if (v.charCodeAt(k) === 10) line++;
      if (v.length <= MAX_LITERAL) each(v.trim(), startLine);
      i = end + 3;
      continue;
    }
    let j = i + 1;
    let buf = '';
    let from = j;
    let ok = true;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 92 /* \ */) { buf += text.slice(from, j); const e = text[j + 1]; buf += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? ''); if (e === '\n') line++; j += 2; from = j; continue; }
      if (d === 10) { line++; if (q !== '`') { ok = false; break; } }
      if (text[j] === q) break;
      j++;
    }
    if (ok && j < n) {
      buf += text.slice(from, j);
      if (buf.length <= MAX_LITERAL) each(buf, startLine);
      i = j + 1;
    } else {
      // an apostrophe in a comment or an unterminated string: resume after the quote on the next line
      i = j + 1;
    }
  }
}
