// Finds the workspace file a span's path most likely names when the path does not exist as written
// (built in a container at /app, on CI at /home/runner/work/…, on Windows). Files are bucketed by lower-cased
// base name, so a lookup compares only same-named files; the winner is the longest common suffix in path
// segments. A tie between several files is reported as ambiguous, never silently decided.

export type SuffixMatch =
  | { readonly kind: 'none' }
  | { readonly kind: 'unique'; readonly path: string; readonly suffixLength: number }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[]; readonly suffixLength: number };

interface Entry {
  readonly path: string;
  /** Segments, last first. */
  readonly reversed: readonly string[];
}

function splitPath(p: string): string[] {
  return p.split('/').filter(s => s !== '');
}

export class SuffixIndex {
  private readonly byBase = new Map<string, Entry[]>();
  private readonly all = new Set<string>();

  get size(): number {
    return this.all.size;
  }

  /** Adds a normalized absolute path; adding it twice is a no-op. */
  add(path: string): void {
    if (this.all.has(path)) return;
    const segs = splitPath(path);
    const base = segs[segs.length - 1];
    if (base === undefined) return;
    const key = base.toLowerCase();
    let bucket = this.byBase.get(key);
    if (!bucket) { bucket = []; this.byBase.set(key, bucket); }
    bucket.push({ path, reversed: segs.reverse() });
    this.all.add(path);
  }

  remove(path: string): boolean {
    if (!this.all.delete(path)) return false;
    const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    const bucket = this.byBase.get(base);
    if (!bucket) return false;
    const i = bucket.findIndex(e => e.path === path);
    if (i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) this.byBase.delete(base);
    return true;
  }

  /** Removes every path equal to or below `dir` (a deleted folder). Returns how many were removed. */
  removeUnder(dir: string): number {
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    let removed = 0;
    for (const [key, bucket] of this.byBase) {
      const keep: Entry[] = [];
      for (const e of bucket) {
        if (e.path === dir || e.path.startsWith(prefix)) { this.all.delete(e.path); removed++; }
        else keep.push(e);
      }
      if (keep.length === 0) this.byBase.delete(key);
      else if (keep.length !== bucket.length) this.byBase.set(key, keep);
    }
    return removed;
  }

  has(path: string): boolean {
    return this.all.has(path);
  }

  /** Every indexed file whose base name is `base` (compared case-insensitively), in insertion order. */
  withName(base: string): string[] {
    return (this.byBase.get(base.toLowerCase()) ?? []).map(e => e.path);
  }

  /** Every indexed path (for proposing mappings and for tests). */
  paths(): IterableIterator<string> {
    return this.all.values();
  }

  /**
   * The file sharing the longest suffix with `segments` (a span path's normalized segments). Segments compare
   * exactly, except when `caseInsensitive` (Windows/UNC span paths). `minSuffix` segments must match (default 1,
   * the base name).
   */
  match(segments: readonly string[], options: { caseInsensitive?: boolean; minSuffix?: number } = {}): SuffixMatch {
    const n = segments.length;
    const last = segments[n - 1];
    if (last === undefined) return { kind: 'none' };
    const bucket = this.byBase.get(last.toLowerCase());
    if (!bucket) return { kind: 'none' };
    const ci = options.caseInsensitive ?? false;
    const want = ci ? segments.map(s => s.toLowerCase()) : segments;
    let best = 0;
    let winners: string[] = [];
    for (const e of bucket) {
      const r = e.reversed;
      const max = Math.min(n, r.length);
      let k = 0;
      while (k < max) {
        const a = r[k]!;
        const b = want[n - 1 - k]!;
        if ((ci ? a.toLowerCase() : a) !== b) break;
        k++;
      }
      if (k === 0) continue;
      if (k > best) { best = k; winners = [e.path]; }
      else if (k === best) winners.push(e.path);
    }
    if (best < (options.minSuffix ?? 1) || winners.length === 0) return { kind: 'none' };
    if (winners.length === 1) return { kind: 'unique', path: winners[0]!, suffixLength: best };
    return { kind: 'ambiguous', candidates: winners.sort(), suffixLength: best };
  }
}
