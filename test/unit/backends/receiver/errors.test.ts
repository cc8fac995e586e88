// The receiver's errors are recognised by their `code`, also when they come from another copy of the class (the
// extension's two bundles each carry one: `instanceof` across them is always false).
import Module from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { PROJECT_ROOT } from '../../../support/paths';
import { PortInUseError } from '../../../../src/backends/receiver/ports';
import { NonLoopbackBindError } from '../../../../src/backends/receiver/receiver';
import { RECEIVER_ERROR, isNonLoopbackBindError, isPortInUseError } from '../../../../src/backends/receiver/errors';

test('a PortInUseError from a second copy of the module is not instanceof, but isPortInUseError knows it', () => {
  // A second bundle of the module, loaded as its own instance: exactly what the extension's other bundle carries.
  const file = join(PROJECT_ROOT, 'src', 'backends', 'receiver', 'ports.ts');
  const built = esbuild.buildSync({ entryPoints: [file], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
  const mod = new Module(file) as Module & { _compile(code: string, filename: string): void };
  mod.filename = file;
  mod._compile(built.outputFiles[0]!.text, file);
  const copy = mod.exports as typeof import('../../../../src/backends/receiver/ports');
  const err: unknown = new copy.PortInUseError('grpc', '127.0.0.1', 4317, 'otlp', 4319);
  assert.notEqual(copy.PortInUseError, PortInUseError, 'the test needs two copies of the class');
  assert.equal(err instanceof PortInUseError, false);
  assert.ok(isPortInUseError(err));
  assert.equal(err.code, RECEIVER_ERROR.portInUse);
  assert.equal(err.protocol, 'grpc');
  assert.equal(err.suggestedPort, 4319);
  // Survives serialisation too (a code is data).
  assert.ok(isPortInUseError(JSON.parse(JSON.stringify({ ...err, message: err.message }))));
});

test('codes are distinct and other errors do not match', () => {
  const nl = new NonLoopbackBindError('0.0.0.0');
  assert.ok(isNonLoopbackBindError(nl));
  assert.equal(isPortInUseError(nl), false);
  assert.equal(isPortInUseError(Object.assign(new Error('x'), { code: 'EADDRINUSE' })), false);
  assert.equal(isPortInUseError(undefined), false);
  assert.equal(isPortInUseError('SPANSCOPE_PORT_IN_USE'), false);
  assert.equal(new Set(Object.values(RECEIVER_ERROR)).size, Object.values(RECEIVER_ERROR).length);
});

test('host code never tells receiver errors apart with instanceof', async () => {
  const { readFileSync, readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const walk = (d: string): string[] => readdirSync(d).flatMap(n => statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]);
  const offenders = walk('src/host').filter(f => f.endsWith('.ts'))
    .filter(f => /instanceof\s+(?:[\w.]+\.)?(PortInUseError|NonLoopbackBindError)\b/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, [], 'use isPortInUseError / isNonLoopbackBindError (src/backends/receiver/errors.ts)');
});
