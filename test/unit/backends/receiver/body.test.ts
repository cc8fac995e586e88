import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { BodyError, contentCoding, readBody } from '../../../../src/backends/receiver/body';

function chunked(buf: Buffer, size = 1000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

const payload = Buffer.from('x'.repeat(10_000) + 'the end');

test('identity, gzip, zlib deflate and raw deflate bodies all come out as the original bytes', async () => {
  assert.deepEqual(await readBody(chunked(payload), 'identity', 1 << 20), payload);
  assert.deepEqual(await readBody(chunked(zlib.gzipSync(payload)), 'gzip', 1 << 20), payload);
  assert.deepEqual(await readBody(chunked(zlib.deflateSync(payload)), 'deflate', 1 << 20), payload);
  assert.deepEqual(await readBody(chunked(zlib.deflateRawSync(payload)), 'deflate', 1 << 20), payload);
});

test('a body over the limit is refused as soon as it crosses it, without reading the rest', async () => {
  let pulled = 0;
  const endless = new Readable({
    read() { pulled += 64 * 1024; this.push(Buffer.alloc(64 * 1024, 1)); },
  });
  await assert.rejects(readBody(endless, 'identity', 1_000_000), (e: unknown) => e instanceof BodyError && e.kind === 'too-large');
  assert.ok(pulled < 2_000_000, `read ${pulled} bytes of an endless body`);
  endless.destroy();
});

test('a zip bomb is refused by the limit on the decompressed size, though the compressed body is small', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024)); // ~50 KB that inflates to 50 MB
  assert.ok(bomb.length < 100_000);
  const before = process.memoryUsage().rss;
  await assert.rejects(readBody(chunked(bomb, 16 * 1024), 'gzip', 1_000_000), (e: unknown) => {
    assert.ok(e instanceof BodyError && e.kind === 'too-large');
    assert.match(e.message, /after decompression/);
    return true;
  });
  assert.ok(process.memoryUsage().rss - before < 40 * 1024 * 1024, 'the bomb was not inflated whole');
});

test('corrupt or empty compressed data is a bad-encoding error', async () => {
  await assert.rejects(readBody(chunked(Buffer.from('not gzip at all')), 'gzip', 1 << 20), (e: unknown) => e instanceof BodyError && e.kind === 'bad-encoding');
  const truncated = zlib.gzipSync(payload).subarray(0, 30);
  await assert.rejects(readBody(chunked(truncated), 'gzip', 1 << 20), (e: unknown) => e instanceof BodyError && e.kind === 'bad-encoding');
  await assert.rejects(readBody(Readable.from([]), 'gzip', 1 << 20), (e: unknown) => e instanceof BodyError && e.kind === 'bad-encoding');
});

test('Content-Encoding: identity/none, gzip, x-gzip, deflate accepted; others refused', () => {
  assert.equal(contentCoding(undefined), 'identity');
  assert.equal(contentCoding('identity'), 'identity');
  assert.equal(contentCoding(' GZIP '), 'gzip');
  assert.equal(contentCoding('x-gzip'), 'gzip');
  assert.equal(contentCoding('deflate'), 'deflate');
  assert.throws(() => contentCoding('br'), (e: unknown) => e instanceof BodyError && e.kind === 'unsupported-encoding');
  assert.throws(() => contentCoding('gzip, gzip'), (e: unknown) => e instanceof BodyError && e.kind === 'unsupported-encoding');
});
