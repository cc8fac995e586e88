// Reads an HTTP request body with a hard size limit on the bytes received AND on the bytes after decompression
// (a 1 MB gzip can inflate to gigabytes), streaming, so a body over the limit is refused the moment it crosses
// the limit and is never buffered whole.
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export type BodyErrorKind = 'too-large' | 'bad-encoding' | 'unsupported-encoding' | 'aborted';

export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(readonly kind: BodyErrorKind, message: string) {
    super(message);
  }
}

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** The one coding of a Content-Encoding header we can undo, or a BodyError('unsupported-encoding'). */
export function contentCoding(header: string | undefined): ContentCoding {
  const v = (header ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  throw new BodyError('unsupported-encoding', `unsupported Content-Encoding "${v.slice(0, 40)}" (use gzip, deflate or none)`);
}

/**
 * The body, decompressed. Rejects with BodyError: 'too-large' once more than `maxBytes` arrive or inflate,
 * 'bad-encoding' for corrupt compressed data, 'aborted' when the client goes away.
 */
export function readBody(stream: Readable, coding: ContentCoding, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let produced = 0;
    let settled = false;
    let inflater: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | undefined;

    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
      stream.off('close', onClose);
    };
    const fail = (err: BodyError) => {
      if (settled) return;
      settled = true;
      cleanup();
      // Stop pulling data nobody will read (the caller answers and closes the connection).
      stream.pause();
      inflater?.destroy();
      chunks.length = 0;
      reject(err);
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, produced));
    };
    const tooLarge = (what: string) => fail(new BodyError('too-large', `request body ${what} exceeds the limit of ${maxBytes} bytes`));

    const makeInflater = (first: Buffer) => {
      // HTTP "deflate" is meant to be zlib-wrapped, but some clients send raw deflate: sniff the zlib header.
      const z = coding === 'gzip'
        ? zlib.createGunzip()
        : first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0
          ? zlib.createInflate()
          : zlib.createInflateRaw();
      z.on('data', (out: Buffer) => {
        produced += out.length;
        if (produced > maxBytes) { tooLarge('after decompression'); return; }
        chunks.push(out);
      });
      z.on('end', succeed);
      z.on('error', (e: Error) => fail(new BodyError('bad-encoding', `invalid ${coding} data: ${e.message}`)));
      return z;
    };

    function onData(chunk: Buffer): void {
      if (settled) return;
      received += chunk.length;
      if (received > maxBytes) { tooLarge('size'); return; }
      if (coding === 'identity') {
        produced += chunk.length;
        chunks.push(chunk);
        return;
      }
      inflater ??= makeInflater(chunk);
      if (!inflater.write(chunk)) {
        stream.pause();
        inflater.once('drain', () => { if (!settled) stream.resume(); });
      }
    }
    function onEnd(): void {
      if (settled) return;
      if (coding === 'identity') succeed();
      else if (!inflater) fail(new BodyError('bad-encoding', `empty ${coding} body`));
      else inflater.end();
    }
    function onError(e: Error): void {
      fail(new BodyError('aborted', `request stream failed: ${e.message}`));
    }
    function onAborted(): void {
      fail(new BodyError('aborted', 'client aborted the request'));
    }
    function onClose(): void {
      // 'close' before 'end' means the connection went away mid-body.
      if (!settled && !stream.readableEnded) fail(new BodyError('aborted', 'connection closed before the body ended'));
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
    stream.on('close', onClose);
  });
}
