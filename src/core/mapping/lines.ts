// Line numbers in two bases meet here and only here: code.* attributes, stack frames and source maps count
// from 1; VS Code's Position/Range count from 0. `toEditorLine`/`fromEditorLine` are the one conversion.

declare const codeLineBrand: unique symbol;
declare const editorLineBrand: unique symbol;
/** 1-based line as written in code.lineno / code.line.number / a stack frame. */
export type CodeLine = number & { readonly [codeLineBrand]: true };
/** 0-based line as VS Code's Position.line. */
export type EditorLine = number & { readonly [editorLineBrand]: true };

/** A 1-based line from untrusted data, or undefined when it is not a positive safe integer. */
export function codeLine(n: unknown): CodeLine | undefined {
  const v = typeof n === 'bigint' ? Number(n) : typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : n;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= 10_000_000 ? (v as CodeLine) : undefined;
}

export function toEditorLine(line: CodeLine): EditorLine {
  return (line - 1) as EditorLine;
}

export function fromEditorLine(line: EditorLine): CodeLine {
  return (line + 1) as CodeLine;
}
