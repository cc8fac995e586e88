// Backend credentials belong to a name AND a URL. A workspace that names its own server like one of the user's
// backends does not receive the user's token without a question; credentials saved by name only (before URLs were
// recorded) move to their name+URL key when the user's own settings name that backend. Real HTTP on loopback: the
// test looks at the Authorization header each server received.
import { fakeVscode } from '../../support/host/register';
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeExtensionContext } from '../../support/host/fakeVscode';
import { BackendManager } from '../../../src/host/backends/backendManager';
import { readSecrets, storeSecrets } from '../../../src/host/backends/backendSettings';

const TOKEN = { bearerToken: 'users-s3cret' };
const servers: http.Server[] = [];
const seen = new Map<string, (string | undefined)[]>();
let mine = '';
let theirs = '';
const log = (fakeVscode.api.window as { createOutputChannel(n: string, o: unknown): never }).createOutputChannel('t', { log: true });

async function recordingServer(label: string): Promise<string> {
  seen.set(label, []);
  const s = http.createServer((req, res) => {
    seen.get(label)!.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":[]}');
  });
  await new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()));
  servers.push(s);
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

before(async () => {
  mine = await recordingServer('mine');
  theirs = await recordingServer('theirs');
});
afterEach(() => {
  fakeVscode.settings.delete('spanscope.backends');
  fakeVscode.workspaceSettings.delete('spanscope.backends');
  fakeVscode.messageAnswers.length = 0;
  for (const v of seen.values()) v.length = 0;
});
after(async () => {
  for (const s of servers) { s.closeAllConnections(); await new Promise<void>(r => s.close(() => r())); }
});

/** The Authorization headers each server got when every backend was checked once. */
async function sentAuth(manager: BackendManager): Promise<{ mine: (string | undefined)[]; theirs: (string | undefined)[] }> {
  await manager.ready;
  await Promise.all(manager.credentialOffers ?? []); // (absent before credentials were keyed by URL)
  await manager.ready;
  for (const v of seen.values()) v.length = 0;
  await manager.checkHealth();
  return { mine: [...new Set(seen.get('mine'))], theirs: [...new Set(seen.get('theirs'))] };
}

function questions(from: number): string[] {
  return fakeVscode.messages.slice(from).filter(m => /Send them/.test(m.text)).map(m => m.text);
}

/**
 * The user's token for "prod" saved by name (as Spanscope saved it before it recorded URLs), "prod" at `url` in
 * `settings` (the user's or the workspace's), and the answers the user will give; then a manager over all that.
 * `n` counts the messages shown before it, for questions(n). The test disposes of the manager.
 */
async function tokenSavedByName(settings: Map<string, unknown>, url: string, answers: (string | undefined)[]): Promise<{ ctx: FakeExtensionContext; manager: BackendManager; n: number }> {
  const ctx = fakeVscode.newContext();
  await ctx.secrets.store('spanscope.backend.prod', JSON.stringify(TOKEN));
  settings.set('spanscope.backends', [{ name: 'prod', type: 'jaeger', url }]);
  const n = fakeVscode.messages.length;
  fakeVscode.messageAnswers.push(...answers);
  return { ctx, manager: new BackendManager(ctx.secrets as never, log), n };
}

test('a trusted workspace reusing the name of the user\'s backend with its own URL is not sent the user\'s token unasked', async () => {
  const { ctx, manager, n } = await tokenSavedByName(fakeVscode.workspaceSettings, theirs, [undefined]); // the user does not agree
  try {
    const sent = await sentAuth(manager);
    assert.deepEqual(sent.theirs, [undefined], 'no credentials went to the workspace\'s server');
    const asked = questions(n);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, new RegExp(`"prod" points at ${theirs}`));
    // Asked once per session: a reload does not ask again, nor send.
    await manager.reload();
    assert.deepEqual((await sentAuth(manager)).theirs, [undefined]);
    assert.equal(questions(n).length, 1);
    assert.equal(await ctx.secrets.get('spanscope.backend.prod'), JSON.stringify(TOKEN), 'the user\'s credential is kept');
  } finally {
    manager.dispose();
  }
});

test('the user agrees: the credential is saved for that URL too and sent', async () => {
  const { ctx, manager } = await tokenSavedByName(fakeVscode.workspaceSettings, theirs, ['Send Them']);
  try {
    assert.deepEqual((await sentAuth(manager)).theirs, ['Bearer users-s3cret']);
    assert.deepEqual(await readSecrets(ctx.secrets as never, { name: 'prod', url: theirs }), TOKEN);
  } finally {
    manager.dispose();
  }
});

test('a credential saved by name moves to name+URL for the user\'s own backend, silently; a new URL is asked about', async () => {
  const { ctx, manager, n } = await tokenSavedByName(fakeVscode.settings, mine, []);
  try {
    assert.deepEqual((await sentAuth(manager)).mine, ['Bearer users-s3cret']);
    assert.deepEqual(questions(n), [], 'the user\'s own backend: no question');
    assert.equal(await ctx.secrets.get('spanscope.backend.prod'), undefined, 'moved');
    assert.deepEqual(await readSecrets(ctx.secrets as never, { name: 'prod', url: `${mine}/` }), TOKEN, 'a trailing slash is the same URL');

    // The user points "prod" elsewhere: the token saved for the old URL is not sent without asking.
    fakeVscode.messageAnswers.push(undefined);
    await (fakeVscode.api.workspace as { getConfiguration(s: string): { update(k: string, v: unknown): Promise<void> } }).getConfiguration('spanscope').update('backends', [{ name: 'prod', type: 'jaeger', url: theirs }]);
    assert.deepEqual((await sentAuth(manager)).theirs, [undefined]);
    const asked = questions(n);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, new RegExp(`now points at ${theirs}, but its credentials were saved for ${mine}`));
  } finally {
    manager.dispose();
  }
});

test('storing and removing credentials for one URL leaves another URL\'s alone', async () => {
  const ctx = fakeVscode.newContext();
  await storeSecrets(ctx.secrets as never, { name: 'prod', url: mine }, TOKEN);
  await storeSecrets(ctx.secrets as never, { name: 'prod', url: theirs }, { bearerToken: 'other' });
  await storeSecrets(ctx.secrets as never, { name: 'prod', url: theirs }, undefined);
  assert.deepEqual(await readSecrets(ctx.secrets as never, { name: 'prod', url: mine }), TOKEN);
  assert.equal(await readSecrets(ctx.secrets as never, { name: 'prod', url: theirs }), undefined);
});
