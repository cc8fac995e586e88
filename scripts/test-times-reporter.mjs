// A node:test reporter that says how long each test file took, slowest first, as JSON, so that a contributor can see
// where the suite's time goes: scripts/test.mjs adds it beside the spec reporter with out/test-times.json as its
// destination, so the last lines printed stay the spec reporter's summary, which CI reads.
//
// A file's time is the sum of its top-level tests' durations (its process start-up and module loading are not in
// it). firstAt and lastAt are when its first and last tests were reported, in ms from the start: node reports the
// files in the order they were given, holding back a file's results until those of the files before it are out, so
// these say when results came out, not when the file ran (several run at a time).
// The unit layer runs some files together in one process (groupTests in scripts/test-compile.mjs), each inside a
// suite named by its source path: such a file's time is its suite's, and its tests are the suite's direct children.
import { relative } from 'node:path';

// eslint-disable-next-line no-restricted-exports -- node's test runner loads a reporter as its module's default export
export default async function* testTimes(source) {
  const files = new Map();
  const started = Date.now();
  // The direct children of each suite still open, by the file they were written in (the source, through its source
  // map): a suite's tests are reported before it.
  const children = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, details, name } = event.data;
    if (!file) continue;
    const failed = event.type === 'test:fail' ? 1 : 0;
    const at = relative(process.cwd(), file);
    if (nesting === 1) {
      const c = children.get(at) ?? { tests: 0, failed: 0 };
      children.set(at, { tests: c.tests + 1, failed: c.failed + failed });
      continue;
    }
    if (nesting !== 0) continue;
    const inGroup = /\.test\.[cm]?[jt]sx?$/.test(name) && name !== at;
    const key = inGroup ? name : at;
    const counted = inGroup ? children.get(key) ?? { tests: 0, failed: 0 } : { tests: 1, failed };
    children.delete(key);
    const f = files.get(key) ?? { file: key, ms: 0, tests: 0, failed: 0, firstAt: Date.now() - started, lastAt: 0 };
    f.ms += details.duration_ms ?? 0;
    f.tests += counted.tests;
    f.failed += counted.failed;
    f.lastAt = Date.now() - started;
    files.set(key, f);
  }
  const list = [...files.values()].sort((a, b) => b.ms - a.ms).map(f => ({ ...f, ms: Math.round(f.ms) }));
  yield `${JSON.stringify({ wallMs: Date.now() - started, files: list }, null, 1)}\n`;
}
