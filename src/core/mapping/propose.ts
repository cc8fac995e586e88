// "Unmapped spans" offers a path mapping: from the absolute paths the spans wrote and the workspace's files,
// the prefix pair that explains the most paths (span prefix → workspace prefix), in the setting's own spelling.
import type { WorkspaceFolderRef } from './pathMappings';
import { isInside, parseSpanPath } from './paths';
import type { SuffixIndex } from './suffixIndex';

export interface ProposedMapping {
  /** Key for spanscope.pathMappings, ending in '/'. */
  readonly from: string;
  /** Value, with ${workspaceFolder} / ${workspaceFolder:name} where it applies, ending in '/'. */
  readonly to: string;
  /** How many of the given paths it maps to a workspace file. */
  readonly explains: number;
}

export function proposePathMappings(spanPaths: Iterable<string>, index: SuffixIndex, folders: readonly WorkspaceFolderRef[], limit = 3): ProposedMapping[] {
  const votes = new Map<string, { from: string; to: string; n: number }>();
  for (const raw of spanPaths) {
    const v = parseSpanPath(raw);
    if (!v.ok || v.path.flavor === 'relative') continue;
    const ci = v.path.flavor !== 'posix';
    const m = index.match(v.path.segments, { caseInsensitive: ci });
    if (m.kind !== 'unique') continue;
    const local = m.path.split('/').filter(Boolean);
    // Keep the shared suffix within the workspace folder, so the mapping targets the folder (a variable).
    let suffix = m.suffixLength;
    const folder = deepestFolder(m.path, folders);
    if (folder) suffix = Math.min(suffix, local.length - folder.path.split('/').filter(Boolean).length);
    const spanSegs = v.path.segments;
    const fromSegs = spanSegs.slice(0, spanSegs.length - suffix);
    const toSegs = local.slice(0, local.length - suffix);
    const head = v.path.flavor === 'posix' ? '/' : v.path.flavor === 'unc' ? '//' : v.path.normalized.slice(0, 3);
    const from = head + fromSegs.join('/') + (fromSegs.length ? '/' : '');
    const localPrefix = '/' + toSegs.join('/');
    const to = withVariables(localPrefix, folders) + '/';
    const key = from + '\u0000' + to;
    const e = votes.get(key);
    if (e) e.n++;
    else votes.set(key, { from, to: to.replace(/\/\/$/, '/'), n: 1 });
  }
  return [...votes.values()].sort((a, b) => b.n - a.n || a.from.localeCompare(b.from)).slice(0, limit).map(e => ({ from: e.from, to: e.to, explains: e.n }));
}

function deepestFolder(path: string, folders: readonly WorkspaceFolderRef[]): WorkspaceFolderRef | undefined {
  let best: WorkspaceFolderRef | undefined;
  for (const f of folders) if (isInside(path, f.path) && (!best || f.path.length > best.path.length)) best = f;
  return best;
}

function withVariables(localPrefix: string, folders: readonly WorkspaceFolderRef[]): string {
  // The first folder is ${workspaceFolder}; others are named.
  const best = deepestFolder(localPrefix, folders);
  if (!best) return localPrefix;
  const rest = localPrefix.slice(best.path.length).replace(/^\//, '');
  const v = best === folders[0] ? '${workspaceFolder}' : `\${workspaceFolder:${best.name}}`;
  return rest ? `${v}/${rest}` : v;
}
