// The protobuf code generated from proto/ (src/core/proto/otlp.js, which the tests cross-check our hand-written
// decoder against) is what scripts/gen-proto.mjs writes today: nobody edited it by hand, and proto/ did not change
// without it. A build check: it runs the generator, so it lives here rather than in the quick unit loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/paths';

test('the committed generated code is what scripts/gen-proto.mjs produces from proto/', () => {
  const out = execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'gen-proto.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(out, /up to date/);
});
