// Messages between the syntax service (syntax.ts) and its worker (syntax-worker.ts), and the defaults both use.
// Kept free of the tree-sitter runtime: the service's bundle (the extension host's, the CLI's) must not carry it.
import type { FileOutline, SyntaxLanguage } from '../core/mapping/syntax/types';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
export const DEFAULT_PARSE_TIMEOUT_MS = 5000;

export interface SyntaxRequest {
  readonly id: number;
  readonly language: SyntaxLanguage;
  readonly text: string;
}

export type SyntaxReply =
  | { readonly id: number; readonly outline: FileOutline; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly outline?: undefined };
