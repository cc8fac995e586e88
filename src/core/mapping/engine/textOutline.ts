// A rough outline from text, for files no tree-sitter grammar covers (Kotlin, Scala, Groovy, Swift) or when no
// SyntaxService is available: type and function declarations by keyword, nesting by braces (Python/Ruby by
// indentation is not attempted). Mappings found through it are never more than 'low' confidence: a string or
// comment holding a brace can mislead it.
import type { Definition, FileOutline } from '../syntax/types';

const MAX_LINES = 20_000;
const MAX_NESTING = 32;
const MAX_DEFINITIONS = 5_000;
const TYPE_RE = /\b(?:class|interface|object|enum|struct|record|trait)\s+([A-Za-z_$][\w$]*)/;
const FUN_RE = /\b(?:fun|def|func|function)\s+(?:<[^>]*>\s*)?(?:[A-Za-z_$][\w$.]*\.)?([A-Za-z_$][\w$]*)\s*[(<[]/;
// Java/C#/Groovy-like method: modifiers and a type before `name(`; not a call (no `.`/`new`/`return` before it)
const METHOD_RE = /^\s*(?:(?:public|private|protected|internal|static|final|abstract|override|open|suspend|synchronized|async|virtual|sealed|extern|unsafe|partial|native|default)\s+)*[\w$<>[\],.? ]*?[\w$>\]?]\s+([A-Za-z_$][\w$]*)\s*\([^;]*$/;
const NOT_METHOD = /^\s*(?:return|new|throw|else|if|for|while|switch|case|catch|do|try|await|yield)\b/;
const PKG_RE = /^\s*(?:package|namespace)\s+([\w.\\]+)/;

export function textOutline(text: string): FileOutline {
  const definitions: Definition[] = [];
  const stack: { name: string; depth: number; def?: number }[] = [];
  const open: { index: number; depth: number; opened: boolean }[] = [];
  let depth = 0;
  let pkg: string | undefined;
  const lines = text.split('\n', MAX_LINES);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.length > 2000) continue;
    const line = raw.replace(/\/\/.*$|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
    if (pkg === undefined) { const p = PKG_RE.exec(line); if (p) pkg = p[1]!.replace(/;$/, ''); }
    const containers = stack.map(s => s.name);
    const t = TYPE_RE.exec(line);
    let declared: Definition | undefined;
    if (t && !/^\s*(?:import|\*|\/\*)/.test(line)) {
      declared = { kind: 'class', name: t[1]!, containers, line: i + 1, endLine: i + 1 };
    } else {
      const f = FUN_RE.exec(line) ?? (NOT_METHOD.test(line) || /[=.]\s*[A-Za-z_$][\w$]*\s*\(/.test(line.split('(')[0] + '(') ? null : METHOD_RE.exec(line));
      if (f) declared = { kind: containers.length > 0 ? 'method' : 'function', name: f[1]!, containers, line: i + 1, endLine: i + 1 };
    }
    if (declared && definitions.length < MAX_DEFINITIONS) { definitions.push(declared); open.push({ index: definitions.length - 1, depth, opened: false }); }
    for (const ch of line) {
      if (ch === '{') {
        depth++;
        const last = open[open.length - 1];
        if (last && !last.opened && last.depth === depth - 1) {
          last.opened = true;
          // nesting is capped: hostile input must not make every definition copy a huge container list
          if (definitions[last.index]!.kind === 'class' && stack.length < MAX_NESTING) stack.push({ name: definitions[last.index]!.name, depth });
        }
      } else if (ch === '}') {
        while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
        depth = Math.max(0, depth - 1);
        while (open.length > 0 && open[open.length - 1]!.depth >= depth && (open[open.length - 1]!.opened || open[open.length - 1]!.depth > depth)) {
          const o = open.pop()!;
          const d = definitions[o.index]!;
          definitions[o.index] = { ...d, endLine: i + 1 };
        }
      }
    }
  }
  return { language: 'java', ...(pkg !== undefined ? { package: pkg } : {}), definitions, literals: [], truncated: true };
}
