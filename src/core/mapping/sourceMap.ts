// Source map v3 (https://tc39.es/ecma426/): enough to move a position in generated JS (dist/*.js) to the
// original source. Decoding and lookups are @jridgewell/trace-mapping's (the decoder bundlers and Node's tooling use,
// decoded lazily once per map). Hand-written here: the check that refuses a malformed `mappings` string (the library
// decodes garbage into arbitrary segments instead of failing, and maps come from the user's disk or a trace), index
// maps (`sections`, each section's map looked up on its own), and the resolution of `sources`, which must never let
// a hostile map point outside its folder (see resolveSource).
// Positions in and out of this module are 1-based lines and 1-based columns, as code.* attributes are.
import { TraceMap, decodedMappings, traceSegment } from '@jridgewell/trace-mapping';
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

/** One decoded segment: [generated column, source index, original line, original column, name index?], 0-based. */
export type Segment = readonly number[];

/**
 * Checks that `mappings` is well-formed VLQ (base64 digits only, no value cut short, no value over 32 bits, 1, 4 or
 * 5 fields per segment) and throws SourceMapError otherwise. Counts digits only; the decoding is the library's.
 */
export function validateMappings(mappings: string): void {
  let fields = 0, digits = 0;
  const endSegment = (at: number) => {
    if (digits > 0) throw new SourceMapError(`truncated VLQ at ${at}`);
    if (fields !== 0 && fields !== 1 && fields !== 4 && fields !== 5) throw new SourceMapError(`a mapping segment has ${fields} fields`);
    fields = 0;
  };
  for (let i = 0; i < mappings.length; i++) {
    const c = mappings.charCodeAt(i);
    if (c === 44 /* , */ || c === 59 /* ; */) { endSegment(i); continue; }
    const digit = c < 128 ? B64[c]! : -1;
    if (digit < 0) throw new SourceMapError(`invalid base64 character at ${i}`);
    if (++digits > 7) throw new SourceMapError('VLQ value too large');
    if ((digit & 32) === 0) {
      digits = 0;
      if (++fields > 5) throw new SourceMapError('a mapping segment has more than 5 fields');
    }
  }
  endSegment(mappings.length);
}

/** Validates and decodes a `mappings` string: per generated line (0-based), its segments in column order. */
export function decodeMappings(mappings: string): readonly (readonly Segment[])[] {
  validateMappings(mappings);
  return decodedMappings(new TraceMap({ version: 3, sources: [], names: [], mappings }));
}

interface Section {
  readonly line: number; // 0-based generated offset
  readonly column: number;
  readonly map: SourceMap;
}

export class SourceMap {
  private traced: TraceMap | undefined;
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
    validateMappings(o.mappings);
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
    // The library resolves nothing here: sources are looked up by index in this.sources, resolved by resolveSource.
    const map = (this.traced ??= new TraceMap({ version: 3, sources: this.sources.map(() => ''), names: [...this.names], mappings: this.mappings }));
    const segments = decodedMappings(map)[line - 1];
    if (!segments) return undefined;
    const mapped = (seg: Segment | null | undefined): seg is Segment => !!seg && seg.length >= 4;
    let seg: Segment | undefined;
    if (column === undefined) seg = segments.find(mapped);
    else {
      const c0 = column - 1;
      const glb = traceSegment(map, line - 1, c0);
      // A source-less segment covers the column: the nearest mapped one before it, else the first of the line.
      seg = mapped(glb) ? glb : segments.filter(x => x[0]! <= c0 && mapped(x)).at(-1) ?? segments.find(mapped);
    }
    if (!seg) return undefined;
    const source = this.sources[seg[1]!];
    if (source === undefined) return undefined;
    const name = seg.length === 5 ? this.names[seg[4]!] : undefined;
    const pos = { source, line: seg[2]! + 1, column: seg[3]! + 1 };
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
