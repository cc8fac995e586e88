// `spanscope.pathMappings`: {"/app/": "${workspaceFolder}/"}, as debuggers' sourceMapPathOverrides.
// Keys are prefixes of the path as the span wrote it (normalized), optionally with one `*` that carries the
// rest into the value's `*`. The longest matching key wins. `${workspaceFolder}` is the first folder,
// `${workspaceFolder:name}` a named one; a rule naming an unknown variable or folder is skipped and reported.
import { isCaseInsensitive, parseSpanPath, type ParsedPath } from './paths';

export interface WorkspaceFolderRef {
  readonly name: string;
  /** Normalized absolute path ('/home/u/proj'). */
  readonly path: string;
}

export interface CompiledPathMapping {
  /** The key as the user wrote it. */
  readonly from: string;
  readonly to: string;
  /** Normalized prefix before any '*'. */
  readonly prefix: string;
  /** Normalized text after '*', when the key has one. */
  readonly suffix?: string;
  /** Value with variables substituted; may contain one '*'. */
  readonly target: string;
}

export interface PathMappingProblem {
  readonly from: string;
  readonly message: string;
}

export interface CompiledPathMappings {
  readonly rules: readonly CompiledPathMapping[];
  readonly problems: readonly PathMappingProblem[];
}

const VAR_RE = /\$\{([^}]*)\}/g;

export function substituteVariables(value: string, folders: readonly WorkspaceFolderRef[]): string | { error: string } {
  let error: string | undefined;
  const out = value.replace(VAR_RE, (_m, name: string) => {
    if (name === 'workspaceFolder' || name === 'workspaceRoot') {
      if (folders[0] === undefined) { error = 'no workspace folder is open'; return ''; }
      return folders[0].path;
    }
    if (name.startsWith('workspaceFolder:')) {
      const want = name.slice('workspaceFolder:'.length);
      const f = folders.find(x => x.name === want);
      if (!f) { error = `no workspace folder named "${want}"`; return ''; }
      return f.path;
    }
    error = `unknown variable \${${name}}`;
    return '';
  });
  return error === undefined ? out : { error };
}

function normalizePattern(p: string): string {
  // Keep a trailing separator meaningful: "/app/" matches "/app/x" but not "/apple".
  const bare = p.replace(/\\/g, '/');
  if (bare === '') return '';
  const v = parseSpanPath(bare.replace(/\/+$/, '') || '/');
  const n = v.ok ? v.path.normalized : bare;
  return n;
}

/** Compiles the setting once per change. Non-string values and bad variables are reported, not thrown. */
export function compilePathMappings(setting: unknown, folders: readonly WorkspaceFolderRef[]): CompiledPathMappings {
  const rules: CompiledPathMapping[] = [];
  const problems: PathMappingProblem[] = [];
  if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return { rules, problems };
  for (const [from, to] of Object.entries(setting as Record<string, unknown>)) {
    if (typeof to !== 'string') { problems.push({ from, message: 'the value must be a string' }); continue; }
    const target = substituteVariables(to, folders);
    if (typeof target !== 'string') { problems.push({ from, message: target.error }); continue; }
    const star = from.indexOf('*');
    if (star >= 0 && from.indexOf('*', star + 1) >= 0) { problems.push({ from, message: 'only one * is allowed' }); continue; }
    const head = star >= 0 ? from.slice(0, star) : from;
    const prefix = normalizePattern(head);
    if (prefix === '') { problems.push({ from, message: 'an empty key would match every path' }); continue; }
    const rule: CompiledPathMapping = star >= 0
      ? { from, to, prefix, suffix: from.slice(star + 1).replace(/\\/g, '/'), target }
      : { from, to, prefix, target };
    rules.push(rule);
  }
  // Longest key first: the most specific rule wins.
  rules.sort((a, b) => b.prefix.length - a.prefix.length || (b.suffix?.length ?? 0) - (a.suffix?.length ?? 0));
  return { rules, problems };
}

export interface MappedPath {
  /** Normalized absolute local path. */
  readonly path: string;
  readonly rule: CompiledPathMapping;
}

/** Applies the first (longest) matching rule. The result is parsed again, so a mapping cannot smuggle a traversal. */
export function applyPathMappings(p: ParsedPath, mappings: CompiledPathMappings): MappedPath | undefined {
  const ci = isCaseInsensitive(p);
  const subject = ci ? p.normalized.toLowerCase() : p.normalized;
  for (const rule of mappings.rules) {
    const prefix = ci ? rule.prefix.toLowerCase() : rule.prefix;
    let rest: string;
    if (subject === prefix) rest = '';
    else if (subject.startsWith(prefix.endsWith('/') ? prefix : prefix + '/')) rest = p.normalized.slice(prefix.endsWith('/') ? prefix.length : prefix.length + 1);
    else continue;
    if (rule.suffix !== undefined && rule.suffix !== '') {
      const s = ci ? rule.suffix.toLowerCase() : rule.suffix;
      const restCmp = ci ? rest.toLowerCase() : rest;
      if (!restCmp.endsWith(s)) continue;
      rest = rest.slice(0, rest.length - rule.suffix.length);
    }
    const target = rule.target.replace(/\\/g, '/');
    const joined = target.includes('*') ? target.replace('*', rest) : rest === '' ? target : target.replace(/\/+$/, '') + '/' + rest;
    const v = parseSpanPath(joined);
    if (!v.ok || v.path.flavor === 'relative') continue;
    return { path: v.path.normalized, rule };
  }
  return undefined;
}
