// Shared by the outline tests: one in-process parser (the grammars load once per test file), and lookups that
// fail with a readable message instead of a TypeError when the outline lacks what a test expects.
import assert from 'node:assert/strict';
import { createSyntaxParser } from '../../../../../src/worker/syntaxParser';
import type { Definition, FileOutline, StringLiteral, SyntaxLanguage } from '../../../../../src/core/mapping/syntax/types';

const parser = createSyntaxParser();

export function outline(language: SyntaxLanguage, text: string): Promise<FileOutline> {
  return parser.outline(language, text);
}

/** The definition with this name (and these containers, when given); exactly one must match. */
export function def(o: FileOutline, name: string, containers?: readonly string[]): Definition {
  const found = o.definitions.filter(d => d.name === name && (!containers || d.containers.join('/') === containers.join('/')));
  assert.equal(found.length, 1, `expected one definition ${containers ? containers.join('.') + '.' : ''}${name}, found ${found.length} in ${JSON.stringify(o.definitions.map(d => [...d.containers, d.name].join('.')))}`);
  return found[0]!;
}

export function defIndex(o: FileOutline, d: Definition): number {
  return o.definitions.indexOf(d);
}

/** The literal with this value; exactly one must match (pass `line` to pick among equal values). */
export function lit(o: FileOutline, value: string, line?: number): StringLiteral {
  const found = o.literals.filter(l => l.value === value && (line === undefined || l.line === line));
  assert.equal(found.length, 1, `expected one literal ${JSON.stringify(value)}, found ${found.length} in ${JSON.stringify(o.literals.map(l => l.value))}`);
  return found[0]!;
}

/** The literal's call context only, for compact deepEqual checks. */
export function ctx(l: StringLiteral): Record<string, unknown> {
  const out: Record<string, unknown> = { line: l.line };
  for (const k of ['callee', 'receiver', 'annotation', 'argIndex', 'argName', 'assignedTo', 'template', 'symbol'] as const) {
    if (l[k] !== undefined) out[k] = l[k];
  }
  return out;
}

/**
 * The outline's definitions are `expected`: one per line, in order, as `kind qualified.name line` (`line-endLine`
 * when it spans several), the containers joined with the language's `separator`. Indentation and blank lines in
 * `expected` are ignored, so the list can be written as an indented template literal; a failure shows the two lists
 * as text, line against line.
 */
export function assertDefinitions(o: FileOutline, separator: string, expected: string): void {
  const actual = o.definitions.map(d => `${d.kind} ${[...d.containers, d.name].join(separator)} ${d.line === d.endLine ? d.line : `${d.line}-${d.endLine}`}`);
  assert.equal(actual.join('\n'), expected.split('\n').map(l => l.trim()).filter(l => l !== '').join('\n'));
}

/** The annotated definitions as [name, annotations]. */
export function annotatedRows(o: FileOutline): unknown[][] {
  return o.definitions.filter(d => d.annotations).map(d => [d.name, d.annotations]);
}
