// The .vsix holds what the extension runs and what the marketplace shows, nothing else, within a stated budget.
// Builds the package exactly as `npm run package` does (production bundles, vsce), into a temporary file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';
import { listZip } from '../support/host/zip';

/**
 * The size budget of the packaged .vsix (compressed), stated in the README's "Ready to publish" notes. The
 * tree-sitter grammars for code mapping (dist/tree-sitter, 11 languages) add about 1.6 MB of it.
 */
export const VSIX_BUDGET_BYTES = 3 * 1024 * 1024;
/**
 * Unpacked size budget: what users download is the zip, but the editor loads the unpacked files. The grammars
 * add about 19 MB (C# and C++ 5 MB each); the worker loads only those of the languages it meets.
 */
export const UNPACKED_BUDGET_BYTES = 24 * 1024 * 1024;

/** Entries a .vsix may hold: vsce's manifest and content types, then the allow-list of .vscodeignore. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/dist\/(extension|extension-[a-z]+|[a-z]+-worker|webview|analysis)\.(js|css)$/,
  /^extension\/dist\/tree-sitter\/tree-sitter(-[a-z-]+)?\.wasm$/,
  /^extension\/media\/[^/].*$/,
];

function packageTo(file: string): void {
  const r = spawnSync(process.execPath, ['scripts/package.mjs', '--out', file], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
}

test('the .vsix holds only dist bundles, media, package.json, README, LICENSE, CHANGELOG, within budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-vsix-'));
  try {
    const file = join(dir, 'spanscope.vsix');
    packageTo(file);
    const entries = listZip(file);
    const names = entries.map(e => e.name);
    const unexpected = names.filter(n => !ALLOWED.some(re => re.test(n)));
    assert.deepEqual(unexpected, [], `unexpected files in the .vsix: ${unexpected.join(', ')}`);
    assert.ok(names.includes('extension/package.json'));
    assert.ok(names.includes('extension/dist/extension.js'), 'the extension bundle is missing');
    // Every bundle the build makes, except the CLI's (dist/cli*.js), is something the extension loads at run time
    // (workers too).
    const built = [...readFileSync(join(PROJECT_ROOT, 'scripts', 'build.mjs'), 'utf8').matchAll(/outfile: `\$\{outdir\}\/([\w-]+\.js)`/g)].map(m => m[1]!);
    assert.ok(built.length >= 4, `could not read the bundles from scripts/build.mjs: ${built.join(', ')}`);
    const notPackaged = built.filter(f => !/^cli[.-]/.test(f) && !names.includes(`extension/dist/${f}`));
    assert.deepEqual(notPackaged, [], `bundles missing from the .vsix (allow them in .vscodeignore): ${notPackaged.join(', ')}`);
    assert.ok(names.some(n => /^extension\/license/i.test(n)), 'LICENSE is missing');
    assert.ok(names.some(n => /^extension\/changelog\.md$/i.test(n)), 'CHANGELOG.md is missing');
    assert.ok(names.includes('extension/media/icon.png'), 'the icon is missing');
    assert.ok(!names.some(n => n.endsWith('.map')), 'source maps are packaged');
    assert.ok(!names.some(n => /node_modules|\/src\/|\/test\//.test(n)), 'sources, tests or dependencies are packaged');
    const size = statSync(file).size;
    assert.ok(size <= VSIX_BUDGET_BYTES, `.vsix is ${size} bytes, over the ${VSIX_BUDGET_BYTES} budget`);
    const unpacked = entries.reduce((s, e) => s + e.size, 0);
    assert.ok(unpacked <= UNPACKED_BUDGET_BYTES, `unpacked ${unpacked} bytes, over the ${UNPACKED_BUDGET_BYTES} budget`);
    console.log(`# .vsix ${(size / 1024).toFixed(0)} KiB (budget ${VSIX_BUDGET_BYTES / 1024} KiB), unpacked ${(unpacked / 1024).toFixed(0)} KiB, ${entries.length} files`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the zip reader sees entries (so the check above cannot pass on an unread archive)', t => {
  const dir = mkdtempSync(join(tmpdir(), 'spanscope-zip-'));
  try {
    const file = join(dir, 'x.zip');
    const r = spawnSync('python3', ['-c', `import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\nz.writestr('a/b.txt','x'*1000)\nz.writestr('c.map','y')\nz.close()`, file]);
    if (r.status !== 0) { t.skip('python3 is not available to write a reference zip'); return; }
    assert.deepEqual(listZip(file).map(e => [e.name, e.size]), [['a/b.txt', 1000], ['c.map', 1]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
