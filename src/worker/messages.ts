// What the host and the parse worker say to each other (structured clone; typed arrays transferred).
import type { PrepareOptions, PreparedDocument, PreparedTrace } from './prepare';

/**
 * A whole document in one message, or a document streamed to the worker as it arrives: `start`, any number of
 * `chunk`s (transferred), then `end`. Either way the worker reads it as a stream (StreamingPrepare).
 */
export type WorkerRequest =
  | {
    readonly input: Uint8Array;
    readonly opts: PrepareOptions;
    /** Post `preview` parts (the spans read so far of a single-trace document) before the whole. */
    readonly preview?: boolean;
  }
  | { readonly stream: 'start'; readonly opts: PrepareOptions; readonly preview?: boolean; readonly expectedBytes?: number }
  | { readonly stream: 'chunk'; readonly chunk: Uint8Array }
  | { readonly stream: 'end' };

/**
 * The reply comes in parts so that the host's event loop gets a turn between them: unpacking a 100k-span trace in
 * one message blocked it for about 50 ms, most of it the string tables. First, when asked for, `preview`s of a
 * single-trace document (the spans read so far, growing); then one `strings` part per trace; then the document,
 * whose compact traces carry an empty string table to be filled from those parts.
 */
export type WorkerReply =
  | { readonly ok: true; readonly part: 'preview'; readonly trace: PreparedTrace }
  | { readonly ok: true; readonly part: 'strings'; readonly index: number; readonly strings: string }
  | { readonly ok: true; readonly part: 'doc'; readonly doc: PreparedDocument }
  | { readonly ok: false; readonly parseError: boolean; readonly message: string; readonly path: string };
