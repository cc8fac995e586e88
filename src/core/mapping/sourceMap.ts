// Source map v3 (https://tc39.es/ecma426/): enough to move a position in generated JS (dist/*.js) to the
// original source. The VLQ `mappings` string is decoded lazily per map, once, into flat typed arrays;
// lookups are a binary search within the generated line. Index maps (`sections`) are supported.
// Positions in and out of this module are 1-based lines and 1-based columns, as code.* attributes are.
import { dirname, joinPath, parseSpanPath } from './paths';

export interface OriginalPosition {
  /** The source as resolved against the map's location and sourceRoot (normalized path) or as written. */
  readonly source: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly name?: string;
}

export class SourceMapError extends Error {
  override readonly name = 'SourceMapError';
}

const B64 = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => { B64[c.charCodeAt(0)] = i; });

/** Bound on a map's size: a hostile or broken map must not hang the host. */
export const MAX_SOURCE_MAP_CHARS = 64 * 1024 * 1024;

interface Decoded {
  /** Per generated line (0-based), start offset into the segment arrays; length lines+1. */
  readonly lineStart: Int32Array;
  readonly genCol: Int32Array;
  /** -1 when the segment has no source. */
  readonly src: Int32Array;
  readonly origLine: Int32Array;
  readonly origCol: Int32Array;
  readonly name: Int32Array;
}

/** Decodes a `mappings` string. Throws SourceMapError on malformed VLQ. */
export function decodeMappings(mappings: string): Decoded {
  const cap = Math.max(16, mappings.length >> 1);
  let genCol = new Int32Array(cap), src = new Int32Array(cap), origLine = new Int32Array(cap), origCol = new Int32Array(cap), name = new Int32Array(cap);
  const lineStarts: number[] = [0];
  let n = 0;
  let col = 0, s = 0, ol = 0, oc = 0, nm = 0;
  const fields = [0, 0, 0, 0, 0];
  let i = 0;
  const len = mappings.length;
  while (i <= len) {
    const ch = i < len ? mappings.charCodeAt(i) : 59; // treat end as ';'
    if (ch === 59 /* ; */) {
      lineStarts.push(n);
      col = 0;
      i++;
      if (i > len) break;
      continue;
    }
    if (ch === 44 /* , */) { i++; continue; }
    let f = 0;
    while (i < len) {
      const c = mappings.charCodeAt(i);
      if (c === 44 || c === 59) break;
      if (f >= 5) throw new SourceMapError('a mapping segment has more than 5 fields');
      let value = 0, shift = 0, cont = true;
      while (cont) {
        if (i >= len) throw new SourceMapError('truncated VLQ');
        const code = mappings.charCodeAt(i++);
        const digit = code < 128 ? B64[code]! : -1;
        if (digit < 0) throw new SourceMapError(`invalid base64 character at ${i - 1}`);
        cont = (digit & 32) !== 0;
        value += (digit & 31) * 2 ** shift;
        shift += 5;
        if (shift > 35) throw new SourceMapError('VLQ value too large');
      }
      fields[f++] = value % 2 === 1 ? -Math.floor(value / 2) : Math.floor(value / 2);
    }
    if (f !== 1 && f !== 4 && f !== 5) throw new SourceMapError(`a mapping segment has ${f} fields`);
    if (n === genCol.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      genCol = grow(genCol); src = grow(src); origLine = grow(origLine); origCol = grow(origCol); name = grow(name);
    }
    col += fields[0]!;
    genCol[n] = col;
    if (f >= 4) {
      s += fields[1]!; ol += fields[2]!; oc += fields[3]!;
      src[n] = s; origLine[n] = ol; origCol[n] = oc;
      if (f === 5) { nm += fields[4]!; name[n] = nm; } else name[n] = -1;
    } else {
      src[n] = -1; origLine[n] = 0; origCol[n] = 0; name[n] = -1;
    }
    n++;
  }
  // The end sentinel pushed one extra line start; lines = lineStarts.length - 1.
  return { lineStart: Int32Array.from(lineStarts), genCol: genCol.subarray(0, n), src: src.subarray(0, n), origLine: origLine.subarray(0, n), origCol: origCol.subarray(0, n), name: name.subarray(0, n) };
}

interface Section {
  readonly line: number; // 0-based generated offset
  readonly column: number;
  readonly map: SourceMap;
}

export class SourceMap {
  private decoded: Decoded | undefined;
  private constructor(
    readonly sources: readonly string[],
    private readonly names: readonly string[],
    private readonly mappings: string,
    private readonly sections: readonly Section[] | undefined,
  ) {}

  /**
   * Parses map JSON. `mapPath` (normalized absolute path of the .map file) resolves relative sources;
   * without it they stay as written.
   */
  static parse(json: string, mapPath?: string): SourceMap {
    if (json.length > MAX_SOURCE_MAP_CHARS) throw new SourceMapError('source map too large');
    let raw: unknown;
    try { raw = JSON.parse(json.replace(/^\)\]\}'[^\n]*\n/, '')); } catch (e) { throw new SourceMapError(`source map is not JSON: ${(e as Error).message}`); }
    return SourceMap.fromObject(raw, mapPath, 0);
  }

  private static fromObject(raw: unknown, mapPath: string | undefined, depth: number): SourceMap {
    if (raw === null || typeof raw !== 'object') throw new SourceMapError('source map is not an object');
    const o = raw as Record<string, unknown>;
    if (o.version !== 3) throw new SourceMapError(`unsupported source map version ${String(o.version)}`);
    if (Array.isArray(o.sections)) {
      if (depth > 0) throw new SourceMapError('nested index maps are not allowed');
      const sections: Section[] = [];
      for (const s of o.sections as unknown[]) {
        const so = s as { offset?: { line?: unknown; column?: unknown }; map?: unknown };
        if (typeof so?.offset?.line !== 'number' || typeof so.offset.column !== 'number' || so.map === undefined) throw new SourceMapError('bad section');
        sections.push({ line: so.offset.line, column: so.offset.column, map: SourceMap.fromObject(so.map, mapPath, depth + 1) });
      }
      return new SourceMap([], [], '', sections);
    }
    if (typeof o.mappings !== 'string' || !Array.isArray(o.sources)) throw new SourceMapError('source map lacks mappings or sources');
    const root = typeof o.sourceRoot === 'string' ? o.sourceRoot : '';
    const sources = (o.sources as unknown[]).map(s => resolveSource(typeof s === 'string' ? s : '', root, mapPath));
    const names = Array.isArray(o.names) ? (o.names as unknown[]).map(x => (typeof x === 'string' ? x : '')) : [];
    return new SourceMap(sources, names, o.mappings, undefined);
  }

  /**
   * The original position of a generated one (1-based line and column). Without a column, the first mapped
   * segment of the line. Otherwise the segment at or before the column (greatest lower bound), or the first of
   * the line when the column precedes all.
   */
  originalPositionFor(line: number, column?: number): OriginalPosition | undefined {
    if (!Number.isInteger(line) || line < 1) return undefined;
    if (this.sections) {
      const l0 = line - 1, c0 = (column ?? 1) - 1;
      let pick: Section | undefined;
      for (const s of this.sections) {
        if (s.line < l0 || (s.line === l0 && s.column <= c0)) pick = s;
        else break;
      }
      if (!pick) return undefined;
      const innerLine = l0 - pick.line + 1;
      const innerCol = column === undefined ? undefined : (l0 === pick.line ? c0 - pick.column : c0) + 1;
      return pick.map.originalPositionFor(innerLine, innerCol);
    }
    const d = (this.decoded ??= decodeMappings(this.mappings));
    const l0 = line - 1;
    if (l0 + 1 >= d.lineStart.length) return undefined;
    const from = d.lineStart[l0]!, to = d.lineStart[l0 + 1]!;
    let idx = -1;
    if (column === undefined) {
      for (let k = from; k < to; k++) if (d.src[k]! >= 0) { idx = k; break; }
    } else {
      const c0 = column - 1;
      let lo = from, hi = to - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (d.genCol[mid]! <= c0) { idx = mid; lo = mid + 1; } else hi = mid - 1;
      }
      // Walk back over source-less segments; fall forward to the first mapped one if none precedes.
      while (idx >= from && d.src[idx]! < 0) idx--;
      if (idx < from) { idx = -1; for (let k = from; k < to; k++) if (d.src[k]! >= 0) { idx = k; break; } }
    }
    if (idx < 0) return undefined;
    const source = this.sources[d.src[idx]!];
    if (source === undefined) return undefined;
    const nameIdx = d.name[idx]!;
    const name = nameIdx >= 0 ? this.names[nameIdx] : undefined;
    const pos = { source, line: d.origLine[idx]! + 1, column: d.origCol[idx]! + 1 };
    return name ? { ...pos, name } : pos;
  }
}

function resolveSource(source: string, sourceRoot: string, mapPath: string | undefined): string {
  const joined = sourceRoot === '' ? source : sourceRoot.replace(/\/?$/, '/') + source;
  const v = parseSpanPath(joined);
  if (!v.ok) return joined;
  if (v.path.flavor !== 'relative' || v.path.fromBundlerUri || mapPath === undefined) return v.path.normalized;
  return joinPath(dirname(mapPath), v.path.normalized) ?? v.path.normalized;
}

/** The last `//# sourceMappingURL=` of generated JS (or CSS-style comment). */
export function findSourceMappingUrl(generated: string): string | undefined {
  const tail = generated.length > 1_000_000 ? generated.slice(-1_000_000) : generated;
  const re = /(?:\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$)|(?:\/\*[#@]\s*sourceMappingURL=([^\s*'"]+)\s*\*\/\s*$)/gm;
  let last: string | undefined;
  for (const m of tail.matchAll(re)) last = m[1] ?? m[2];
  return last;
}

/** Decodes an inline `data:application/json;base64,…` source map URL; undefined for any other URL. */
export function decodeInlineSourceMap(url: string): string | undefined {
  const m = /^data:application\/json(?:;charset=[\w-]+)?(;base64)?,(.*)$/is.exec(url);
  if (!m) return undefined;
  try {
    if (!m[1]) return decodeURIComponent(m[2]!);
    const bin = atob(m[2]!);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}
