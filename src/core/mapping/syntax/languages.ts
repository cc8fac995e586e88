// Which tree-sitter grammar parses a file, by its name. The grammars are the ones @vscode/tree-sitter-wasm ships
// (VS Code's own); a file whose extension is not listed gets no outline and the engine falls back to plain text.
import type { SyntaxLanguage } from './types';

const BY_EXTENSION: Readonly<Record<string, SyntaxLanguage>> = {
  java: 'java',
  cs: 'csharp',
  go: 'go',
  py: 'python', pyi: 'python',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'tsx',
  rb: 'ruby', rake: 'ruby', ru: 'ruby',
  php: 'php',
  rs: 'rust',
  // The C++ grammar parses C well enough for definitions and literals.
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', 'c++': 'cpp', hh: 'cpp', hpp: 'cpp', hxx: 'cpp', h: 'cpp', c: 'cpp',
};

/** Ruby files known by their whole name. */
const BY_NAME: Readonly<Record<string, SyntaxLanguage>> = { Rakefile: 'ruby', Gemfile: 'ruby' };

export function languageOfPath(path: string): SyntaxLanguage | undefined {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const named = Object.prototype.hasOwnProperty.call(BY_NAME, base) ? BY_NAME[base] : undefined;
  if (named) return named;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = base.slice(dot + 1).toLowerCase();
  return Object.prototype.hasOwnProperty.call(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
}

/** The .wasm file of each language's grammar in @vscode/tree-sitter-wasm's `wasm/` folder. */
export const GRAMMAR_FILES: Readonly<Record<SyntaxLanguage, string>> = {
  java: 'tree-sitter-java.wasm',
  csharp: 'tree-sitter-c-sharp.wasm',
  go: 'tree-sitter-go.wasm',
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  ruby: 'tree-sitter-ruby.wasm',
  php: 'tree-sitter-php.wasm',
  rust: 'tree-sitter-rust.wasm',
  cpp: 'tree-sitter-cpp.wasm',
};

export const SYNTAX_LANGUAGES: readonly SyntaxLanguage[] = Object.keys(GRAMMAR_FILES) as SyntaxLanguage[];
