// The findings corpus (test/corpus/findings/<app>): real traces of small apps on real SDKs / agents with planted
// problems. The committed captures must be named exactly as expected.json (written by hand from the planted
// problems) says, and the clean runs must give none of those findings. Fast: it reads the committed captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FINDINGS_APPS, FINDINGS_DIR, VARIANTS } from '../../scripts/capture-findings.mjs';
import { scoreCorpus } from './findings/score';

for (const app of FINDINGS_APPS) {
  for (const variant of VARIANTS) {
    test(`${app} (${variant}): every planted problem is named with its numbers, nothing else is`, () => {
      const outcomes = scoreCorpus(FINDINGS_DIR, [app], [variant]);
      assert.ok(outcomes.length > 0, 'no capture scored');
      for (const o of outcomes) {
        assert.deepEqual(o.misses, [], `${app} ${variant} ${o.route}: missed (other findings: ${o.falsePositives.join(' | ') || 'none'}; ${o.found.join(' | ') || 'none named'})`);
        assert.deepEqual(o.falsePositives, [], `${app} ${variant} ${o.route}: unexpected findings`);
      }
    });
  }
}
