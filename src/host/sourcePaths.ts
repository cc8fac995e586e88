// Positions: the ONE conversion from span/stack-frame positions to editor positions. Kept free of `vscode` so it is
// unit-tested in plain Node; callers build a vscode.Position from the result.

/** A 0-based editor line/column pair, only made by `toEditorPosition`. */
export interface EditorPosition {
  readonly line0: number;
  readonly character0: number;
}

/**
 * THE conversion from span/stack-frame positions (1-based line and column, as OTel `code.lineno` and every stack
 * trace format write them) to 0-based editor positions. Missing, zero or invalid values become the first line or
 * column. Every caller that turns a code location into an editor position uses this function.
 */
export function toEditorPosition(line1?: number, column1?: number): EditorPosition {
  const line = typeof line1 === 'number' && Number.isFinite(line1) && line1 >= 1 ? Math.floor(line1) - 1 : 0;
  const character = typeof column1 === 'number' && Number.isFinite(column1) && column1 >= 1 ? Math.floor(column1) - 1 : 0;
  return { line0: line, character0: character };
}
