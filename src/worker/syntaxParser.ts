// Parses source files with web-tree-sitter on the calling thread and outlines them (src/core/mapping/syntax does
// the outlining). The syntax worker (syntax-worker.ts) runs this off the extension host's thread; tests and
// benchmarks may use it directly. The runtime and each grammar load on first use, once; a grammar that fails to
// load is remembered as failed rather than retried on every file.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, Query } from '@vscode/tree-sitter-wasm';
import { GRAMMAR_FILES } from '../core/mapping/syntax/languages';
import { createOutliner, DEFAULT_OUTLINE_LIMITS, type OutlineLimits, type Outliner } from '../core/mapping/syntax/outline';
import type { FileOutline, SyntaxLanguage } from '../core/mapping/syntax/types';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_PARSE_TIMEOUT_MS } from './syntaxMessages';

export interface SyntaxParserOptions {
  /** Folder holding tree-sitter.wasm and the grammars; default: dist/tree-sitter next to the bundle, else the package. */
  readonly wasmDir?: string;
  /** Files larger than this (in UTF-16 code units, about bytes for source code) are not parsed. Default 1 MB. */
  readonly maxFileSize?: number;
  /** A parse running longer than this is abandoned. Default 5000 ms. */
  readonly parseTimeoutMs?: number;
  readonly limits?: OutlineLimits;
}

export interface SyntaxParser {
  outline(language: SyntaxLanguage, text: string): Promise<FileOutline>;
  dispose(): void;
}

export { DEFAULT_MAX_FILE_SIZE, DEFAULT_PARSE_TIMEOUT_MS };

/** Where the wasm files are at run time: copied next to the bundle by scripts/build.mjs, else the installed package. */
export function defaultWasmDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const bundled = join(here, 'tree-sitter');
  if (existsSync(join(bundled, 'tree-sitter.wasm'))) return bundled;
  const req = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'));
  return dirname(req.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm'));
}

let runtime: Promise<void> | undefined;
let runtimeDir: string | undefined;

function initRuntime(wasmDir: string): Promise<void> {
  // web-tree-sitter's module is a process-wide (per thread) singleton: initialise it once.
  if (!runtime) {
    runtimeDir = wasmDir;
    runtime = Parser.init({ locateFile: (file: string) => join(wasmDir, file) });
    runtime.catch(() => { runtime = undefined; });
  } else if (runtimeDir !== wasmDir) {
    // Grammars load from any folder; the runtime's own wasm came from the first one, which is fine.
  }
  return runtime;
}

export function createSyntaxParser(opts: SyntaxParserOptions = {}): SyntaxParser {
  const wasmDir = opts.wasmDir ?? defaultWasmDir();
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const timeoutMs = opts.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const limits = opts.limits ?? DEFAULT_OUTLINE_LIMITS;
  const loaded = new Map<SyntaxLanguage, Promise<{ parser: Parser; outliner: Outliner }>>();

  function load(language: SyntaxLanguage): Promise<{ parser: Parser; outliner: Outliner }> {
    let p = loaded.get(language);
    if (!p) {
      p = (async () => {
        await initRuntime(wasmDir);
        const grammar = await Language.load(new Uint8Array(readFileSync(join(wasmDir, GRAMMAR_FILES[language]))));
        const parser = new Parser();
        parser.setLanguage(grammar);
        return { parser, outliner: createOutliner(language, grammar, Query, limits) };
      })();
      loaded.set(language, p);
    }
    return p;
  }

  const empty = (language: SyntaxLanguage, skipped: string): FileOutline => ({ language, definitions: [], literals: [], skipped });

  return {
    async outline(language, text) {
      if (text.length > maxFileSize) {
        return empty(language, `file too large to outline (${(text.length / 1024 / 1024).toFixed(1)} MB > ${(maxFileSize / 1024 / 1024).toFixed(1)} MB)`);
      }
      let entry;
      try {
        entry = await load(language);
      } catch (err) {
        return empty(language, `the ${language} grammar failed to load: ${err instanceof Error ? err.message : String(err)}`);
      }
      const deadline = Date.now() + timeoutMs;
      // web-tree-sitter calls this while parsing; returning true abandons the parse (its d.ts says void).
      const progressCallback = (() => Date.now() > deadline) as unknown as (state: unknown) => void;
      entry.parser.reset();
      const tree = entry.parser.parse(text, null, { progressCallback });
      if (!tree) {
        entry.parser.reset();
        return empty(language, `parsing took longer than ${timeoutMs} ms`);
      }
      try {
        return entry.outliner.outline(tree, text);
      } finally {
        tree.delete();
      }
    },
    dispose() {
      for (const p of loaded.values()) {
        p.then(e => { e.outliner.dispose(); e.parser.delete(); }, () => undefined);
      }
      loaded.clear();
    },
  };
}
