// What the host hands the backend clients from VS Code's settings and the environment: http.proxy, and the hosts
// that bypass it from http.noProxy and NO_PROXY / no_proxy.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendEnvironment } from '../../../src/host/backends/backendSettings';

test('http.proxy and http.noProxy reach the clients, with NO_PROXY added', () => {
  const saved = { NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
  try {
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    assert.deepEqual(backendEnvironment().noProxy, undefined);
    fakeVscode.settings.set('http.proxy', ' http://proxy.corp:3128 ');
    fakeVscode.settings.set('http.noProxy', ['Tempo.corp', '10.0.0.0/8']);
    process.env.no_proxy = 'localhost,.internal';
    const env = backendEnvironment();
    assert.equal(env.proxy, 'http://proxy.corp:3128');
    assert.deepEqual(env.noProxy, ['tempo.corp', '10.0.0.0/8', 'localhost', '.internal']);
    process.env.NO_PROXY = '*';
    assert.deepEqual(backendEnvironment().noProxy, ['tempo.corp', '10.0.0.0/8', '*']);
  } finally {
    fakeVscode.settings.delete('http.proxy');
    fakeVscode.settings.delete('http.noProxy');
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
});
