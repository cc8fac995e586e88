// Workspace files are untrusted input: random bytes, pathological nesting, huge or numerous literals must give a
// bounded outline (or a clear `skipped`), never a crash or a runaway. Seeded, so every run is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSyntaxParser } from '../../../../../src/worker/syntaxParser';
import { SYNTAX_LANGUAGES } from '../../../../../src/core/mapping/syntax/languages';
import type { FileOutline } from '../../../../../src/core/mapping/syntax/types';
import { fuzzRounds } from '../../../../support/rounds';

const LIMITS = { maxLiterals: 200, maxLiteralLength: 100, maxDefinitions: 300 };
const parser = createSyntaxParser({ limits: LIMITS });

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function checkBounds(o: FileOutline, text: string, what: string): void {
  const lines = text.split('\n').length;
  assert.ok(o.literals.length <= LIMITS.maxLiterals, `${what}: ${o.literals.length} literals`);
  assert.ok(o.definitions.length <= LIMITS.maxDefinitions, `${what}: ${o.definitions.length} definitions`);
  for (const l of o.literals) {
    assert.ok(l.value.length <= LIMITS.maxLiteralLength, `${what}: a literal of ${l.value.length} characters`);
    assert.ok(l.line >= 1 && l.line <= lines && l.column >= 1, `${what}: literal at ${l.line}:${l.column}`);
    if (l.enclosing !== undefined) assert.ok(o.definitions[l.enclosing], `${what}: enclosing ${l.enclosing} out of range`);
    if (l.target !== undefined) assert.ok(o.definitions[l.target], `${what}: target ${l.target} out of range`);
  }
  for (const d of o.definitions) {
    assert.ok(d.line >= 1 && d.line <= d.endLine && d.endLine <= lines, `${what}: definition ${d.name} at ${d.line}-${d.endLine}`);
    if (d.parent !== undefined) assert.ok(d.parent < o.definitions.indexOf(d), `${what}: parent after child`);
  }
}

test('random bytes and random token soup in every language give bounded outlines', async () => {
  const next = rng(42);
  const tokens = ['class ', 'def ', 'func ', 'function ', '{', '}', '(', ')', '"', "'", '`', '"""', '@', '#[', '\\', '\n', ' ', 'x', ':', ';', '=>', '$', '${', 'f"', 'r#"', '<<~EOS', 'namespace ', 'impl '];
  for (const language of SYNTAX_LANGUAGES) {
    for (let round = 0; round < fuzzRounds(6); round++) {
      let text = '';
      if (round % 2 === 0) {
        for (let i = 0; i < 3000; i++) text += String.fromCharCode(Math.floor(next() * 0x3000));
      } else {
        for (let i = 0; i < 3000; i++) text += tokens[Math.floor(next() * tokens.length)];
      }
      const o = await parser.outline(language, text);
      assert.equal(o.language, language);
      checkBounds(o, text, `${language} round ${round}`);
    }
  }
});

test('deep nesting parses without overflowing the stack', async () => {
  const depth = 20000;
  const cases: Array<[Parameters<typeof parser.outline>[0], string]> = [
    ['javascript', 'f(' + '['.repeat(depth) + '"x"' + ']'.repeat(depth) + ')'],
    ['python', 'x = ' + '('.repeat(depth) + '"x"' + ')'.repeat(depth)],
    ['java', 'class A { void f() { g(' + '('.repeat(depth) + '"x"' + ')'.repeat(depth) + '); } }'],
    ['go', 'package p\nfunc f() {' + 'func() {'.repeat(2000) + '}()'.repeat(2000) + '}'],
  ];
  for (const [language, text] of cases) {
    const o = await parser.outline(language, text);
    checkBounds(o, text, `${language} nesting`);
  }
});

test('a huge literal is cut to the length limit, and too many literals to the count limit', async () => {
  const huge = 'x'.repeat(900_000);
  const o = await parser.outline('java', `class A { String s = "${huge}"; }`);
  assert.equal(o.literals.length, 1);
  assert.equal(o.literals[0]!.value.length, LIMITS.maxLiteralLength);
  assert.equal(o.truncated, true);

  const many = Array.from({ length: 1000 }, (_, i) => `x${i} = "v${i}"`).join('\n');
  const p = await parser.outline('python', many);
  assert.equal(p.literals.length, LIMITS.maxLiterals);
  assert.equal(p.truncated, true);
  assert.equal(p.literals[LIMITS.maxLiterals - 1]!.value, `v${LIMITS.maxLiterals - 1}`);

  const defs = Array.from({ length: 1000 }, (_, i) => `def f${i}(): pass`).join('\n');
  const d = await parser.outline('python', defs);
  assert.equal(d.definitions.length, LIMITS.maxDefinitions);
  assert.equal(d.truncated, true);
});

test('files over the size cap are skipped with the reason', async () => {
  const small = createSyntaxParser({ maxFileSize: 100 });
  const o = await small.outline('go', 'package p\n' + '// x\n'.repeat(100));
  assert.deepEqual([o.definitions.length, o.literals.length], [0, 0]);
  assert.match(o.skipped ?? '', /too large to outline/);
  small.dispose();
});
