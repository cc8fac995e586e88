// What the host and the parse worker say to each other (structured clone; typed arrays transferred).
import type { PrepareOptions, PreparedDocument } from './prepare';

export interface WorkerRequest {
  readonly input: Uint8Array;
  readonly opts: PrepareOptions;
}

export type WorkerReply =
  | { readonly ok: true; readonly doc: PreparedDocument }
  | { readonly ok: false; readonly parseError: boolean; readonly message: string; readonly path: string };
