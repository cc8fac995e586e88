// Span file paths are untrusted text. Everything that turns one into a path the editor may open goes through
// `parseSpanPath` first: it refuses URI schemes other than file (command:, vscode:, http:, javascript: …), control
// characters and absurd lengths, recognises POSIX, Windows-drive and UNC forms, and resolves `.`/`..` so that a
// traversal cannot hide behind a prefix a path mapping or a containment check looks at.

export type PathFlavor = 'posix' | 'windows' | 'unc' | 'relative';

export interface ParsedPath {
  readonly flavor: PathFlavor;
  /** Normalized segments (no '', '.', '..' except leading '..' of a relative path). For UNC: [server, share, ...]. */
  readonly segments: readonly string[];
  /** '/'-separated normalized form: '/a/b' (posix), 'C:/a/b' (windows), '//server/share/a' (unc), 'a/b' (relative). */
  readonly normalized: string;
  /** Relative path that climbs above its base ('../x'): usable for suffix matching only. */
  readonly climbs: boolean;
  /** The original text, as written in the span. */
  readonly raw: string;
  /** Set when the path came from a bundler URI (webpack://) and names a source, not a file on disk. */
  readonly fromBundlerUri?: boolean;
}

export type PathVerdict = { readonly ok: true; readonly path: ParsedPath } | { readonly ok: false; readonly reason: string };

export const MAX_SPAN_PATH_LENGTH = 4096;
const BUNDLER_SCHEMES = new Set(['webpack', 'webpack-internal', 'turbopack', 'rollup', 'vite']);
// A scheme needs two or more characters, so a drive letter (C:) is never a scheme.
const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;
const DRIVE_RE = /^[a-zA-Z]:(?:[\\/]|$)/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** Parses a path written in a span (code.filepath, a stack frame, a source map source). Never throws. */
export function parseSpanPath(raw: unknown): PathVerdict {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'no file path' };
  if (raw.length > MAX_SPAN_PATH_LENGTH) return { ok: false, reason: `path longer than ${MAX_SPAN_PATH_LENGTH} characters` };
  if (CONTROL_RE.test(raw)) return { ok: false, reason: 'path contains control characters' };
  let text = raw.trim();
  let fromBundlerUri = false;

  const scheme = SCHEME_RE.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'file') {
      const decoded = decodeFileUri(text);
      if (decoded === undefined) return { ok: false, reason: 'malformed file: URI' };
      text = decoded;
    } else if (BUNDLER_SCHEMES.has(scheme)) {
      // webpack:///./src/a.ts, webpack://app/./src/a.ts: the part after the scheme (and an optional namespace)
      // names a source relative to the project; only good for suffix matching.
      text = text.slice(scheme.length + 1).replace(/^\/\/[^/]*\//, '').replace(/^\/+/, '');
      text = safeDecode(text) ?? text;
      if (CONTROL_RE.test(text)) return { ok: false, reason: 'path contains control characters' };
      fromBundlerUri = true;
    } else {
      return { ok: false, reason: `scheme "${scheme}:" is not a file path and is never followed` };
    }
  }

  let flavor: PathFlavor;
  let body: string;
  let prefix: string;
  if (/^[\\/]{2}[?.][\\/]/.test(text)) {
    // Win32 device namespace: \\?\C:\x is a long drive path; anything else (\\.\pipe, \\?\GLOBALROOT) is refused.
    const rest = text.slice(4);
    if (DRIVE_RE.test(rest)) text = rest;
    else if (/^UNC[\\/]/i.test(rest)) text = '\\\\' + rest.slice(4);
    else return { ok: false, reason: 'Windows device path is never followed' };
  }
  if (DRIVE_RE.test(text)) {
    flavor = 'windows';
    prefix = text[0]!.toUpperCase() + ':';
    body = text.slice(2);
  } else if (/^[\\/]{2}[^\\/]/.test(text) && !fromBundlerUri) {
    flavor = 'unc';
    prefix = '/';
    body = text.slice(2);
  } else if (/^[\\/]/.test(text) && !fromBundlerUri) {
    flavor = 'posix';
    prefix = '';
    body = text;
  } else {
    flavor = 'relative';
    prefix = '';
    body = text;
  }

  const out: string[] = [];
  let climbs = false;
  for (const seg of body.split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (flavor === 'relative') { out.push('..'); climbs = true; }
      else return { ok: false, reason: 'path climbs above its root with ".."' };
      continue;
    }
    out.push(seg);
  }
  if (flavor === 'unc' && out.length < 2) return { ok: false, reason: 'UNC path without server and share' };
  if (out.length === 0 && flavor === 'relative') return { ok: false, reason: 'no file path' };
  const joined = out.join('/');
  const normalized = flavor === 'posix' ? '/' + joined : flavor === 'windows' ? `${prefix}/${joined}` : flavor === 'unc' ? '//' + joined : joined;
  const path: ParsedPath = fromBundlerUri ? { flavor, segments: out, normalized, climbs, raw, fromBundlerUri } : { flavor, segments: out, normalized, climbs, raw };
  return { ok: true, path };
}

function safeDecode(s: string): string | undefined {
  try { return decodeURIComponent(s); } catch { return undefined; }
}

function decodeFileUri(uri: string): string | undefined {
  // file:///abs, file://host/share/x (UNC), file:///C:/x, file:/abs
  const m = /^file:(\/\/([^/]*))?(.*)$/i.exec(uri);
  if (!m) return undefined;
  const host = m[2] ?? '';
  const rest = safeDecode(m[3] ?? '');
  if (rest === undefined) return undefined;
  if (host !== '' && host.toLowerCase() !== 'localhost') return `//${safeDecode(host) ?? host}${rest.startsWith('/') ? rest : '/' + rest}`;
  if (/^\/[a-zA-Z]:([\\/]|$)/.test(rest)) return rest.slice(1);
  return rest;
}

/** Case-insensitive comparison is right for Windows and UNC paths (and for matching them against workspace paths). */
export function isCaseInsensitive(p: ParsedPath): boolean {
  return p.flavor === 'windows' || p.flavor === 'unc';
}

/**
 * True when `path` equals `root` or lies below it. Both are normalized absolute forms ('/a/b', 'C:/a').
 * Segment-wise, so '/work/app-evil' is not inside '/work/app'.
 */
export function isInside(path: string, root: string, caseInsensitive = false): boolean {
  const a = caseInsensitive ? path.toLowerCase() : path;
  let r = caseInsensitive ? root.toLowerCase() : root;
  if (r.length > 1 && r.endsWith('/')) r = r.slice(0, -1);
  if (a === r) return true;
  return a.startsWith(r === '/' ? '/' : r + '/');
}

/** Normalizes a trusted path of the local machine (a workspace folder, a mapping target) the same way. */
export function normalizeLocalPath(p: string): string | undefined {
  const v = parseSpanPath(p);
  return v.ok && v.path.flavor !== 'relative' ? v.path.normalized : undefined;
}

/** Last segment of a '/'-separated path. */
export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Directory part of a '/'-separated path ('' when none). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : p.slice(0, i);
}

/** Joins a base directory and a relative path, resolving '.' and '..' (never above the base's root). */
export function joinPath(base: string, rel: string): string | undefined {
  if (/^[\\/]/.test(rel) || DRIVE_RE.test(rel)) {
    const v = parseSpanPath(rel);
    return v.ok ? v.path.normalized : undefined;
  }
  const v = parseSpanPath(base.replace(/\/+$/, '') + '/' + rel);
  return v.ok ? v.path.normalized : undefined;
}
