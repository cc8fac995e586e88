// From a path written in a span to a workspace file, in order: the path as written (absolute and present, or
// relative to a workspace folder), the user's path mappings, then the suffix index. Each answer says how it
// was reached ("why here"); each failure says why, so the Unmapped list can explain it. Source maps, symbols,
// stack frames, name search and saved mappings build on this in the host (they need file or provider access).
import { applyPathMappings, type CompiledPathMappings } from './pathMappings';
import { isCaseInsensitive, isInside, joinPath, parseSpanPath } from './paths';
import type { SuffixIndex } from './suffixIndex';

/** How a span was mapped to code. Displayed as "why here". */
export type MappedHow = 'attribute' | 'path-mapping' | 'suffix' | 'source-map' | 'symbol' | 'definition' | 'stack-frame' | 'name-search' | 'saved';

export const HOW_LABEL: Readonly<Record<MappedHow, string>> = {
  'attribute': 'the span\'s code.* attributes name this file',
  'path-mapping': 'a spanscope.pathMappings rule',
  'suffix': 'the longest matching path suffix in the workspace',
  'source-map': 'the generated file\'s source map',
  'symbol': 'code.function/code.namespace found by the symbol provider',
  'definition': 'code.function/code.namespace found by parsing the workspace\'s source',
  'stack-frame': 'the first exception stack frame inside the workspace',
  'name-search': 'the span name or route found in the source',
  'saved': 'a mapping you saved for this service and span name',
};

export interface FileResolveContext {
  readonly mappings: CompiledPathMappings;
  /** Normalized workspace folder paths. */
  readonly folders: readonly string[];
  readonly index: SuffixIndex;
  /** Whether a normalized absolute path is a file. Defaults to membership in the index. */
  readonly exists?: (path: string) => boolean;
}

export type FileResolution =
  | { readonly ok: true; readonly path: string; readonly how: MappedHow; readonly detail: string; readonly inside: boolean }
  | { readonly ok: false; readonly reason: string; readonly candidates?: readonly string[] };

/**
 * True when `path` is written inside a workspace folder; anything else is opened only after asking. A path mapping's
 * target does not count: a workspace could otherwise map "/x/" to "/" and open any file without a question.
 */
export function isTrustedLocation(path: string, ctx: Pick<FileResolveContext, 'folders'>): boolean {
  for (const r of ctx.folders) if (isInside(path, r)) return true;
  return false;
}

export function resolveFilePath(raw: string, ctx: FileResolveContext): FileResolution {
  const v = parseSpanPath(raw);
  if (!v.ok) return { ok: false, reason: v.reason };
  const p = v.path;
  const exists = ctx.exists ?? ((x: string) => ctx.index.has(x));
  const done = (path: string, how: MappedHow, detail: string): FileResolution => ({ ok: true, path, how, detail, inside: isTrustedLocation(path, ctx) });

  if (p.flavor === 'posix' && !p.fromBundlerUri && exists(p.normalized)) return done(p.normalized, 'attribute', p.normalized);
  if (p.flavor !== 'relative') {
    const mapped = applyPathMappings(p, ctx.mappings);
    if (mapped && exists(mapped.path)) return done(mapped.path, 'path-mapping', `"${mapped.rule.from}" → "${mapped.rule.to}"`);
  } else if (!p.climbs) {
    const hits: string[] = [];
    for (const f of ctx.folders) {
      const j = joinPath(f, p.normalized);
      if (j !== undefined && exists(j)) hits.push(j);
    }
    if (hits.length === 1) return done(hits[0]!, 'attribute', `${p.normalized} in the workspace folder`);
    if (hits.length > 1) return { ok: false, reason: `${p.normalized} exists in ${hits.length} workspace folders`, candidates: hits };
  }
  const m = ctx.index.match(p.segments.filter(s => s !== '..'), { caseInsensitive: isCaseInsensitive(p) });
  if (m.kind === 'unique') return done(m.path, 'suffix', `${m.suffixLength} matching path segment${m.suffixLength === 1 ? '' : 's'}`);
  if (m.kind === 'ambiguous') {
    return { ok: false, reason: `${m.candidates.length} workspace files end in …/${p.segments.slice(-m.suffixLength).join('/')}; add a path mapping to choose`, candidates: m.candidates };
  }
  return { ok: false, reason: p.flavor === 'relative' ? `no workspace file ends in ${p.normalized}` : `${p.normalized} is not in the workspace and no path mapping or file suffix matches it` };
}
