// Messages between the syntax service (syntax.ts) and its worker (syntax-worker.ts).
import type { FileOutline, SyntaxLanguage } from '../core/mapping/syntax/types';

export interface SyntaxRequest {
  readonly id: number;
  readonly language: SyntaxLanguage;
  readonly text: string;
}

export type SyntaxReply =
  | { readonly id: number; readonly outline: FileOutline; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly outline?: undefined };
