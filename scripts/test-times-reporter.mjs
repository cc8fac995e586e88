// A node:test reporter that says how long each test file took, slowest first, as JSON, so that a contributor can see
// where the suite's time goes: scripts/test.mjs adds it beside the spec reporter with out/test-times.json as its
// destination, so the last lines printed stay the spec reporter's summary, which CI reads.
//
// A file's time is the sum of its top-level tests' durations (its process start-up and module loading are not in
// it). firstAt and lastAt are when its first and last tests were reported, in ms from the start: node reports the
// files in the order they were given, holding back a file's results until those of the files before it are out, so
// these say when results came out, not when the file ran (several run at a time).
import { relative } from 'node:path';

// eslint-disable-next-line no-restricted-exports -- node's test runner loads a reporter as its module's default export
export default async function* testTimes(source) {
  const files = new Map();
  const started = Date.now();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, details } = event.data;
    if (!file || nesting !== 0) continue;
    const key = relative(process.cwd(), file);
    const f = files.get(key) ?? { file: key, ms: 0, tests: 0, failed: 0, firstAt: Date.now() - started, lastAt: 0 };
    f.ms += details.duration_ms ?? 0;
    f.tests++;
    if (event.type === 'test:fail') f.failed++;
    f.lastAt = Date.now() - started;
    files.set(key, f);
  }
  const list = [...files.values()].sort((a, b) => b.ms - a.ms).map(f => ({ ...f, ms: Math.round(f.ms) }));
  yield `${JSON.stringify({ wallMs: Date.now() - started, files: list }, null, 1)}\n`;
}
