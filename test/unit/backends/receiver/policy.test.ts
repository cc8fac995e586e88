import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BearerCheck, OriginPolicy, bearerTokenProblem, isLoopbackHost } from '../../../../src/backends/receiver/policy';

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '1127.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
});

test('bearer token: only the exact token with the Bearer scheme passes', () => {
  const check = new BearerCheck('s3cret-token');
  assert.equal(check.matches('Bearer s3cret-token'), true);
  assert.equal(check.matches('bearer s3cret-token'), true);
  assert.equal(check.matches('Bearer s3cret-tokeN'), false);
  assert.equal(check.matches('Bearer s3cret-token-longer'), false);
  assert.equal(check.matches('Basic s3cret-token'), false);
  assert.equal(check.matches('s3cret-token'), false);
  assert.equal(check.matches(undefined), false);
  assert.equal(check.matches('Bearer '), false);
});

test('CORS origins: none by default, exact, wildcard patterns, any', () => {
  assert.equal(new OriginPolicy().allows('http://localhost:3000'), false);
  const p = new OriginPolicy(['http://localhost:3000', 'https://*.example.com', 'http://127.0.0.1:*']);
  assert.equal(p.allows('http://localhost:3000'), true);
  assert.equal(p.allows('HTTP://LOCALHOST:3000'), true);
  assert.equal(p.allows('http://localhost:3001'), false);
  assert.equal(p.allows('https://app.example.com'), true);
  assert.equal(p.allows('https://example.com'), false);
  assert.equal(p.allows('https://evil.com/.example.com'), false);
  assert.equal(p.allows('https://app.example.com.evil.com'), false);
  assert.equal(p.allows('http://127.0.0.1:8080'), true);
  assert.equal(p.allows('http://127.0.0.1:8080.evil.com'), false);
  assert.equal(new OriginPolicy(['*']).allows('https://anything.test'), true);
});

test('bearer token with spaces inside matches what an exporter sends; surrounding whitespace is not part of it', () => {
  const check = new BearerCheck('correct horse battery staple');
  assert.equal(check.matches('Bearer correct horse battery staple'), true);
  assert.equal(check.matches('Bearer  correct horse battery staple '), true);
  assert.equal(check.matches('Bearer correct horse battery'), false);
  assert.equal(check.matches('Bearer correct  horse battery staple'), false);
  assert.equal(new BearerCheck('  padded  ').matches('Bearer padded'), true);
  assert.equal(bearerTokenProblem('a b'), undefined);
  assert.match(bearerTokenProblem('a\nb')!, /control character/);
  assert.match(bearerTokenProblem('  ')!, /empty/);
});
