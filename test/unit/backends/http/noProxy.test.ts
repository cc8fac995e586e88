// http.noProxy and NO_PROXY patterns, as curl and Go document them (see src/backends/http/noProxy.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bypassesProxy, noProxyEntries } from '../../../../src/backends/http/noProxy';

const bypass = (url: string, ...entries: string[]) => bypassesProxy(new URL(url), noProxyEntries(entries, undefined));

test('entries come from the setting and the environment, split on commas and spaces, lower-cased', () => {
  assert.deepEqual(noProxyEntries(['Example.com', 7, ' .corp '], 'localhost, 10.0.0.0/8  *.Internal'), ['example.com', '.corp', 'localhost', '10.0.0.0/8', '*.internal']);
  assert.deepEqual(noProxyEntries(undefined, undefined), []);
  assert.deepEqual(noProxyEntries('not a list', ''), []);
});

test('host and domain patterns: the host and everything under it, nothing that merely ends alike', () => {
  for (const p of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.COM.']) {
    assert.ok(bypass('http://example.com/x', p), p);
    assert.ok(bypass('https://tempo.eu.example.com/x', p), p);
    assert.ok(!bypass('http://badexample.com/x', p), p);
    assert.ok(!bypass('http://example.com.evil.net/x', p), p);
  }
  assert.ok(bypass('http://anything:1/', '*'));
  assert.ok(!bypass('http://jaeger:16686/', ''));
  assert.ok(!bypass('http://jaeger:16686/', 'tempo', 'zipkin'));
});

test('a port narrows the pattern to that port (default ports count)', () => {
  assert.ok(bypass('http://jaeger:16686/', 'jaeger:16686'));
  assert.ok(!bypass('http://jaeger:16687/', 'jaeger:16686'));
  assert.ok(bypass('https://tempo/', 'tempo:443'));
  assert.ok(!bypass('http://tempo/', 'tempo:443'));
});

test('IP addresses and IPv4 ranges; no suffix matching on addresses', () => {
  assert.ok(bypass('http://10.1.2.3:3200/', '10.0.0.0/8'));
  assert.ok(!bypass('http://11.1.2.3:3200/', '10.0.0.0/8'));
  assert.ok(bypass('http://192.168.1.7/', '192.168.1.0/24'));
  assert.ok(bypass('http://127.0.0.1:9411/', '127.0.0.1'));
  assert.ok(!bypass('http://1127.0.0.1.example/', '127.0.0.1'));
  assert.ok(bypass('http://[::1]:16686/', '::1'));
  assert.ok(bypass('http://[::1]:16686/', '[::1]:16686'));
  assert.ok(!bypass('http://[::1]:16686/', '[::1]:1'));
  assert.ok(bypass('http://anything/', '0.0.0.0/0') === false, 'a hostname is not in an address range');
});
