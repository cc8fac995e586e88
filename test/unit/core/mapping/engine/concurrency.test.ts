// A trace of many distinct operations must not resume them all in one turn of the event loop: when shared work
// they wait on (outlines from the syntax worker) comes back, each waiting operation runs on, and 1,600 of them
// together blocked the extension host for 60–100 ms (bench:mapping-engine). mapSpans keeps a bounded number in
// flight; counted here on the outline requests outstanding at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MappingEngine } from '../../../../../src/core/mapping/engine/engine';
import type { SpanFacts } from '../../../../../src/core/mapping/engine/types';
import type { FileOutline, SyntaxService } from '../../../../../src/core/mapping/syntax/types';
import { memoryWorkspace } from '../../../../support/mappingWorkspace';

test('many distinct operations: a bounded number in flight, every one still mapped', async () => {
  const N = 400;
  const files: Record<string, string> = {};
  for (let i = 0; i < N; i++) files[`/ws/src/main/java/com/acme/S${i}.java`] = `package com.acme;\n\nclass S${i} {\n  void run() {}\n}\n`;
  let pending = 0, most = 0;
  const syntax: SyntaxService = {
    languageOf: p => (p.endsWith('.java') ? 'java' : undefined),
    outline: async p => {
      pending++;
      most = Math.max(most, pending);
      await new Promise(resolve => setTimeout(resolve, 1));
      pending--;
      const cls = /S\d+/.exec(p)![0];
      return { language: 'java', literals: [], definitions: [
        { name: cls, kind: 'class', containers: [], line: 3, endLine: 5 },
        { name: 'run', kind: 'method', containers: [cls], line: 4, endLine: 4, parent: 0 },
      ] } satisfies FileOutline;
    },
    dispose: () => undefined,
  };
  const engine = new MappingEngine(memoryWorkspace(['/ws'], files, syntax));
  const spans: SpanFacts[] = Array.from({ length: N }, (_, i) => ({ service: 'shop', name: `S${i}.run`, kind: 'internal', code: { namespace: `com.acme.S${i}`, function: 'run' }, attributes: {}, stackTraces: [] }));
  const out = await engine.mapSpans(spans);
  assert.equal(out.filter((m, i) => m.file === `/ws/src/main/java/com/acme/S${i}.java` && m.line === 4).length, N);
  assert.ok(most <= 64, `${most} outline requests outstanding at once`);
});
