// The last automatic fallback: find where a span is started by searching the workspace for the span's name
// the way instrumentation code writes it, or for its route the way a router declares it. The name is untrusted,
// so it is escaped into the patterns, bounded in length, and patterns never contain user-controlled regex.

export type SearchPatternKind = 'startSpan' | 'withSpan' | 'spanBuilder' | 'python' | 'go' | 'dotnet' | 'route';

export interface SearchPattern {
  readonly kind: SearchPatternKind;
  readonly regex: RegExp;
  /** Higher is more specific. */
  readonly weight: number;
  /** Cheap substring every match contains, to skip files before running the regex. */
  readonly needle: string;
}

export const MAX_SEARCHABLE_NAME = 200;

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const HTTP_METHOD_RE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT|ALL)\s+(\/\S*)$/i;
// A route parameter written any way a router writes it: :id, {id}, {id:int}, <id>, <int:id>, [id], [...slug].
const PARAM_SEG_RE = /^(?::[\w$]+\??|\{[^{}/]+\}|<[^<>/]+>|\[{1,2}(?:\.\.\.)?[\w$]+\]{1,2}|\*[\w$]*)$/;
const ANY_PARAM = String.raw`(?::[\w$]+\??|\{[^{}/'"\x60]+\}|<[^<>/'"\x60]+>|\[{1,2}(?:\.\.\.)?[\w$]+\]{1,2}|\*[\w$]*)`;

/** The route in a span name ("GET /orders/:id") or an http.route value ("/orders/{id}"). */
export function routeOf(spanName: string, httpRoute?: string): string | undefined {
  if (httpRoute !== undefined && httpRoute.startsWith('/') && httpRoute.length <= MAX_SEARCHABLE_NAME) return httpRoute;
  const m = HTTP_METHOD_RE.exec(spanName.trim());
  if (m && m[2]!.length <= MAX_SEARCHABLE_NAME) return m[2];
  if (spanName.startsWith('/') && !/\s/.test(spanName) && spanName.length <= MAX_SEARCHABLE_NAME) return spanName;
  return undefined;
}

/** A regex for a route that accepts each parameter spelled any router's way. */
export function routeRegexSource(route: string): string | undefined {
  const segs = route.split('/').filter(s => s !== '');
  if (segs.length === 0) return undefined;
  const parts = segs.map(s => (PARAM_SEG_RE.test(s) ? ANY_PARAM : escapeRegExp(s)));
  return `(['"\x60])\\/${parts.join('\\/')}\\/?\\1`;
}

/** Patterns to find where the span named `spanName` (and its route, if any) is started in source code. */
export function searchPatternsFor(spanName: string, httpRoute?: string): SearchPattern[] {
  const out: SearchPattern[] = [];
  const name = spanName.trim();
  if (name !== '' && name.length <= MAX_SEARCHABLE_NAME) {
    const n = escapeRegExp(name);
    const q = String.raw`(['"\x60])${n}\1`;
    const dq = String.raw`"${n}"`;
    out.push(
      { kind: 'startSpan', weight: 100, needle: name, regex: new RegExp(String.raw`\b(?:startSpan|startActiveSpan|startSpanManual|trace)\s*\(\s*${q}`) },
      { kind: 'withSpan', weight: 100, needle: name, regex: new RegExp(String.raw`@(?:WithSpan|Span|Traced|NewSpan|Trace)\s*\(\s*(?:(?:value|name|operationName|spanName)\s*=\s*)?${dq}`) },
      { kind: 'spanBuilder', weight: 90, needle: name, regex: new RegExp(String.raw`\bspanBuilder\s*\(\s*${dq}`) },
      { kind: 'python', weight: 90, needle: name, regex: new RegExp(String.raw`\b(?:start_as_current_span|start_span)\s*\(\s*(?:name\s*=\s*)?(['"])${n}\1`) },
      { kind: 'go', weight: 90, needle: name, regex: new RegExp(String.raw`\.Start\s*\(\s*[\w.]+\s*,\s*"${n}"`) },
      { kind: 'dotnet', weight: 90, needle: name, regex: new RegExp(String.raw`\bStartActivity\s*\(\s*(?:name:\s*)?"${n}"`) },
    );
  }
  const route = routeOf(name, httpRoute);
  const src = route !== undefined ? routeRegexSource(route) : undefined;
  if (src !== undefined) {
    const firstLiteral = route!.split('/').find(s => s !== '' && !PARAM_SEG_RE.test(s)) ?? '/';
    out.push({ kind: 'route', weight: 60, needle: firstLiteral, regex: new RegExp(src) });
  }
  return out;
}

export interface TextMatch {
  /** 1-based. */
  readonly line: number;
  readonly kind: SearchPatternKind;
  readonly weight: number;
}

/** Matches in one file's text, best first, at most `limit`. */
export function findInText(text: string, patterns: readonly SearchPattern[], limit = 20): TextMatch[] {
  const applicable = patterns.filter(p => text.includes(p.needle));
  if (applicable.length === 0) return [];
  const out: TextMatch[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && out.length < limit; i++) {
    const line = lines[i]!;
    if (line.length > 10_000) continue;
    for (const p of applicable) {
      if (line.includes(p.needle) && p.regex.test(line)) { out.push({ line: i + 1, kind: p.kind, weight: p.weight }); break; }
    }
  }
  return out.sort((a, b) => b.weight - a.weight || a.line - b.line);
}
