// Frames of an exception stack trace, for JS/TS (V8), Python, Java, Go, .NET, Ruby and PHP.
// Span data is untrusted: only the first MAX_SCAN characters are read, lines longer than MAX_LINE are
// skipped, at most MAX_FRAMES frames are returned, and every pattern is anchored with no nested
// quantifiers, so a megabyte of text costs well under a millisecond per kilobyte scanned.
import type { StackFrame } from '../analysis/types';

const MAX_SCAN = 64 * 1024;
const MAX_LINE = 2000;
const MAX_FRAMES = 200;

// `File "/app/x.py", line 12, in handler`
const PYTHON = /^\s*File "([^"]*)", line (\d+)(?:, in (.*))?$/;
// `at com.acme.Foo.bar(Foo.java:42)`, `at java.base/java.lang.Thread.run(Thread.java:833)`
const JAVA = /^\s*at ([^\s()]+)\(([^()]*)\)\s*$/;
const TRAILING_LINE = /:(\d+)$/;
const RUBY_METHOD = /^[`']([^`']*)['`]/;
const GO_PC = / \+0x[0-9a-f]+$/;
const FILE_LINE_COL = /^(.*?):(\d+)(?::(\d+))?$/;

function positiveInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

function frame(language: StackFrame['language'], raw: string, fn: string | undefined, file: string | undefined, line?: string, col?: string): StackFrame {
  const l = positiveInt(line);
  const c = positiveInt(col);
  return {
    language,
    raw: raw.trim(),
    ...(fn ? { function: fn } : {}),
    ...(file ? { filePath: file } : {}),
    ...(l !== undefined ? { line: l } : {}),
    ...(c !== undefined ? { column: c } : {}),
  };
}

function v8Location(raw: string, fn: string | undefined, loc: string): StackFrame {
  const m = FILE_LINE_COL.exec(loc);
  // `<anonymous>`, `native`, `index 0`: no file to point at
  if (!m) return frame('js', raw, fn, undefined);
  return frame('js', raw, fn, m[1], m[2], m[3]);
}

// Positions are found with indexOf/lastIndexOf rather than backtracking patterns: linear in the line.
function parseLine(raw: string, prev: string): StackFrame | undefined {
  const line = raw.trimEnd();
  const t = line.trimStart();
  let m: RegExpExecArray | null;
  if (t.startsWith('File "')) {
    m = PYTHON.exec(line);
    return m ? frame('python', line, m[3], m[1], m[2]) : undefined;
  }
  if (t.startsWith('at ')) {
    // .NET: `at Ns.Class.Method(args) in /src/File.cs:line 42`
    const dn = t.lastIndexOf(':line ');
    const inAt = t.lastIndexOf(') in ', dn);
    if (dn > 0 && inAt > 0) {
      const fn = t.slice(3, inAt + 1).replace(/\(.*$/, '');
      return frame('dotnet', line, fn, t.slice(inAt + 5, dn), t.slice(dn + 6));
    }
    // Java: `at com.acme.Foo.bar(Foo.java:42)`
    if ((m = JAVA.exec(t))) {
      const loc = m[2]!;
      // .NET frames without symbols end in `Method()` or `Method(args)`; Java always has a location inside
      if (loc === '' || loc.includes(' ') && !/^(Native Method|Unknown Source)$/.test(loc)) return frame('dotnet', line, m[1], undefined);
      const colon = loc.lastIndexOf(':');
      const file = colon > 0 ? loc.slice(0, colon) : /\.\w+$/.test(loc) ? loc : undefined;
      return frame('java', line, m[1], file, colon > 0 ? loc.slice(colon + 1) : undefined);
    }
    // V8: `at fn (file:1:2)`, `at async fn (…)`, `at new Foo (…)`, `at file:1:2`
    const open = t.lastIndexOf(' (');
    if (open > 2 && t.endsWith(')')) return v8Location(line, t.slice(3, open), t.slice(open + 2, -1));
    const rest = t.slice(3);
    return rest.includes(' ') || !FILE_LINE_COL.test(rest) ? undefined : v8Location(line, undefined, rest);
  }
  // Go: `\t/app/main.go:42 +0x1d` below a `pkg.fn(...)` line
  if (raw.charCodeAt(0) === 9 /* tab */ && prev.length > 0 && !/^\s/.test(prev)) {
    const loc = t.replace(GO_PC, '');
    if ((m = TRAILING_LINE.exec(loc))) {
      const fn = prev.trim().replace(/\([^()]*\)$/, '');
      return frame('go', `${prev.trim()}\n${t}`, fn || undefined, loc.slice(0, m.index), m[1]);
    }
  }
  // PHP: `#0 /var/www/src/Controller/Invoice.php(12): App\\Controller\\Invoice->show()`
  if (t.startsWith('#')) {
    const close = t.indexOf('): ');
    const open = close > 0 ? t.lastIndexOf('(', close) : -1;
    const sp = t.indexOf(' ');
    if (open > sp && sp > 1 && /^#\d+$/.test(t.slice(0, sp)) && /^\d+$/.test(t.slice(open + 1, close))) {
      return frame('php', line, t.slice(close + 3).replace(/\(.*$/, '') || undefined, t.slice(sp + 1, open), t.slice(open + 1, close));
    }
  }
  // Ruby: `/app/x.rb:12:in 'method'`, "from /app/x.rb:12:in `block in method'"
  const rb = t.indexOf(':in ');
  if (rb > 0) {
    const head = t.startsWith('from ') ? t.slice(5, rb) : t.slice(0, rb);
    const method = RUBY_METHOD.exec(t.slice(rb + 4, rb + 4 + MAX_LINE));
    if (method && (m = TRAILING_LINE.exec(head))) return frame('ruby', line, method[1], head.slice(0, m.index), m[1]);
  }
  return undefined;
}

/** Parses the frames it recognises, in the order written (Python writes the innermost frame last). */
export function parseStackTrace(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  if (typeof text !== 'string' || text.length === 0) return frames;
  const lines = text.slice(0, MAX_SCAN).split(/\r?\n/);
  let prev = '';
  for (const rawLine of lines) {
    if (frames.length >= MAX_FRAMES) break;
    if (rawLine.length > MAX_LINE) { prev = ''; continue; }
    const f = parseLine(rawLine, prev);
    if (f) frames.push(f);
    prev = rawLine;
  }
  return frames;
}

/** The frame where the exception was raised: the last one for Python tracebacks, the first otherwise. */
export function innermostFrame(frames: readonly StackFrame[]): StackFrame | undefined {
  if (frames.length === 0) return undefined;
  return frames[0]!.language === 'python' ? frames[frames.length - 1] : frames[0];
}
