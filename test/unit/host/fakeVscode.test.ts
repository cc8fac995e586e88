// The fake `vscode` (test/support/host/fakeVscode.ts) is only as good as its likeness: every name it models must be a
// name of the real API (node_modules/@types/vscode, the version package.json's engine declares), and reading a name it
// does not model must throw, so that a host call to a misspelt or unmodelled API fails its test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../support/paths';
import { UnmodelledApiError, createFakeVscode } from '../../support/host/fakeVscode';

/** Top-level names of the `vscode` module → the names declared inside (namespace members, enum members). */
function realApi(): Map<string, Set<string>> {
  const file = join(PROJECT_ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out = new Map<string, Set<string>>();
  const add = (name: string, members: string[] = []) => {
    const set = out.get(name) ?? new Set<string>();
    for (const m of members) set.add(m);
    out.set(name, set);
  };
  const names = (s: ts.Statement): string[] => {
    if (ts.isFunctionDeclaration(s) && s.name) return [s.name.text];
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.map(d => (ts.isIdentifier(d.name) ? d.name.text : ''));
    if ((ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isEnumDeclaration(s) || ts.isModuleDeclaration(s)) && s.name) return [s.name.text];
    return [];
  };
  for (const top of source.statements) {
    if (!ts.isModuleDeclaration(top) || top.name.getText(source).replace(/['"]/g, '') !== 'vscode' || !top.body || !ts.isModuleBlock(top.body)) continue;
    for (const s of top.body.statements) {
      if (ts.isEnumDeclaration(s)) add(s.name.text, s.members.map(m => m.name.getText(source)));
      else if (ts.isModuleDeclaration(s) && s.body && ts.isModuleBlock(s.body)) add(s.name.getText(source), s.body.statements.flatMap(names));
      else for (const n of names(s)) add(n);
    }
  }
  return out;
}

/** APIs newer than the @types/vscode the extension builds against, which the host looks up at run time: the fake
 *  models the VS Code it claims to be (1.100), where they are undefined. */
const NEWER_THAN_TYPES = ['McpHttpServerDefinition', 'lm.registerMcpServerDefinitionProvider'];

test('every name the fake vscode models is a name of the real API', () => {
  const real = realApi();
  assert.ok(real.size > 300 && real.get('window')?.has('createTreeView'), 'read @types/vscode');
  const fake = createFakeVscode(PROJECT_ROOT).api;
  const unknown: string[] = [];
  const topLevel = Reflect.ownKeys(fake).filter((k): k is string => typeof k === 'string');
  assert.ok(topLevel.length > 30, `${topLevel.length} names modelled`);
  for (const name of topLevel) {
    const members = real.get(name);
    if (!members) { unknown.push(name); continue; }
    const value = (fake as Record<string, unknown>)[name];
    // Namespaces and enums: each member too. Classes are checked by name; their shapes by the host tests using them.
    if (members.size > 0 && value !== null && typeof value === 'object') {
      for (const m of Reflect.ownKeys(value)) if (typeof m === 'string' && !members.has(m)) unknown.push(`${name}.${m}`);
    }
  }
  const fakeRecord = fake as Record<string, Record<string, unknown> | undefined>;
  for (const n of NEWER_THAN_TYPES) {
    const [ns, m] = n.includes('.') ? n.split('.') as [string, string] : [undefined, n];
    assert.equal(ns ? fakeRecord[ns]![m] : fakeRecord[m], undefined, n);
  }
  assert.deepEqual(unknown.filter(n => !NEWER_THAN_TYPES.includes(n)), []);
});

test('reading an API the fake does not model throws, naming it', () => {
  const fake = createFakeVscode(PROJECT_ROOT).api as Record<string, Record<string, unknown>>;
  assert.throws(() => fake.window!.showInformationMesage, (e: unknown) => e instanceof UnmodelledApiError && /window\.showInformationMesage/.test(e.message));
  assert.throws(() => fake.notebooks, UnmodelledApiError);
  assert.throws(() => fake.workspace!.fs && (fake.workspace!.fs as Record<string, unknown>).copy, UnmodelledApiError);
  // Objects the fake hands out are strict too.
  const box = (fake.window!.createInputBox as () => Record<string, unknown>)();
  assert.throws(() => box.selectedItems, UnmodelledApiError);
  const tree = (fake.window!.createTreeView as (id: string, o: unknown) => Record<string, unknown>)('spanscope.traces', {});
  assert.throws(() => tree.onDidChangeSelecton, UnmodelledApiError);
  // An API that VS Code 1.100 lacks and the host feature-detects reads as undefined, as in that VS Code.
  assert.equal(fake.lm!.registerMcpServerDefinitionProvider, undefined);
  // Not API reads: promise and module-interop probes.
  assert.equal(fake.window!.then, undefined);
  assert.equal((fake as Record<string, unknown>).__esModule, undefined);
});
