// What the shared fake `vscode` (test/support/host/fakeVscode.ts) lacks for the editor surfaces, added before any src/host module is loaded (the
// compiled `import * as vscode` copies the module's keys when first imported). Import right after register.
import { fakeVscode } from '../../../support/host/register';
import { Position } from '../../../support/host/fakeVscode';

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (typeof a === 'number') { this.start = new Position(a, b as number); this.end = new Position(c!, d!); }
    else { this.start = a; this.end = b as Position; }
  }
}
class CodeLens { constructor(readonly range: Range, readonly command?: { title: string; command: string; arguments?: unknown[] }) {} }
export class Hover { constructor(readonly contents: { value: string; isTrusted: unknown }, readonly range?: Range) {} }
export const api = fakeVscode.api as Record<string, unknown> & { window: Record<string, unknown>; workspace: Record<string, unknown> };
Object.assign(api, { Range, CodeLens, Hover, SymbolKind: { Method: 5, Function: 11, Constructor: 8, Class: 4 } });
export const decorationTypes: { key: string; options: Record<string, unknown> }[] = [];
api.window.createTextEditorDecorationType = (options: Record<string, unknown>) => {
  const t = { key: `type${decorationTypes.length}`, options, dispose: () => undefined };
  decorationTypes.push(t);
  return t;
};

