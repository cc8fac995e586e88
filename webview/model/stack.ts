// Frames of an exception stack trace (JS, Python, Java, Go, .NET, Ruby), enough to make them clickable. Pure.
export interface Frame {
  readonly raw: string;
  readonly filePath?: string;
  /** 1-based. */
  readonly line?: number;
  readonly column?: number;
}

const JAVA = /^\s*at (?:[\w.-]+\/)?[\w$.<>]+\(([\w$.-]+\.\w+):(\d+)\)/;
const JAVA_METHOD = /^\s*at (?:[\w.-]+\/)?([\w$.<>]+)\(/;

/**
 * A Java frame names only its file; the class's package gives the directory (`com/acme/Pay.java`), so that two
 * Pay.java in different packages are told apart when the link is resolved against the workspace.
 */
function javaPath(raw: string, file: string): string {
  const m = JAVA_METHOD.exec(raw);
  const parts = (m?.[1] ?? '').split('.');
  parts.splice(-2); // the class and the method
  return parts.length > 0 && parts.every(p => /^[a-z_][\w$]*$/i.test(p)) ? `${parts.join('/')}/${file}` : file;
}

const PATTERNS: readonly RegExp[] = [
  /^\s*at (?:.*? \()?((?:[A-Za-z]:)?[^():]+):(\d+)(?::(\d+))?\)?\s*$/,     // JS: at fn (/a/b.js:1:2)
  /^\s*File "([^"]+)", line (\d+)/,                                       // Python
  JAVA,                                                                     // Java: at a.b.C.m(C.java:12)
  /^\s*((?:\/|[A-Za-z]:)[^\s:]+\.go):(\d+)/,                              // Go: /app/x.go:12 +0x1d
  /^\s*at .+ in (.+):line (\d+)/,                                          // .NET
  /^\s*(?:from )?([^\s:]+\.rb):(\d+)(?::in|$)/,                            // Ruby
  /^#\d+ ((?:\/|[A-Za-z]:)[^()]+\.php)\((\d+)\):/,                           // PHP: #0 /app/x.php(12): f()
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
        frame = { raw, filePath: re === JAVA ? javaPath(raw, m[1]!) : m[1]!, ...(line > 0 ? { line } : {}), ...(column && column > 0 ? { column } : {}) };
        break;
      }
    }
    out.push(frame);
  }
  return out;
}
