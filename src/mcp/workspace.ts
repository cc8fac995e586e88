// Code mapping for the MCP server: the mapping engine (src/core/mapping/engine, the same one `spanscope map` and the
// editor use) over `--workspace DIR` walked once on disk, with tree-sitter outlines from the syntax worker when one
// is given. Files are reported relative to DIR; nothing outside it is read.
import { resolve } from 'node:path';
import type { Span } from '../core/model';
import { MappingEngine } from '../core/mapping/engine/engine';
import { factsFromSpan } from '../core/mapping/engine/facts';
import type { Confidence } from '../core/mapping/engine/types';
import { compilePathMappings, type CompiledPathMappings } from '../core/mapping/pathMappings';
import { isInside } from '../core/mapping/paths';
import type { SyntaxService } from '../core/mapping/syntax/types';
import { nodeWorkspace, type NodeWorkspace } from '../cli/nodeWorkspace';

export interface MappedLocation {
  /** Workspace-relative path, '/'-separated (absolute when a mapping points outside the workspace). */
  readonly file?: string;
  readonly line?: number;
  /** exact: the span names the file and line; high: one unambiguous place; low: ranked guesses; none: see reason. */
  readonly confidence: Confidence;
  readonly reason: string;
  /** Other places it may be, best first (only for low confidence). */
  readonly alternatives?: ReadonlyArray<{ file: string; line: number; reason: string }>;
}

export class Workspace {
  readonly root: string;
  private readonly ws: NodeWorkspace;
  private readonly engine: MappingEngine;
  private readonly mappings: CompiledPathMappings;

  constructor(dir: string, syntax?: SyntaxService) {
    this.root = resolve(dir);
    this.ws = nodeWorkspace(this.root, syntax);
    this.engine = new MappingEngine(this.ws);
    this.mappings = compilePathMappings({}, [{ name: 'workspace', path: this.ws.folders[0]! }]);
  }

  get fileCount(): number {
    return this.ws.index.size;
  }

  get truncated(): boolean {
    return this.ws.truncated;
  }

  private relative(p: string): string {
    const root = this.ws.folders[0]!;
    return isInside(p, root) && p !== root ? p.slice(root.length + (root.endsWith('/') ? 0 : 1)) : p;
  }

  /** Where each span was made, in the order given. */
  async map(spans: readonly Span[], signal?: AbortSignal): Promise<MappedLocation[]> {
    const results = await this.engine.mapSpans(spans.map(factsFromSpan), { mappings: this.mappings, cancelled: () => signal?.aborted === true });
    return results.map(m => ({
      ...(m.file !== undefined && m.confidence !== 'none' ? { file: this.relative(m.file) } : {}),
      ...(m.line !== undefined && m.confidence !== 'none' ? { line: m.line } : {}),
      confidence: m.confidence,
      reason: m.reason,
      ...(m.confidence === 'low' && m.candidates.length > 1 ? { alternatives: m.candidates.slice(1, 4).map(c => ({ file: this.relative(c.file), line: c.line, reason: c.reason })) } : {}),
    }));
  }
}
