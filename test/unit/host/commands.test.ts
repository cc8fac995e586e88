// Every command the extension registers during `activate` is contributed in package.json, and every contributed
// command is registered, with a title and the "Spanscope" category. Runs the real bundle (dist/extension.js) against
// the fake `vscode` module, so registrations made by any feature module count.
import { fakeVscode } from '../../support/host/register';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { Commands } from '../../../src/host/commands';

interface ContributedCommand { command: string; title?: unknown; category?: unknown }
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  contributes?: { commands?: ContributedCommand[]; menus?: Record<string, { command?: string }[]> };
  activationEvents?: string[];
};
const contributed = pkg.contributes?.commands ?? [];

async function activateBundle(): Promise<Set<string>> {
  const req = createRequire(join(PROJECT_ROOT, 'dist', 'extension.js'));
  const ext = req(join(PROJECT_ROOT, 'dist', 'extension.js')) as { activate(ctx: unknown): unknown; deactivate?(): unknown };
  const ctx = fakeVscode.newContext();
  await ext.activate(ctx);
  const ids = new Set(fakeVscode.commands.keys());
  for (const d of ctx.subscriptions.reverse()) d.dispose();
  await ext.deactivate?.();
  return ids;
}

test('every registered command is contributed and every contributed command is registered', async () => {
  const registered = await activateBundle();
  assert.ok(registered.size > 0, 'activate registered no commands at all');
  const declared = new Set(contributed.map(c => c.command));
  const notContributed = [...registered].filter(id => !declared.has(id));
  const notRegistered = [...declared].filter(id => !registered.has(id));
  assert.deepEqual(notContributed, [], `registered but missing from contributes.commands: ${notContributed.join(', ')}`);
  assert.deepEqual(notRegistered, [], `contributed but never registered: ${notRegistered.join(', ')}`);
});

test('every contributed command has a title, the Spanscope category, and a unique id', () => {
  const seen = new Set<string>();
  for (const c of contributed) {
    assert.match(c.command, /^spanscope\./, `${c.command} is not in the spanscope. namespace`);
    assert.equal(typeof c.title, 'string', `${c.command} has no title`);
    assert.ok((c.title as string).trim().length > 0, `${c.command} has an empty title`);
    assert.equal(c.category, 'Spanscope', `${c.command} is not in the Spanscope category`);
    assert.ok(!seen.has(c.command), `${c.command} is contributed twice`);
    seen.add(c.command);
  }
});

test('menus name only contributed commands', () => {
  const declared = new Set(contributed.map(c => c.command));
  const unknown: string[] = [];
  for (const [menu, items] of Object.entries(pkg.contributes?.menus ?? {})) {
    for (const item of items) if (item.command && !declared.has(item.command)) unknown.push(`${menu}: ${item.command}`);
  }
  assert.deepEqual(unknown, []);
});

test('activation is never "*" and onCommand events name contributed commands only', () => {
  const events = pkg.activationEvents ?? [];
  assert.ok(!events.includes('*'), 'activation on "*" slows every VS Code start');
  const declared = new Set(contributed.map(c => c.command));
  for (const e of events.filter(x => x.startsWith('onCommand:'))) assert.ok(declared.has(e.slice('onCommand:'.length)), e);
});

test('the Commands table is exactly contributes.commands', () => {
  assert.deepEqual(Object.values(Commands).sort(), contributed.map(c => c.command).sort());
});

test('src/host names commands through the Commands table, not as string literals', () => {
  const ids = new Set<string>(Object.values(Commands));
  const offenders: string[] = [];
  let scanned = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (!name.endsWith('.ts') || p.endsWith(join('host', 'commands.ts'))) continue;
      scanned++;
      for (const m of readFileSync(p, 'utf8').matchAll(/['"`](spanscope\.[\w.]+)['"`]/g)) if (ids.has(m[1]!)) offenders.push(`${relative(PROJECT_ROOT, p)}: ${m[1]}`);
    }
  };
  walk(join(PROJECT_ROOT, 'src', 'host'));
  assert.ok(scanned > 50, `${scanned} files scanned`);
  assert.deepEqual(offenders, []);
});
