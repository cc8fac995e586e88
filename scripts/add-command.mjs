// Contributes one command in package.json (targeted edit under /tmp/npm.lock's protection is the caller's job):
//   flock /tmp/npm.lock node scripts/add-command.mjs <id> "<title>" [--icon '$(name)'] [--enablement EXPR]
//        [--palette-when EXPR | --palette-hidden]
// Adds or replaces the entry in contributes.commands (category "Spanscope") and, with --palette-*, in
// contributes.menus.commandPalette. The id must also be in src/host/commands.ts and registered (commands.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';

const [id, title, ...rest] = process.argv.slice(2);
if (!id || !title || !id.startsWith('spanscope.')) {
  console.error('usage: node scripts/add-command.mjs spanscope.<id> "<title>" [--icon $(x)] [--enablement EXPR] [--palette-when EXPR | --palette-hidden]');
  process.exit(2);
}
const opt = name => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
pkg.contributes ??= {};
const cmds = (pkg.contributes.commands ??= []);
const entry = { command: id, title, category: 'Spanscope' };
if (opt('--icon')) entry.icon = opt('--icon');
if (opt('--enablement')) entry.enablement = opt('--enablement');
const at = cmds.findIndex(c => c.command === id);
if (at >= 0) cmds[at] = entry;
else cmds.push(entry);
const paletteWhen = rest.includes('--palette-hidden') ? 'false' : opt('--palette-when');
if (paletteWhen) {
  const menus = (pkg.contributes.menus ??= {});
  const palette = (menus.commandPalette ??= []);
  const p = palette.findIndex(m => m.command === id);
  const m = { command: id, when: paletteWhen };
  if (p >= 0) palette[p] = m;
  else palette.push(m);
}
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
console.log(`contributed ${id}`);
