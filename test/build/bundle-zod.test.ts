// The waterfall webview and the parse workers carry zod's small build (zod/mini through src/core/schema.ts) and its
// English messages only. Classic zod, or every locale (what an exported `z` namespace object drags in), put 90 to
// 400 KB more into bundles that a cold start compiles before the first row is drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';

const BUNDLES: ReadonlyArray<{ entry: string; platform: 'browser' | 'node' }> = [
  { entry: 'webview/main.tsx', platform: 'browser' },
  { entry: 'webview/analysis/main.tsx', platform: 'browser' },
  { entry: 'webview/harness/worker.ts', platform: 'browser' },
  { entry: 'src/worker/parse-worker.ts', platform: 'node' },
];

test('the webviews and the parse workers bundle zod/mini with the English locale, nothing more of zod', async () => {
  for (const { entry, platform } of BUNDLES) {
    const r = await esbuild.build({
      entryPoints: [join(PROJECT_ROOT, entry)], bundle: true, write: false, metafile: true, minify: true, platform, format: 'iife',
      jsx: 'automatic', jsxImportSource: 'preact', loader: { '.css': 'css' }, outdir: join(PROJECT_ROOT, 'out', 'bundle-zod'), logLevel: 'error',
    });
    const output = Object.entries(r.metafile.outputs).find(([name]) => name.endsWith('.js'))![1];
    const zod = Object.entries(output.inputs).filter(([name, i]) => name.includes('node_modules/zod/') && i.bytesInOutput > 0);
    assert.ok(zod.some(([name]) => name.includes('/zod/v4/mini/')), `${entry} validates with zod/mini`);
    const extra = zod.filter(([name]) => name.includes('/zod/v4/classic/') || (name.includes('/zod/v4/locales/') && !/\/locales\/en\.js$/.test(name)));
    assert.deepEqual(extra.map(([name]) => name), [], `${entry} bundles classic zod or other locales`);
    const bytes = zod.reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
    assert.ok(bytes < 40_000, `${entry}: ${bytes} bytes of zod (zod/mini and English: about 25 KB)`);
  }
});
