// Code mapping on real instrumentation: over the whole corpus (test/corpus/mapping — the OTel Java agent in its three
// code semconv modes, Go, Python and Node SDK captures), at least 95 % of the spans whose creating code is in the
// workspace land on the line the app's @span markers name, and no span is mapped exact/high to a wrong line.
// `npm run bench:mapping -- --misses` prints the same figures with every miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusApps, scoreApp, total } from '../../scripts/corpus/score.mjs';

test('spanscope map puts ≥ 95 % of the corpus spans on their line and none confidently on a wrong one', { timeout: 5 * 60_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spanscope-mapping-accuracy-'));
  try {
    const scores = corpusApps().flatMap(app => scoreApp(app, tmp));
    const t = total(scores);
    const misses = scores.flatMap(s => s.misses.map(m => `${s.app}/${s.file} ${m.kind} "${m.name}": expected ${m.expected.join(' or ') || '(outside)'}, got ${m.got} (${m.confidence}: ${m.reason})`));
    assert.deepEqual(scores.flatMap(s => s.misses.filter(m => m.confidentlyWrong).map(m => `${s.app}/${s.file} "${m.name}" → ${m.got}`)), [],
      'spans mapped exact/high to a wrong line');
    assert.ok(t.inWorkspace > 100, `the corpus has ${t.inWorkspace} spans made in the workspace`);
    assert.ok(t.right / t.inWorkspace >= 0.95, `${t.right} of ${t.inWorkspace} on the right line:\n${misses.join('\n')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
