// Frames of an exception stack trace (JS, Python, Java, Go, .NET, Ruby), enough to make them clickable. Pure.
export interface Frame {
  readonly raw: string;
  readonly filePath?: string;
  /** 1-based. */
  readonly line?: number;
  readonly column?: number;
}

const PATTERNS: readonly RegExp[] = [
  /^\s*at (?:.*? \()?((?:[A-Za-z]:)?[^():]+):(\d+)(?::(\d+))?\)?\s*$/,     // JS: at fn (/a/b.js:1:2)
  /^\s*File "([^"]+)", line (\d+)/,                                       // Python
  /^\s*at [\w$.<>]+\(([\w$.-]+\.\w+):(\d+)\)/,                             // Java: at a.b.C.m(C.java:12)
  /^\s*((?:\/|[A-Za-z]:)[^\s:]+\.go):(\d+)/,                              // Go: /app/x.go:12 +0x1d
  /^\s*at .+ in (.+):line (\d+)/,                                          // .NET
  /^\s*(?:from )?([^\s:]+\.rb):(\d+)(?::in|$)/,                            // Ruby
];

export function parseStackFrames(text: string, max = 200): Frame[] {
  const out: Frame[] = [];
  for (const raw of text.split(/\r?\n/, max)) {
    let frame: Frame = { raw };
    for (const re of PATTERNS) {
      const m = re.exec(raw);
      if (m) {
        const line = Number(m[2]);
        const column = m[3] !== undefined ? Number(m[3]) : undefined;
        frame = { raw, filePath: m[1]!, ...(line > 0 ? { line } : {}), ...(column && column > 0 ? { column } : {}) };
        break;
      }
    }
    out.push(frame);
  }
  return out;
}
