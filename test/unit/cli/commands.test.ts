// Every `spanscope` command parses its options with util.parseArgs through one table (src/cli/options.ts) that also
// writes its --help: an option the help lists is accepted, one it does not list is refused in one line, and
// `--name=value` works everywhere. Arguments are checked in process (test/support/cli.ts); what needs the real
// process (exit codes through bin.ts, standard input) runs the built CLI (dist/cli.js, built by scripts/test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { runCliInProcess } from '../../support/cli';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
if (!existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
const COMMANDS = ['fetch', 'map', 'mcp', 'receive', 'summary'];

/** The built CLI as a process, with an empty standard input. */
function runProcess(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: '', encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The long options the help text's options block lists. */
function listedOptions(help: string): string[] {
  const block = help.slice(help.indexOf('\noptions:\n'));
  return [...block.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map(m => m[1]!);
}

test('no command walks argv by hand: every one parses through the shared option table', () => {
  for (const name of COMMANDS) {
    const src = readFileSync(join(PROJECT_ROOT, 'src', 'cli', `${name}.ts`), 'utf8');
    assert.match(src, /parseOptions\(OPTIONS, argv\)/, `${name}.ts parses with parseOptions`);
    assert.match(src, /\$\{optionsHelp\(OPTIONS\)\}/, `${name}.ts's help is written from the same table`);
    assert.doesNotMatch(src, /\bargs?v?\[\+\+i\]/, `${name}.ts has no hand-written argument loop`);
  }
  // …and the list above is every command module there is.
  const modules = readdirSync(join(PROJECT_ROOT, 'src', 'cli')).filter(f => f.endsWith('.ts') && /export const \w+Command\b/.test(readFileSync(join(PROJECT_ROOT, 'src', 'cli', f), 'utf8')));
  assert.deepEqual(modules.map(f => f.replace(/\.ts$/, '')).sort(), COMMANDS);
});

test('each command: --help lists its options and exits 0; an unlisted option is one line and exit 2', async () => {
  for (const name of COMMANDS) {
    const help = await runCliInProcess([name, '--help']);
    assert.equal(help.code, 0, `${name}: ${help.err}`);
    const listed = listedOptions(help.out);
    assert.ok(listed.length >= 2 && listed.includes('help'), `${name} lists ${listed.join(', ')}`);
    const bad = await runCliInProcess([name, '--definitely-not-an-option']);
    assert.equal(bad.code, 2, `${name}: ${bad.out}`);
    assert.equal(bad.err.trimEnd().split('\n').length, 1, bad.err);
    assert.match(bad.err, new RegExp(`^spanscope ${name}: unknown option --definitely-not-an-option \\(see --help\\)`));
  }
});

test('numbers are checked the same way in every command, given as --name N or --name=N', async () => {
  for (const [args, pattern] of [
    [['receive', '--port', '70000'], /^spanscope receive: --port must be a whole number from 0 to 65535, got "70000"/],
    [['receive', '--idle-ms=0'], /--idle-ms must be a whole number from 1 to/],
    [['receive', '--parse-threads', '1.5'], /--parse-threads must be a whole number from 0 to 16, got "1.5"/],
    [['mcp', '--http=abc'], /^spanscope mcp: --http must be a whole number from 0 to 65535, got "abc"/],
    [['mcp', '--max-output-tokens', '10'], /--max-output-tokens must be a whole number from 500 to 200000/],
    [['fetch', '0af7651916cd43dd8448eb211c80319c', '--backend', 'jaeger=http://127.0.0.1:9', '--timeout=-5'], /--timeout needs a positive number of milliseconds, not "-5"/],
    [['fetch', '0af7651916cd43dd8448eb211c80319c', '--backend', 'jaeger=http://127.0.0.1:9', '--timeout', '-5'], /--timeout needs a value \(for one starting with "-", write --timeout=-5\)/],
    [['receive', '--port'], /^spanscope receive: --port needs a value/],
    [['map', '--workspace'], /^spanscope map: --workspace needs a value/],
  ] as const) {
    const r = await runCliInProcess([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
    assert.match(r.err, pattern);
  }
});

test('one input file: a second positional is refused, "-" is standard input (the real process: its exit codes and stdin)', () => {
  const two = runProcess(['summary', 'a.json', 'b.json']);
  assert.equal(two.code, 2);
  assert.match(two.err, /unexpected argument b\.json: give one file/);
  const stdin = runProcess(['summary', '-']);
  assert.equal(stdin.code, 2);
  assert.match(stdin.err, /^spanscope summary: stdin: /, 'an empty standard input is read, then refused as a document');
});
