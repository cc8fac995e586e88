// A command whose handler fails tells the user what failed (with Show Log) instead of failing silently;
// cancellation is not an error.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationError } from '../../support/host/fakeVscode';
import { Commands, registerCommand } from '../../../src/host/commands';

test('a failing handler shows its message with Show Log; a cancelled one shows nothing; results pass through', async () => {
  const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): unknown }).createOutputChannel('t', { log: true }) as never;
  const d1 = registerCommand(Commands.openRecent, () => { throw new Error('Trace 42 is gone.'); }, log);
  const n = fakeVscode.messages.length;
  assert.equal(await fakeVscode.commands.get(Commands.openRecent)!(), undefined);
  assert.deepEqual(fakeVscode.messages.slice(n).map(m => [m.level, m.text, m.items]), [['error', 'Trace 42 is gone.', ['Show Log']]]);
  assert.ok(fakeVscode.log.lines.some(l => l.level === 'error' && l.message.includes(`command ${Commands.openRecent} failed`)));
  d1.dispose();

  const d2 = registerCommand(Commands.openRecent, async () => { throw new CancellationError(); }, log);
  const m = fakeVscode.messages.length;
  await fakeVscode.commands.get(Commands.openRecent)!();
  assert.equal(fakeVscode.messages.length, m);
  d2.dispose();

  const d3 = registerCommand(Commands.openRecent, async (x: number) => x * 2, log);
  assert.equal(await fakeVscode.commands.get(Commands.openRecent)!(21), 42);
  d3.dispose();
});
