// The CLI's option table (src/cli/options.ts): util.parseArgs does the parsing, the same table writes the help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optionsHelp, parseOptions, type OptionSpec } from '../../../src/cli/options';

const TABLE: OptionSpec[] = [
  { name: 'backend', value: 'T=URL', multiple: true, help: 'a backend (repeatable)' },
  { name: 'out', value: 'FILE', help: 'where to write\nsecond line' },
  { name: 'quiet', help: 'say less' },
];

test('values, repeats, --name=value and positionals; help wins', () => {
  assert.deepEqual(parseOptions(TABLE, ['abc', '--backend', 'jaeger=http://a', '--backend=tempo=http://b', '--out', 'x.json', '--quiet', 'def']),
    { values: { backend: ['jaeger=http://a', 'tempo=http://b'], out: 'x.json', quiet: true }, positionals: ['abc', 'def'] });
  assert.equal(parseOptions(TABLE, ['abc', '--help']), 'help');
  assert.equal(parseOptions(TABLE, ['-h']), 'help');
});

test('errors are one line naming the option', () => {
  assert.equal(parseOptions(TABLE, ['--bogus']), 'unknown option --bogus (see --help)');
  assert.equal(parseOptions(TABLE, ['--out']), '--out needs a value');
});

test('the help text lists every option of the table, aligned, with -h last', () => {
  assert.equal(optionsHelp(TABLE), [
    'options:',
    '  --backend T=URL  a backend (repeatable)',
    '  --out FILE       where to write',
    '                   second line',
    '  --quiet          say less',
    '  -h, --help       this text',
  ].join('\n'));
});
