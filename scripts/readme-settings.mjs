// Keeps README.md's Commands and Settings sections in step with package.json `contributes`.
//   node scripts/readme-settings.mjs --write   rewrite the generated sections
//   node scripts/readme-settings.mjs --check   exit 1 (and say what differs) when README.md is out of date
// Each generated section starts at its marker comment and ends before the next `## ` heading.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SETTINGS_MARKER = '<!-- settings table: generated from package.json -->';
export const COMMANDS_MARKER = '<!-- commands: generated from package.json -->';

function cell(text) {
  return String(text).replace(/\r?\n+/g, ' ').replace(/\|/g, '\\|').trim();
}

function typeOf(p) {
  if (Array.isArray(p.enum)) return p.enum.map(v => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (p.type === 'array' && p.items?.type) return `${p.items.type}[]`;
  return Array.isArray(p.type) ? p.type.join(' \\| ') : String(p.type ?? '');
}

/** The configuration properties of package.json in section order, then key order. */
export function settingsOf(pkg) {
  const c = pkg.contributes?.configuration;
  const sections = Array.isArray(c) ? c : c ? [c] : [];
  return [...sections]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .flatMap(s => Object.entries(s.properties ?? {}).map(([key, p]) => ({ section: s.title ?? '', key, p })));
}

export function settingsTable(pkg) {
  const rows = settingsOf(pkg).map(({ key, p }) =>
    `| \`${key}\` | ${typeOf(p)} | \`${JSON.stringify(p.default ?? null)}\` | ${cell(p.markdownDescription ?? p.description ?? '')} |`);
  return ['| Setting | Type | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}

export function commandsTable(pkg) {
  const hidden = new Set((pkg.contributes?.menus?.commandPalette ?? []).filter(m => m.when === 'false').map(m => m.command));
  const rows = (pkg.contributes?.commands ?? [])
    .filter(c => !hidden.has(c.command))
    .map(c => `| ${cell(`${c.category ? `${c.category}: ` : ''}${c.title}`)} | \`${c.command}\` |`);
  return ['| Command | ID |', '|---|---|', ...rows].join('\n');
}

/** README text with both generated sections replaced. Throws when a marker is missing. */
export function updateReadme(readme, pkg) {
  let out = readme;
  for (const [marker, table] of [[SETTINGS_MARKER, settingsTable(pkg)], [COMMANDS_MARKER, commandsTable(pkg)]]) {
    const at = out.indexOf(marker);
    if (at < 0) throw new Error(`README.md lacks the marker ${marker}`);
    const from = at + marker.length;
    const next = out.indexOf('\n## ', from);
    const end = next < 0 ? out.length : next + 1;
    out = `${out.slice(0, from)}\n\n${table}\n\n${out.slice(end)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const readme = readFileSync('README.md', 'utf8');
  const updated = updateReadme(readme, pkg);
  if (process.argv.includes('--write')) {
    if (updated !== readme) writeFileSync('README.md', updated);
    console.log(updated === readme ? 'README.md is up to date' : 'README.md updated');
  } else if (updated !== readme) {
    console.error('README.md is out of date with package.json: run `node scripts/readme-settings.mjs --write`');
    process.exit(1);
  } else {
    console.log('README.md is up to date');
  }
}
