import type { ExpectedSpan } from './truth.mjs';
export const CORPUS_DIR: string;
export const CLI: string;
export function isCorpusFile(name: string): boolean;
export function corpusApps(): string[];
export function capturesOf(app: string): string[];
export function prepareWorkspace(app: string, dest: string): string;
export function buildRootOf(app: string): string | null;
export interface MapResult {
  spans: { traceId: string; spanId: string; service: string | null; name: string; file: string | null; line: number | null;
    confidence: 'exact' | 'high' | 'low' | 'none'; reason: string; candidates: { file: string; line: number | null; reason: string }[] }[];
}
export function runMap(workspace: string, traceFile: string, pathMappings?: Record<string, string>): { result: MapResult; ms: number };
export interface Miss { name: string; kind: string; expected: string[]; got: string | null; confidence: string; reason: string; confidentlyWrong: boolean }
export interface Score {
  spans: number; inWorkspace: number; right: number; confidentlyWrong: number; external: number;
  byConfidence: Record<string, number>; misses: Miss[];
}
export function scoreCapture(expected: { spans: ExpectedSpan[] }, result: MapResult): Score;
export function scoreApp(app: string, tmp: string): (Score & { app: string; file: string; ms: number })[];
export function total(scores: Score[]): { spans: number; inWorkspace: number; right: number; confidentlyWrong: number; external: number };
