import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PortInUseError, findFreePort } from '../../../../src/backends/receiver/ports';

test('findFreePort skips ports in use and ports to avoid', async () => {
  const s = net.createServer();
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', () => resolve()));
  const busy = (s.address() as net.AddressInfo).port;
  try {
    const next = await findFreePort('127.0.0.1', busy - 1);
    assert.ok(next !== undefined && next !== busy, `not the busy port (${next})`);
    const avoided = await findFreePort('127.0.0.1', busy - 2, [busy - 1]);
    assert.ok(avoided !== undefined && avoided !== busy - 1 && avoided !== busy, String(avoided));
  } finally {
    s.close();
  }
});

test('PortInUseError messages: an OTLP endpoint is named as such, with the free port offered', () => {
  const otlp = new PortInUseError('grpc', '127.0.0.1', 4317, 'otlp', 4319);
  assert.equal(otlp.holdsOtlpEndpoint, true);
  assert.match(otlp.message, /^127\.0\.0\.1:4317 already has an OTLP\/gRPC endpoint/);
  assert.match(otlp.message, /Port 4319 is free/);
  const other = new PortInUseError('http', '127.0.0.1', 4318, 'unknown', undefined);
  assert.equal(other.holdsOtlpEndpoint, false);
  assert.match(other.message, /in use by another program\. Choose another port/);
});
