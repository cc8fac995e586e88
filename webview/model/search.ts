// The search/filter language of the waterfall. Pure: parse a query, then compute a per-span match mask.
//
//   checkout            free text over span names, services, span IDs, attribute values, status messages
//   "two words"         quoted free text
//   http.method=GET     attribute (span or resource) equal to a value, case-insensitive; key~part: contains
//   service=cart        also name=, status=error|ok|unset, kind=server, id=<span id>
//   duration>100ms      also <, >=, <=; self>10ms for self time
//   in:workspace        spans whose code maps to a workspace file; in:file: to the active editor's file
// Terms are ANDed; a term starting with `-` is negated.
import type { CompactView } from '../../src/protocol/compact';
import { parseDuration } from './format';

export type Term =
  | { kind: 'text'; text: string; not: boolean }
  | { kind: 'field'; key: string; op: '=' | '!=' | '~'; value: string; not: boolean }
  | { kind: 'number'; field: 'duration' | 'self'; op: '>' | '<' | '>=' | '<=' | '='; ns: number; not: boolean }
  | { kind: 'mapped'; scope: 'workspace' | 'file'; not: boolean };

export interface Query {
  readonly terms: readonly Term[];
  readonly errors: readonly string[];
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /(-?)(?:"([^"]*)"?|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const body = m[2] !== undefined ? `"${m[2]}` : m[3]!;
    out.push(m[1] + body);
  }
  return out;
}

export function parseQuery(text: string): Query {
  const terms: Term[] = [];
  const errors: string[] = [];
  for (let tok of tokenize(text.trim())) {
    let not = false;
    if (tok.startsWith('-') && tok.length > 1) { not = true; tok = tok.slice(1); }
    if (tok.startsWith('"')) { const t = tok.slice(1); if (t) terms.push({ kind: 'text', text: t.toLowerCase(), not }); continue; }
    const inm = /^in:(workspace|file)$/i.exec(tok);
    if (inm) { terms.push({ kind: 'mapped', scope: inm[1]!.toLowerCase() as 'workspace' | 'file', not }); continue; }
    const num = /^(duration|dur|self)(>=|<=|>|<|=)(.+)$/i.exec(tok);
    if (num) {
      const ns = parseDuration(num[3]!);
      if (ns === undefined) { errors.push(`cannot read the duration "${num[3]}" (try 100ms, 1.5s, 250us)`); continue; }
      terms.push({ kind: 'number', field: num[1]!.toLowerCase() === 'self' ? 'self' : 'duration', op: num[2] as '>' | '<' | '>=' | '<=' | '=', ns, not });
      continue;
    }
    const f = /^([^=~!<>]+)(!=|=|~)(.*)$/.exec(tok);
    if (f) {
      let value = f[3]!;
      if (value.startsWith('"')) value = value.slice(1).replace(/"$/, '');
      terms.push({ kind: 'field', key: f[1]!, op: f[2] as '=' | '!=' | '~', value: value.toLowerCase(), not });
      continue;
    }
    terms.push({ kind: 'text', text: tok.toLowerCase(), not });
  }
  return { terms, errors };
}

/** Lower-cased string table, cached per view; falls back to per-string work when lower-casing changes lengths. */
const loweredCache = new WeakMap<CompactView, string | null>();
function lowered(view: CompactView): string | null {
  let l = loweredCache.get(view);
  if (l === undefined) {
    const s = view.compact.strings.toLowerCase();
    l = s.length === view.compact.strings.length ? s : null;
    loweredCache.set(view, l);
  }
  return l;
}

/** Mask over string-table entries: which strings contain (or equal) `needle` (already lower-case). */
export function stringsMatching(view: CompactView, needle: string, mode: 'contains' | 'exact'): Uint8Array {
  const ends = view.compact.stringEnds;
  const count = ends.length;
  const mask = new Uint8Array(count);
  if (!needle) return mask;
  const blob = lowered(view);
  if (blob === null) {
    for (let k = 1; k < count; k++) {
      const s = view.str(k).toLowerCase();
      if (mode === 'exact' ? s === needle : s.includes(needle)) mask[k] = 1;
    }
    return mask;
  }
  let pos = blob.indexOf(needle);
  while (pos >= 0) {
    // String k holds position pos when ends[k-1] <= pos < ends[k].
    let lo = 1, hi = count - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (ends[mid]! > pos) hi = mid; else lo = mid + 1; }
    const k = lo;
    const start = ends[k - 1]!, end = ends[k]!;
    if (pos + needle.length <= end && (mode === 'contains' || (pos === start && pos + needle.length === end))) mask[k] = 1;
    pos = blob.indexOf(needle, mode === 'contains' && mask[k] ? end : pos + 1);
  }
  return mask;
}

export interface SearchContext {
  readonly view: CompactView;
  /** 1 = the span's code maps to a workspace file (host-computed). */
  readonly workspace?: Uint8Array;
  /** 1 = the span's code maps to the active editor's file. */
  readonly currentFile?: Uint8Array;
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Per-span mask of spans matching every term; undefined for an empty query. */
export function matchQuery(q: Query, ctx: SearchContext): Uint8Array | undefined {
  if (q.terms.length === 0) return undefined;
  const { view } = ctx;
  const n = view.spanCount;
  const result = new Uint8Array(n).fill(1);
  const c = view.cols;
  for (const t of q.terms) {
    const m = new Uint8Array(n);
    switch (t.kind) {
      case 'text': {
        const s = stringsMatching(view, t.text, 'contains');
        const resHit = new Uint8Array(c.resService.length);
        for (let r = 0; r < resHit.length; r++) resHit[r] = s[c.resService[r]!]!;
        for (let i = 0; i < n; i++) {
          if (s[c.name[i]!] || resHit[c.resource[i]!] || s[c.spanId[i]!] || s[c.statusMessage[i]!]) { m[i] = 1; continue; }
          for (let a = c.attrRange[2 * i]!, e = c.attrRange[2 * i + 1]!; a < e; a++) if (s[c.attrValue[a]!]) { m[i] = 1; break; }
        }
        break;
      }
      case 'number': {
        const col = t.field === 'self' ? c.selfNs : c.durationNs;
        for (let i = 0; i < n; i++) {
          const v = col[i]!;
          m[i] = (t.op === '>' ? v > t.ns : t.op === '<' ? v < t.ns : t.op === '>=' ? v >= t.ns : t.op === '<=' ? v <= t.ns : v === t.ns) ? 1 : 0;
        }
        break;
      }
      case 'mapped': {
        const src = t.scope === 'workspace' ? ctx.workspace : ctx.currentFile;
        if (src) m.set(src.subarray(0, n));
        break;
      }
      case 'field': fieldMatch(view, t, m); break;
    }
    const neg = t.not !== (t.kind === 'field' && t.op === '!=');
    for (let i = 0; i < n; i++) if ((m[i] === 1) === neg) result[i] = 0;
  }
  return result;
}

function fieldMatch(view: CompactView, t: Extract<Term, { kind: 'field' }>, m: Uint8Array): void {
  const c = view.cols;
  const n = view.spanCount;
  const key = t.key.toLowerCase();
  const mode = t.op === '~' ? 'contains' : 'exact';
  const values = stringsMatching(view, t.value, mode);
  switch (key) {
    case 'service': case 'svc': {
      for (let i = 0; i < n; i++) m[i] = values[view.serviceKey(i)]!;
      return;
    }
    case 'name': case 'operation': case 'op': for (let i = 0; i < n; i++) m[i] = values[c.name[i]!]!; return;
    case 'id': case 'span': case 'spanid': for (let i = 0; i < n; i++) m[i] = values[c.spanId[i]!]!; return;
    case 'status': {
      const code = ['unset', 'ok', 'error'].indexOf(t.value);
      for (let i = 0; i < n; i++) m[i] = mode === 'exact' ? (c.status[i] === code ? 1 : 0) : (['unset', 'ok', 'error'][c.status[i]!]!.includes(t.value) ? 1 : 0);
      return;
    }
    case 'kind': for (let i = 0; i < n; i++) m[i] = (mode === 'exact' ? KINDS[c.kind[i]!] === t.value : KINDS[c.kind[i]!]!.includes(t.value)) ? 1 : 0; return;
  }
  const keys = stringsMatching(view, key, 'exact');
  const resHit = new Uint8Array(c.resService.length);
  for (let r = 0; r < resHit.length; r++) {
    for (let a = c.resAttrRange[2 * r]!, e = c.resAttrRange[2 * r + 1]!; a < e; a++) if (keys[c.attrKey[a]!] && values[c.attrValue[a]!]) { resHit[r] = 1; break; }
  }
  for (let i = 0; i < n; i++) {
    if (resHit[c.resource[i]!]) { m[i] = 1; continue; }
    for (let a = c.attrRange[2 * i]!, e = c.attrRange[2 * i + 1]!; a < e; a++) if (keys[c.attrKey[a]!] && values[c.attrValue[a]!]) { m[i] = 1; break; }
  }
}
