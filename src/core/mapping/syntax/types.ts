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
  /** 1-based line of the declared name (of the `new`, lambda or `func` for anonymous definitions). */
  readonly line: number;
  /** 1-based last line of the declaration (its body's end). */
  readonly endLine: number;
  /** Parameter types as written, for ranking overloads (`['String', 'int']`); absent where the language has none. */
  readonly paramTypes?: readonly string[];
  /**
   * Index into `FileOutline.definitions` of the innermost definition around this one (a method's class, a nested
   * class's outer class, an anonymous class's enclosing method). Follow it outward to find, for example, the
   * method an anonymous class or a lambda was written in.
   */
  readonly parent?: number;
  /**
   * Set on definitions the source gives no name of their own, named the way the runtime names them:
   * - Java anonymous classes: `name` is the javac index (`'1'` for `OrderService$1`), numbered per directly
   *   enclosing class in source order; `containers` holds the enclosing classes, and the methods inside list the
   *   anonymous class among their containers (`run` in `OrderService$1` has containers `['OrderService', '1']`).
   *   `parent` is the method (or field's class) the `new` appears in. Enum constants with a body count the same way.
   * - Java lambdas (kind `function`): `name` is javac's `lambda$<method>$<n>` (`lambda$placeOrder$0`), where
   *   `<method>` is the enclosing method (`new` in constructors and instance initializers, `static` in static ones)
   *   and `<n>` counts lambdas per class in source order (outer before inner); javac may number nested lambdas
   *   differently, so rank by the `lambda$<method>$` prefix first.
   * - (Java local classes are not anonymous: they keep their declared `name`, but what they hold lists javac's
   *   segment among its containers: `audit` in a class `Local` declared in a method of `OrderService` has
   *   containers `['OrderService', '1Local']`, as in `OrderService$1Local`.)
   * - Go function literals (kind `function`): `func1`, `func2` per enclosing function, nested ones `func1.1`,
   *   as in Go's runtime names (`main.handler.func1`).
   */
  readonly anonymous?: boolean;
  /**
   * The annotations, decorators or attributes applied to the definition, by their last name, in source order
   * (`['WithSpan', 'GetMapping']`, `['route']` for `@app.route("/x")`, `['HttpGet']`), so one without a string
   * argument (`@WithSpan`, `[HttpPost]`) is still visible. Annotations on parameters count for their method
   * (`@Param('id')`). Absent when none.
   */
  readonly annotations?: readonly string[];
  /** C#: the namespace the definition is declared in (block or file-scoped), when any. */
  readonly namespace?: string;
}

export interface StringLiteral {
  /** The literal's text with quotes removed and simple escapes decoded; template/f-string holes kept as written. */
  readonly value: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units (as VS Code counts), of the literal's opening quote or prefix. */
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
  /**
   * Index into `FileOutline.definitions` of the innermost function or method around the literal, if any. This
   * can be a Java lambda or a Go closure (`anonymous`); follow `Definition.parent` to the named one.
   */
  readonly enclosing?: number;
  /** The name of a named argument, annotation element or object key the literal is the value of: `path` in
   * `@RequestMapping(path = "/x")`, `to` in Rails `get '/x', to: 'c#a'`, `url` in `fastify.route({ url: '/x' })`. */
  readonly argName?: string;
  /** For annotation/decorator/attribute literals: index into `FileOutline.definitions` of the declaration it
   * decorates (the method under `@GetMapping`, the function under `@app.route`). */
  readonly target?: number;
  /** The variable, constant or field the literal is assigned to when it is not a call argument (`FIND_ORDER` in
   * `const FIND_ORDER = "SELECT …"`). */
  readonly assignedTo?: string;
  /** True for template literals, f-strings and interpolated strings: `value` keeps the holes as written. */
  readonly template?: boolean;
  /** True for Ruby symbols (`:orders` in `resources :orders`); `value` is the name without the colon. */
  readonly symbol?: boolean;
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
  /** Why the file was not outlined (too large, parse timed out, grammar failed to load); the lists are then empty. */
  readonly skipped?: string;
  /** True when the parser had to recover from syntax errors (the outline is still as complete as the tree). */
  readonly hasErrors?: boolean;
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
