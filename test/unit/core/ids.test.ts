import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64ToHex, bytesToHex, canonicalSpanId, canonicalTraceId, hexToBase64, idBytesToHex, isAllZeroId, isHexId,
} from '../../../src/core/ids';

test('canonical trace IDs: lowercase hex padded to 32', () => {
  assert.equal(canonicalTraceId('5B8EFFF798038103D269B633813FC60C'), '5b8efff798038103d269b633813fc60c');
  assert.equal(canonicalTraceId('006c3cf93508f205'), '0000000000000000006c3cf93508f205');
  assert.equal(canonicalTraceId('1'), '00000000000000000000000000000001');
  assert.equal(canonicalTraceId('  abc  '), '00000000000000000000000000000abc');
  const canonical = 'f0000186a000000001a1b2c3d4e5f60a';
  assert.equal(canonicalTraceId(canonical), canonical);
});

test('canonical span IDs: padded to 16, 14-hex jaeger-ui IDs included', () => {
  assert.equal(canonicalSpanId('00000000000001'), '0000000000000001');
  assert.equal(canonicalSpanId('EEE19B7EC3C1B174'), 'eee19b7ec3c1b174');
  assert.equal(canonicalSpanId('0000000000000000000000000000abcd'), '000000000000abcd'); // leading zeros beyond 16
});

test('base64 IDs (Tempo) are decoded; 16 and 8 bytes for traces, 8 bytes for spans', () => {
  // 16 bytes 0x00..0x0f
  assert.equal(canonicalTraceId('AAECAwQFBgcICQoLDA0ODw=='), '000102030405060708090a0b0c0d0e0f');
  // 8 bytes → padded trace ID
  assert.equal(canonicalTraceId('AAAAAAAAAAE='), '00000000000000000000000000000001');
  assert.equal(canonicalSpanId('AAAAAAAAAAE='), '0000000000000001');
  // URL-safe alphabet, no padding
  assert.equal(canonicalSpanId('_____________w'.slice(0, 11)), base64ToHex('___________'));
  // 16 bytes are not a span ID: kept as an opaque string
  assert.equal(canonicalSpanId('AAECAwQFBgcICQoLDA0ODw=='), 'AAECAwQFBgcICQoLDA0ODw==');
});

test('a pure-hex string is read as hex even when it is also valid base64', () => {
  // 12 chars decode as base64 to 9 bytes but 'deadbeefcafe' is hex; also 16-char hex.
  assert.equal(canonicalSpanId('deadbeefcafe'), '0000deadbeefcafe');
  assert.equal(canonicalTraceId('deadbeefcafe0000deadbeefcafe0000'), 'deadbeefcafe0000deadbeefcafe0000');
});

test('non-hex, non-base64 IDs are kept as opaque trimmed strings', () => {
  assert.equal(canonicalTraceId('trace-123'), 'trace-123');
  assert.equal(canonicalSpanId(' span-2_1 '), 'span-2_1');
  assert.equal(canonicalTraceId(''), '');
  // hex longer than 32 with significant digits is not padded or cut
  assert.equal(canonicalTraceId('1' + '0'.repeat(32)), '1' + '0'.repeat(32));
});

test('predicates and conversions', () => {
  assert.equal(isHexId('00aF'), true);
  assert.equal(isHexId(''), false);
  assert.equal(isHexId('span-1'), false);
  assert.equal(isAllZeroId('0000000000000000'), true);
  assert.equal(isAllZeroId('0000000000000001'), false);
  assert.equal(isAllZeroId(''), false);
  assert.equal(hexToBase64('000102030405060708090a0b0c0d0e0f'), 'AAECAwQFBgcICQoLDA0ODw==');
  assert.equal(hexToBase64('0000000000000001'), 'AAAAAAAAAAE=');
  assert.equal(hexToBase64('xyz'), undefined);
  assert.equal(base64ToHex('AAAwOQ=='), '00003039');
  assert.equal(base64ToHex('not base64!'), undefined);
  assert.equal(base64ToHex('A'), undefined);
  assert.equal(bytesToHex(new Uint8Array([0, 255, 16])), '00ff10');
  assert.equal(idBytesToHex(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 0, 8, 32), '00000000000000000102030405060708');
  assert.equal(idBytesToHex(new Uint8Array([]), 0, 0, 16), '');
});

test('base64 and hex conversions round-trip for every length', () => {
  for (let n = 0; n <= 20; n++) {
    const hex = Array.from({ length: n }, (_, i) => ((i * 37 + n) & 255).toString(16).padStart(2, '0')).join('');
    const b = hexToBase64(hex);
    assert.ok(b !== undefined);
    assert.equal(base64ToHex(b), hex, `length ${n}`);
    assert.equal(b, btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map(x => parseInt(x, 16)))));
  }
});
