import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BearerCheck, OriginPolicy, bearerTokenProblem, isLoopbackHost } from '../../../../src/backends/receiver/policy';

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '1127.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
});

/** Each header of `rows` against `check`: whether it passes. */
function assertMatches(check: BearerCheck, rows: readonly (readonly [string | undefined, boolean])[]): void {
  for (const [header, passes] of rows) assert.equal(check.matches(header), passes, String(header));
}

test('bearer token: only the exact token with the Bearer scheme passes', () => {
  assertMatches(new BearerCheck('s3cret-token'), [
    ['Bearer s3cret-token', true],
    ['bearer s3cret-token', true],
    ['Bearer s3cret-tokeN', false],
    ['Bearer s3cret-token-longer', false],
    ['Basic s3cret-token', false],
    ['s3cret-token', false],
    [undefined, false],
    ['Bearer ', false],
  ]);
});

test('CORS origins: none by default, exact, wildcard patterns, any', () => {
  assert.equal(new OriginPolicy().allows('http://localhost:3000'), false);
  const p = new OriginPolicy(['http://localhost:3000', 'https://*.example.com', 'http://127.0.0.1:*']);
  for (const [origin, allowed] of [
    ['http://localhost:3000', true],
    ['HTTP://LOCALHOST:3000', true],
    ['http://localhost:3001', false],
    ['https://app.example.com', true],
    ['https://example.com', false],
    ['https://evil.com/.example.com', false],
    ['https://app.example.com.evil.com', false],
    ['http://127.0.0.1:8080', true],
    ['http://127.0.0.1:8080.evil.com', false],
  ] as const) assert.equal(p.allows(origin), allowed, origin);
  assert.equal(new OriginPolicy(['*']).allows('https://anything.test'), true);
});

test('bearer token with spaces inside matches what an exporter sends; surrounding whitespace is not part of it', () => {
  assertMatches(new BearerCheck('correct horse battery staple'), [
    ['Bearer correct horse battery staple', true],
    ['Bearer  correct horse battery staple ', true],
    ['Bearer correct horse battery', false],
    ['Bearer correct  horse battery staple', false],
  ]);
  assert.equal(new BearerCheck('  padded  ').matches('Bearer padded'), true);
  assert.equal(bearerTokenProblem('a b'), undefined);
  assert.match(bearerTokenProblem('a\nb')!, /control character/);
  assert.match(bearerTokenProblem('  ')!, /empty/);
});
