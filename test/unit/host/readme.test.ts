// README.md's Commands and Settings tables are what package.json contributes (scripts/readme-settings.mjs --write).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/paths';
import { COMMANDS_MARKER, SETTINGS_MARKER, commandsTable, settingsTable, updateReadme } from '../../../scripts/readme-settings.mjs';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));

test('README.md lists every contributed setting and command as package.json has them', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const fresh = updateReadme(readme, pkg);
  const missing = fresh.split('\n').filter(l => l.startsWith('| ') && !readme.includes(l));
  assert.ok(readme === fresh, `README.md is out of date with package.json: run \`node scripts/readme-settings.mjs --write\`; rows missing or changed:\n${missing.join('\n')}`);
});

test('the generator writes one row per setting with type, default and description, and one per command', () => {
  const fake = {
    contributes: {
      commands: [{ command: 'spanscope.a', title: 'Do A', category: 'Spanscope' }, { command: 'spanscope.hidden', title: 'H', category: 'Spanscope' }],
      menus: { commandPalette: [{ command: 'spanscope.hidden', when: 'false' }] },
      configuration: [
        { title: 'B', order: 2, properties: { 'spanscope.b': { type: 'integer', default: 4318, markdownDescription: 'Port | with pipe\nand newline.' } } },
        { title: 'A', order: 1, properties: { 'spanscope.a': { type: 'string', enum: ['raw', 'adjust'], default: 'raw', markdownDescription: 'Skew.' } } },
      ],
    },
  };
  assert.equal(settingsTable(fake), [
    '| Setting | Type | Default | Description |', '|---|---|---|---|',
    '| `spanscope.a` | `"raw"` \\| `"adjust"` | `"raw"` | Skew. |',
    '| `spanscope.b` | integer | `4318` | Port \\| with pipe and newline. |',
  ].join('\n'));
  assert.equal(commandsTable(fake), ['| Command | ID |', '|---|---|', '| Spanscope: Do A | `spanscope.a` |'].join('\n'));
  const readme = `# X\n\n## Commands\n\n${COMMANDS_MARKER}\nold\n\n## Settings\n\n${SETTINGS_MARKER}\nstale row\n\n## Next\n`;
  const out = updateReadme(readme, fake);
  assert.ok(out.includes(`${SETTINGS_MARKER}\n\n| Setting |`));
  assert.ok(!out.includes('stale row') && !out.includes('old\n'));
  assert.ok(out.endsWith('## Next\n'));
  assert.equal(updateReadme(out, fake), out, 'idempotent');
  assert.throws(() => updateReadme('# no markers\n', fake), /lacks the marker/);
});
