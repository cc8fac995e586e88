// An in-memory MappingWorkspace for engine tests: files with their text, and either hand-written outlines (to
// test the engine's matching logic alone) or a real SyntaxService; and the same files in a folder on disk.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SuffixIndex } from '../../src/core/mapping/suffixIndex';
import type { MappingWorkspace } from '../../src/core/mapping/engine/types';
import type { FileOutline, SyntaxLanguage, SyntaxService } from '../../src/core/mapping/syntax/types';

export function memoryWorkspace(folders: string[], files: Record<string, string>, syntax?: SyntaxService): MappingWorkspace {
  const index = new SuffixIndex();
  for (const p of Object.keys(files)) index.add(p);
  return {
    folders,
    index,
    readText: async p => files[p],
    version: p => (files[p] !== undefined ? String(files[p]!.length) : undefined),
    ...(syntax ? { syntax } : {}),
  };
}

/** A SyntaxService answering from hand-written outlines keyed by path (text is ignored). */
export function cannedSyntax(outlines: Record<string, Partial<FileOutline>>): SyntaxService {
  return {
    languageOf: p => (outlines[p] ? (outlines[p]!.language ?? 'java') as SyntaxLanguage : undefined),
    outline: async p => {
      const o = outlines[p];
      return o ? { language: 'java', definitions: [], literals: [], ...o } as FileOutline : undefined;
    },
    dispose: () => undefined,
  };
}

/** A temporary folder on disk holding `files` (relative path → text); the caller removes it. */
export function diskWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
