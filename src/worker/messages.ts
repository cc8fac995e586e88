// What the host and the parse worker say to each other (structured clone; typed arrays transferred).
import type { PrepareOptions, PreparedDocument, PreparedTrace } from './prepare';

export interface WorkerRequest {
  readonly input: Uint8Array;
  readonly opts: PrepareOptions;
  /** Post a `preview` part (the first spans of a big document) before the whole. */
  readonly preview?: boolean;
}

/**
 * The reply comes in parts so that the host's event loop gets a turn between them: unpacking a 100k-span trace in
 * one message blocked it for about 50 ms, most of it the string tables. First, when asked for, a `preview` of a big
 * document (see preparePreview); then one `strings` part per trace; then the document, whose compact traces carry
 * an empty string table to be filled from those parts.
 */
export type WorkerReply =
  | { readonly ok: true; readonly part: 'preview'; readonly trace: PreparedTrace }
  | { readonly ok: true; readonly part: 'strings'; readonly index: number; readonly strings: string }
  | { readonly ok: true; readonly part: 'doc'; readonly doc: PreparedDocument }
  | { readonly ok: false; readonly parseError: boolean; readonly message: string; readonly path: string };
