// Pure path logic for jump to source, kept free of `vscode` so it is unit-tested in plain Node.
// A span's file path is untrusted text: it may be a URI of another scheme, a UNC path, a Windows path on a
// POSIX host, or climb out of the workspace with `..`. Nothing here touches the file system.
import * as path from 'node:path';

export type PathClass =
  /** An absolute local path, normalized (no `..` left). */
  | { readonly kind: 'absolute'; readonly path: string }
  /** Relative to some root (a workspace folder); normalized; never starts with `..`. */
  | { readonly kind: 'relative'; readonly path: string }
  /** Not to be followed; `reason` says why, for the log and the user. */
  | { readonly kind: 'rejected'; readonly reason: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

/**
 * Classifies a file path taken from span data. `file://` URIs become paths; other schemes (`command:`, `vscode:`,
 * `http:` …) and UNC paths (`\\host\share`, `//host/share`) are rejected; a relative path that climbs above its
 * root is rejected; Windows drive paths count as absolute only on Windows (`platform`).
 */
export function classifySpanPath(raw: string, platform: NodeJS.Platform = process.platform): PathClass {
  let p = raw.trim();
  if (!p) return { kind: 'rejected', reason: 'empty path' };
  if (p.length > 4096) return { kind: 'rejected', reason: 'path longer than 4096 characters' };
  if (/[\u0000-\u001f]/.test(p)) return { kind: 'rejected', reason: 'control characters in path' };
  const isWin = platform === 'win32';
  if (!WINDOWS_DRIVE.test(p)) {
    const scheme = SCHEME.exec(p);
    if (scheme) {
      if (scheme[1]!.toLowerCase() !== 'file') return { kind: 'rejected', reason: `"${scheme[1]}:" links are not opened` };
      const fromUri = fileUriToPath(p);
      if (fromUri === undefined) return { kind: 'rejected', reason: 'file URI with a host (a network path)' };
      p = fromUri;
    }
  }
  if (/^[\\/]{2}/.test(p)) return { kind: 'rejected', reason: 'UNC or network path' };
  if (isWin) {
    if (WINDOWS_DRIVE.test(p)) return { kind: 'absolute', path: path.win32.normalize(p) };
    if (/^[\\/]/.test(p)) return { kind: 'rejected', reason: 'drive-relative path' };
    return relative(p.replace(/\\/g, '/'));
  }
  if (p.startsWith('/')) return { kind: 'absolute', path: path.posix.normalize(p) };
  // A Windows path seen on a POSIX host: not openable as such; its tail may still match a workspace file.
  if (WINDOWS_DRIVE.test(p)) return relative(p.slice(3).replace(/\\/g, '/'));
  return relative(p);
}

function relative(p: string): PathClass {
  const n = path.posix.normalize(p.replace(/^\.\//, ''));
  if (n === '..' || n.startsWith('../')) return { kind: 'rejected', reason: 'path climbs out of the workspace ("..")' };
  if (n === '.' || n === '') return { kind: 'rejected', reason: 'not a file path' };
  return { kind: 'relative', path: n };
}

function fileUriToPath(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.host && u.host !== 'localhost') return undefined;
    const p = decodeURIComponent(u.pathname);
    // file:///C:/x → C:/x
    return /^\/[a-zA-Z]:\//.test(p) ? p.slice(1) : p;
  } catch {
    return undefined;
  }
}

/** Whether `file` (absolute, normalized) lies inside `root` (absolute). Case-insensitive on Windows. */
export function isInside(root: string, file: string, platform: NodeJS.Platform = process.platform): boolean {
  const impl = platform === 'win32' ? path.win32 : path.posix;
  const rel = impl.relative(root, file);
  const r = platform === 'win32' ? rel.toLowerCase() : rel;
  return r !== '' && !r.startsWith('..') && !impl.isAbsolute(r);
}

/** Number of trailing path segments two paths share (`/a/b/c.ts` vs `x/b/c.ts` → 2). */
export function commonSuffixSegments(a: string, b: string): number {
  const sa = a.split(/[\\/]+/).filter(Boolean);
  const sb = b.split(/[\\/]+/).filter(Boolean);
  let n = 0;
  while (n < sa.length && n < sb.length && sa[sa.length - 1 - n] === sb[sb.length - 1 - n]) n++;
  return n;
}

/**
 * Best candidate by longest common suffix with `wanted`; `ambiguous` when two or more tie at the best length.
 * Returns undefined when no candidate shares even the file name.
 */
export function bestSuffixMatch(wanted: string, candidates: readonly string[]): { path: string; segments: number; ambiguous: boolean } | undefined {
  let best: string | undefined;
  let bestN = 0;
  let ties = 0;
  for (const c of candidates) {
    const n = commonSuffixSegments(wanted, c);
    if (n > bestN) { best = c; bestN = n; ties = 1; }
    else if (n === bestN && n > 0) ties++;
  }
  return best === undefined ? undefined : { path: best, segments: bestN, ambiguous: ties > 1 };
}

/** A branded 0-based editor line/column pair, only made by `toEditorPosition`. */
export interface EditorPosition {
  readonly line0: number;
  readonly character0: number;
}

/**
 * THE conversion from span/stack-frame positions (1-based line and column, as OTel `code.lineno` and every stack
 * trace format write them) to 0-based editor positions. Missing, zero or invalid values become the first line or
 * column. Every caller that turns a code location into an editor position uses this function.
 */
export function toEditorPosition(line1?: number, column1?: number): EditorPosition {
  const line = typeof line1 === 'number' && Number.isFinite(line1) && line1 >= 1 ? Math.floor(line1) - 1 : 0;
  const character = typeof column1 === 'number' && Number.isFinite(column1) && column1 >= 1 ? Math.floor(column1) - 1 : 0;
  return { line0: line, character0: character };
}
