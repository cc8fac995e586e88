// Ground truth for the code-mapping corpus, taken from the app sources and never from the mapping engine.
//
// A span's creating line carries a marker comment:   `// @span <span name>`   or   `# @span <span name>`
// (`*` for any name) optionally followed by ` | ` and predicates that pick among spans of the same name:
//   kind=server|client|internal|producer|consumer    the span kind
//   key=value                                         a span attribute with that (string form of the) value
//   +key / !key                                       the attribute is present / absent
// When several markers fit one span (an overload nobody can tell apart), every marked line is an acceptable answer.
// Spans made by code outside the workspace (a framework's internals, a driver) are listed in the app's external.json:
//   { "spans": [{ "match": "<name> | <predicates>", "reason": "why its code is not in the workspace" }] }
// One line may carry several markers (`// @span A | kind=server @span B`).
// Decorated declarations: the decorator/annotation lines (lines starting with `@`) and the declaration line they
// decorate are one place. A marker on any of them accepts all of them (`@bp.get("/x")` + `def get_x():`, `@WithSpan`
// + the method line), so neither convention is favoured; see the corpus README.
// Every span of a capture must match a marker or an external rule: deriveExpected throws otherwise, so a new span in
// a capture cannot go unlabelled.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const KINDS = { 0: 'unspecified', 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
const SKIP_DIR = new Set(['node_modules', '.venv', 'vendor', '.traces', 'classes', 'target', '__pycache__']);
const MARKER = /(?:\/\/|#)\s*@span\s+(.+?)\s*$/;

/** `name | k=v +k !k` → { name, predicates }. */
export function parseMatcher(text) {
  const bar = text.indexOf(' | ');
  const name = (bar >= 0 ? text.slice(0, bar) : text).trim();
  const predicates = bar >= 0 ? text.slice(bar + 3).trim().split(/\s+/).filter(Boolean).map(tok => {
    if (tok.startsWith('+')) return { key: tok.slice(1), op: 'present' };
    if (tok.startsWith('!')) return { key: tok.slice(1), op: 'absent' };
    const eq = tok.indexOf('=');
    if (eq <= 0) throw new Error(`bad predicate "${tok}" in "${text}"`);
    return { key: tok.slice(0, eq), op: 'equals', value: tok.slice(eq + 1) };
  }) : [];
  return { name, predicates };
}

/** Every marker in the app's sources: [{ file (relative, '/'-separated), line (1-based), name, predicates }]. */
export function readMarkers(appDir) {
  const out = [];
  const walk = dir => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') && e.name !== '.') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) { if (!SKIP_DIR.has(e.name)) walk(p); continue; }
      if (/\.(json|lock|sum|md|txt)$/.test(e.name)) continue;
      const lines = readFileSync(p, 'utf8').split('\n');
      lines.forEach((text, i) => {
        const m = MARKER.exec(text);
        if (!m) return;
        const also = declarationBlock(lines, i).filter(l => l !== i + 1);
        // One line may carry several markers: `// @span A | kind=server @span B`.
        for (const part of m[1].split(/\s+@span\s+/)) out.push({ file: relative(appDir, p).split(sep).join('/'), line: i + 1, also, ...parseMatcher(part) });
      });
    }
  };
  walk(appDir);
  return out;
}

const isDecoratorLine = text => /^\s*@[\w$]/.test(text ?? '');

/**
 * The 1-based lines of the decorated declaration that line index `i` belongs to: its decorator/annotation lines and
 * the declaration line below them. Only `i + 1` for a line that is neither a decorator nor a decorated declaration.
 */
export function declarationBlock(lines, i) {
  let first = i;
  let last = i;
  if (isDecoratorLine(lines[i])) {
    while (last + 1 < lines.length && isDecoratorLine(lines[last + 1])) last++;
    if (last + 1 < lines.length && lines[last + 1].trim() !== '') last++; // the declaration they decorate
  }
  while (first > 0 && isDecoratorLine(lines[first - 1])) first--;
  const out = [];
  for (let l = first; l <= last; l++) out.push(l + 1);
  return out;
}

export function attrValue(v) {
  if (!v || typeof v !== 'object') return undefined;
  if ('stringValue' in v) return String(v.stringValue);
  if ('intValue' in v) return String(v.intValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  return JSON.stringify(v);
}

export function spanKind(k) {
  if (typeof k === 'string') return k.replace(/^SPAN_KIND_/, '').toLowerCase();
  return KINDS[k ?? 0] ?? 'unspecified';
}

/** Flattens an OTLP JSON document: [{ traceId, spanId, parentSpanId, service, name, kind, attrs: Map, span }]. */
export function flattenCapture(doc) {
  const out = [];
  for (const rs of doc.resourceSpans ?? []) {
    const service = attrValue((rs.resource?.attributes ?? []).find(a => a.key === 'service.name')?.value) ?? null;
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const attrs = new Map((s.attributes ?? []).map(a => [a.key, attrValue(a.value)]));
        out.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || null, service, name: s.name,
          kind: spanKind(s.kind), scope: ss.scope?.name ?? null, attrs, span: s });
      }
    }
  }
  return out;
}

function fits(matcher, span) {
  if (matcher.name !== '*' && matcher.name !== span.name) return false;
  return matcher.predicates.every(p => {
    if (p.key === 'kind' && p.op === 'equals') return span.kind === p.value;
    if (p.op === 'present') return span.attrs.has(p.key);
    if (p.op === 'absent') return !span.attrs.has(p.key);
    return span.attrs.get(p.key) === p.value;
  });
}

/**
 * The expected mapping of every span of `capture`: { spans: [{ traceId, spanId, name, kind, file, line, locations,
 * external }] } — file/line the first acceptable location (null for external spans), locations all acceptable ones.
 */
export function deriveExpected(appDir, capture) {
  const markers = readMarkers(appDir);
  const externalPath = join(appDir, 'external.json');
  const external = existsSync(externalPath)
    ? JSON.parse(readFileSync(externalPath, 'utf8')).spans.map(r => ({ ...parseMatcher(r.match), reason: r.reason }))
    : [];
  const spans = [];
  const unlabelled = [];
  for (const s of flattenCapture(capture)) {
    const hits = markers.filter(m => fits(m, s));
    const ext = external.find(r => fits(r, s));
    const base = { traceId: s.traceId, spanId: s.spanId, name: s.name, kind: s.kind };
    if (hits.length > 0) {
      const locations = [];
      for (const m of hits) for (const line of [m.line, ...(m.also ?? [])]) if (!locations.some(l => l.file === m.file && l.line === line)) locations.push({ file: m.file, line });
      spans.push({ ...base, file: locations[0].file, line: locations[0].line, locations });
    } else if (ext) {
      spans.push({ ...base, file: null, line: null, locations: [], external: ext.reason });
    } else {
      unlabelled.push(`${s.name} (${s.kind}; ${[...s.attrs.keys()].join(', ')})`);
    }
  }
  if (unlabelled.length > 0) {
    throw new Error(`${appDir}: spans with neither an @span marker nor an external.json rule:\n  ${[...new Set(unlabelled)].join('\n  ')}`);
  }
  return { spans };
}

/**
 * What must stay the same when the corpus is captured again: per trace, the tree of spans with their name, kind and
 * code.* attributes (ids, times, ports and thread names differ from run to run). Returns the traces' canonical forms,
 * sorted, so two captures of the same app compare equal with deepStrictEqual.
 */
export function captureShape(doc) {
  const spans = flattenCapture(doc);
  const byTrace = new Map();
  for (const s of spans) {
    if (!byTrace.has(s.traceId)) byTrace.set(s.traceId, []);
    byTrace.get(s.traceId).push(s);
  }
  const shapes = [];
  for (const list of byTrace.values()) {
    const ids = new Set(list.map(s => s.spanId));
    const children = new Map();
    for (const s of list) {
      const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(s);
    }
    const node = s => {
      const code = [...s.attrs].filter(([k]) => k.startsWith('code.')).map(([k, v]) => `${k}=${v}`).sort().join(' ');
      const kids = (children.get(s.spanId) ?? []).map(node).sort();
      return `${s.kind} ${JSON.stringify(s.name)}${code ? ` {${code}}` : ''}${kids.length ? ` [${kids.join(', ')}]` : ''}`;
    };
    shapes.push((children.get(null) ?? []).map(node).sort().join(' + '));
  }
  return shapes.sort();
}
