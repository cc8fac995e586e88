// The scoring behind bench:mapping and the accuracy test, on the real corpus expectations with made-up answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, scoreCapture, type MapResult } from '../../scripts/corpus/score.mjs';
import type { ExpectedSpan } from '../../scripts/corpus/truth.mjs';

const expected: { spans: ExpectedSpan[] } = JSON.parse(readFileSync(join(CORPUS_DIR, 'node-catalog', 'expected.json'), 'utf8'));
type Answer = MapResult['spans'][number];
const answer = (e: ExpectedSpan, over: Partial<Answer>): Answer => ({
  traceId: e.traceId, spanId: e.spanId, service: 'catalog', name: e.name, file: e.file, line: e.line, confidence: 'high', reason: 'test', candidates: [], ...over,
});

test('answers on the marked lines score 100 % with nothing wrong', () => {
  const s = scoreCapture(expected, { spans: expected.spans.map(e => answer(e, e.file ? {} : { confidence: 'none' })) });
  assert.equal(s.inWorkspace, expected.spans.filter(e => e.file).length);
  assert.equal(s.right, s.inWorkspace);
  assert.equal(s.confidentlyWrong, 0);
  assert.deepEqual(s.misses, []);
});

test('a wrong line counts as confidently wrong only when exact or high; an external span answered with high is wrong', () => {
  const inside = expected.spans.filter(e => e.file);
  const [a, b] = inside;
  const ext = expected.spans.find(e => !e.file)!;
  const spans = expected.spans.map(e => {
    if (e === a) return answer(e, { line: e.line! + 1, confidence: 'exact' });
    if (e === b) return answer(e, { line: e.line! + 1, confidence: 'low' });
    if (e === ext) return answer(e, { file: 'src/server.js', line: 7, confidence: 'high' });
    return answer(e, e.file ? {} : { file: null, line: null, confidence: 'none' });
  });
  const s = scoreCapture(expected, { spans });
  assert.equal(s.right, inside.length - 2);
  assert.equal(s.confidentlyWrong, 2);
  const byName = (x: [string, boolean], y: [string, boolean]) => x[0].localeCompare(y[0]);
  assert.deepEqual(s.misses.map((m): [string, boolean] => [m.name, m.confidentlyWrong]).sort(byName),
    ([[a!.name, true], [b!.name, false], [ext.name, true]] as [string, boolean][]).sort(byName));
});

test('a span the CLI did not answer is a miss, and Windows separators still match', () => {
  const [first, ...rest] = expected.spans.filter(e => e.file);
  const spans = rest.map(e => answer(e, { file: e.file!.replaceAll('/', '\\') }));
  const s = scoreCapture(expected, { spans });
  assert.equal(s.right, rest.length);
  assert.equal(s.misses[0]!.name, first!.name);
  assert.equal(s.misses[0]!.confidence, 'missing');
});
