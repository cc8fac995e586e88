// What a parser tells the mapping engine about one source file: the definitions it declares (classes, functions,
// methods, with their lines) and the string literals it holds with the call or annotation they are an argument of.
// The engine never reads a syntax tree itself; it matches span data (qualified names, span names, routes, SQL,
// URLs, RPC methods) against these outlines. Lines are 1-based, as in span attributes and stack traces.

/** Languages with a tree-sitter grammar in @vscode/tree-sitter-wasm (the grammars VS Code itself ships). */
export type SyntaxLanguage =
  | 'java' | 'csharp' | 'go' | 'python' | 'javascript' | 'typescript' | 'tsx' | 'ruby' | 'php' | 'rust' | 'cpp';

export type DefinitionKind =
  | 'class' | 'interface' | 'enum' | 'struct' | 'record' | 'module' | 'function' | 'method' | 'constructor';

export interface Definition {
  readonly kind: DefinitionKind;
  /** The short name as declared: `placeOrder`, `OrderService`, a Go method's own name. */
  readonly name: string;
  /** Enclosing type and module names inside this file, outermost first: `['OrderService', 'Audit']`. */
  readonly containers: readonly string[];
  /** Go methods: the receiver's type name without `*` (`Service` for `func (s *Service) Place()`). */
  readonly receiver?: string;
  /** 1-based line of the declared name. */
  readonly line: number;
  /** 1-based last line of the declaration (its body's end). */
  readonly endLine: number;
  /** Parameter types as written, for ranking overloads (`['String', 'int']`); absent where the language has none. */
  readonly paramTypes?: readonly string[];
}

export interface StringLiteral {
  /** The literal's text with quotes removed and simple escapes decoded; template/f-string holes kept as written. */
  readonly value: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /**
   * The call, annotation, attribute or decorator this literal is a direct argument of, by its last name:
   * `Start` (tracer.Start), `startActiveSpan`, `WithSpan`, `GetMapping`, `get` (app.get), `HandleFunc`, `route`.
   */
  readonly callee?: string;
  /** The object the callee is called on, by its last name (`app` in app.get, `r` in r.HandleFunc), when any. */
  readonly receiver?: string;
  /** True when the callee is an annotation, attribute or decorator rather than a call. */
  readonly annotation?: boolean;
  /** 0-based position among the call's arguments (or the annotation's `value`/first element). */
  readonly argIndex?: number;
  /** Index into `FileOutline.definitions` of the innermost function or method around the literal, if any. */
  readonly enclosing?: number;
}

export interface FileOutline {
  readonly language: SyntaxLanguage;
  /** Java/Kotlin package, Go package name, PHP namespace, the first C# namespace. */
  readonly package?: string;
  /** C#: every namespace declared (file-scoped or block). */
  readonly namespaces?: readonly string[];
  readonly definitions: readonly Definition[];
  readonly literals: readonly StringLiteral[];
  /** Set when a size or count limit cut the outline short (span data and workspaces are untrusted). */
  readonly truncated?: boolean;
}

/**
 * Outlines files on demand. The Node implementation parses in a worker thread (the grammars load lazily, once)
 * and caches each outline by path and version, so the extension host and the CLI are never blocked by a parse.
 */
export interface SyntaxService {
  /** The grammar for a file name, or undefined when none fits (the engine then falls back to plain text). */
  languageOf(path: string): SyntaxLanguage | undefined;
  /** `version` is any string that changes when the text does (a document version, an mtime+size); omitted: no cache. */
  outline(path: string, text: string, version?: string): Promise<FileOutline | undefined>;
  dispose(): void;
}
