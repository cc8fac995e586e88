// Code mapping for the MCP server: a span's recorded code location (code.* attributes, code origin, the innermost
// stack frame) resolved to a file of `--workspace DIR` with the core resolver (path as written, then the longest
// matching path suffix). The full mapping engine (symbols, name search, saved mappings) lives in the editor;
// here the file list is walked once, bounded, and nothing outside the workspace is ever read.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CodeLocation } from '../core/analysis/types';
import { compilePathMappings } from '../core/mapping/pathMappings';
import { normalizeLocalPath } from '../core/mapping/paths';
import { resolveFilePath, type MappedHow } from '../core/mapping/resolve';
import { SuffixIndex } from '../core/mapping/suffixIndex';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'target', '.venv', 'venv', '__pycache__', 'vendor']);
const MAX_FILES = 200_000;

export interface MappedLocation {
  /** Workspace-relative path, '/'-separated. */
  readonly file?: string;
  readonly line?: number;
  readonly function?: string;
  readonly confidence: 'high' | 'medium' | 'low' | 'none';
  readonly reason: string;
}

export class Workspace {
  readonly root: string;
  private readonly index = new SuffixIndex();
  private readonly normalizedRoot: string;
  readonly truncated: boolean;

  constructor(dir: string) {
    this.root = resolve(dir);
    this.normalizedRoot = normalizeLocalPath(this.root) ?? this.root;
    let count = 0;
    const walk = (d: string, depth: number): void => {
      let names: string[];
      try { names = readdirSync(d); } catch { return; }
      for (const n of names) {
        if (count >= MAX_FILES) return;
        if (n.startsWith('.') || SKIP_DIRS.has(n)) continue;
        const p = join(d, n);
        let st;
        try { st = statSync(p); } catch { continue; }
        if (st.isDirectory()) { if (depth < 30) walk(p, depth + 1); } else {
          const np = normalizeLocalPath(p);
          if (np) { this.index.add(np); count++; }
        }
      }
    };
    walk(this.root, 0);
    this.truncated = count >= MAX_FILES;
  }

  get fileCount(): number {
    return this.index.size;
  }

  relative(p: string): string {
    const r = this.normalizedRoot.endsWith('/') ? this.normalizedRoot : this.normalizedRoot + '/';
    return p.startsWith(r) ? p.slice(r.length) : p;
  }

  /** Where in the workspace a recorded location is, with how sure the answer is and why. */
  map(loc: CodeLocation): MappedLocation {
    const fn = loc.function ? { function: loc.namespace ? `${loc.namespace}.${loc.function}` : loc.function } : {};
    if (!loc.filePath) return { ...fn, confidence: 'none', reason: 'the span names a function but no file; search the workspace for the function' };
    const r = resolveFilePath(loc.filePath, { mappings: compilePathMappings([], [{ name: 'workspace', path: this.normalizedRoot }]), folders: [this.normalizedRoot], index: this.index });
    if (!r.ok) return { ...fn, ...(loc.line ? { line: loc.line } : {}), confidence: 'none', reason: `${loc.filePath}: ${r.reason}` };
    if (!r.inside) return { ...fn, confidence: 'none', reason: `${loc.filePath} resolves outside the workspace` };
    const confidence = CONFIDENCE[r.how];
    const from = loc.source === 'stacktrace' ? 'the innermost exception stack frame' : loc.source === 'datadog.code_origin' ? 'the Datadog code origin' : 'the span\'s code.* attributes';
    return {
      file: this.relative(r.path),
      ...(loc.line ? { line: loc.line } : {}),
      ...fn,
      confidence: loc.source === 'stacktrace' && confidence === 'high' ? 'medium' : confidence,
      reason: `${from}; ${r.how === 'suffix' ? `found by path suffix (${r.detail})` : 'the path exists as written'}`,
    };
  }
}

const CONFIDENCE: Readonly<Record<MappedHow, MappedLocation['confidence']>> = {
  'attribute': 'high', 'path-mapping': 'high', 'saved': 'high', 'source-map': 'medium', 'suffix': 'medium',
  'symbol': 'medium', 'stack-frame': 'medium', 'name-search': 'low',
};
