// `--backend T=URL` for `fetch` and `mcp`: one parser, the same answers for both commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBackendSpec } from '../../../src/cli/backendSpec';

test('jaeger=, tempo= and zipkin= URLs become backends; the tenant goes to Tempo only', () => {
  assert.deepEqual(parseBackendSpec('jaeger=http://127.0.0.1:16686', { tenant: 't', timeoutMs: 30_000 }),
    { name: '127.0.0.1:16686', type: 'jaeger', url: 'http://127.0.0.1:16686/', timeoutMs: 30_000 });
  assert.deepEqual(parseBackendSpec('tempo=https://tempo.corp/base', { tenant: 'team-a', timeoutMs: 1000 }),
    { name: 'tempo.corp', type: 'tempo', url: 'https://tempo.corp/base', tenant: 'team-a', timeoutMs: 1000 });
  assert.equal((parseBackendSpec('zipkin=http://z:9411', { timeoutMs: 5 }) as { type: string }).type, 'zipkin');
});

test('a bad spec is one line naming it', () => {
  assert.equal(parseBackendSpec('http://127.0.0.1:16686', { timeoutMs: 1 }), '--backend http://127.0.0.1:16686: expected jaeger=URL, tempo=URL or zipkin=URL');
  assert.equal(parseBackendSpec('elastic=http://x', { timeoutMs: 1 }), '--backend elastic=http://x: expected jaeger=URL, tempo=URL or zipkin=URL');
  assert.equal(parseBackendSpec('jaeger=not a url', { timeoutMs: 1 }), '--backend jaeger=not a url: "not a url" is not a URL');
  assert.equal(parseBackendSpec('tempo=file:///etc/passwd', { timeoutMs: 1 }), '--backend tempo=file:///etc/passwd: only http and https URLs');
});
