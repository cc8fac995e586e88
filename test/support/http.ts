// Plain HTTP for test servers and clients: what a request or response carried, read to the end, with no client
// logic in between.
import type * as http from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** All the bytes of a request's or a response's body. */
export function readBody(message: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (c: Buffer) => chunks.push(c));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

/** Ends `req` with `body` and resolves with the whole response (its status, headers and body). */
export function exchange(req: http.ClientRequest, body: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    req.on('response', res => {
      readBody(res).then(b => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }), reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
