// Positions for jump to source: a span's 1-based line and column to a 0-based editor position. The line goes
// through the core's one line conversion (core/mapping/lines.ts `toEditorLine`); kept free of `vscode` so it is
// unit-tested in plain Node.
import { codeLine, toEditorLine } from '../core/mapping/lines';

/** A 0-based editor line/column pair. */
export interface EditorPosition {
  readonly line0: number;
  readonly character0: number;
}

/**
 * From span/stack-frame positions (1-based line and column, as OTel `code.lineno` and every stack trace format write
 * them) to a 0-based editor position. Missing, zero or invalid values become the first line or column.
 */
export function toEditorPosition(line1?: number, column1?: number): EditorPosition {
  const line = codeLine(typeof line1 === 'number' ? Math.floor(line1) : line1);
  const column = codeLine(typeof column1 === 'number' ? Math.floor(column1) : column1);
  return { line0: line === undefined ? 0 : toEditorLine(line), character0: column === undefined ? 0 : toEditorLine(column) };
}
