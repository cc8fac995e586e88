// Turns a tree-sitter syntax tree into a FileOutline: the definitions (with their nesting) and the string literals
// (with the call or annotation they are an argument of). Pure: the caller (src/worker/syntax) loads web-tree-sitter
// and the grammar and passes the Language and the Query class in, so this runs anywhere, tests included.
//
// How: two queries per grammar (queries.ts) find the definition and string nodes; the definitions, sorted by
// position, are swept once with a stack (tree nodes nest, so the stack holds exactly the enclosing definitions),
// which gives containers, parents and the synthetic names of anonymous classes and lambdas without walking the
// tree. A literal's call is found by climbing at most a few parents from the literal (through concatenations,
// parentheses, arrays, named-argument wrappers) to an argument list.
import type { Language, Node, Query, QueryCapture, Tree } from '@vscode/tree-sitter-wasm';
import { QUERIES } from './queries';
import type { Definition, DefinitionKind, FileOutline, StringLiteral, SyntaxLanguage } from './types';

export interface OutlineLimits {
  /** Literals kept per file; the rest are dropped and the outline marked truncated. */
  readonly maxLiterals: number;
  /** Characters kept of one literal's value. */
  readonly maxLiteralLength: number;
  readonly maxDefinitions: number;
}

export const DEFAULT_OUTLINE_LIMITS: OutlineLimits = { maxLiterals: 5000, maxLiteralLength: 2000, maxDefinitions: 20000 };

export interface Outliner {
  readonly language: SyntaxLanguage;
  /** `source` is the text the tree was parsed from (offsets index into it). */
  outline(tree: Tree, source: string): FileOutline;
  dispose(): void;
}

type QueryClass = new (language: Language, source: string) => Query;

/** Compiles the language's queries once; the outliner is then reused for every file of that language. */
export function createOutliner(language: SyntaxLanguage, grammar: Language, QueryCtor: QueryClass, limits: OutlineLimits = DEFAULT_OUTLINE_LIMITS): Outliner {
  const q = QUERIES[language];
  const defs = new QueryCtor(grammar, q.definitions);
  const strings = new QueryCtor(grammar, q.strings);
  // Every node type a literal's context is read from, as far as this grammar has it (a query naming a type the
  // grammar lacks does not compile).
  const contextTypes = [...CONTEXT_TYPES].filter(t => grammar.idForNodeType(t, true) !== null);
  const context = new QueryCtor(grammar, `[${contextTypes.map(t => `(${t})`).join(' ')}] @ctx`);
  const annotationTypes = ANNOTATION_TYPES[language] ?? [];
  const annotations = annotationTypes.length ? new QueryCtor(grammar, `[${annotationTypes.map(t => `(${t})`).join(' ')}] @annotation`) : undefined;
  return {
    language,
    outline: (tree, source) => outlineTree(language, tree, source, { defs, strings, context, annotations }, limits),
    dispose: () => { defs.delete(); strings.delete(); context.delete(); annotations?.delete(); },
  };
}

// ---- definitions ----------------------------------------------------------------------------------------------

type RawKind = DefinitionKind | 'anonymous' | 'lambda' | 'scope' | 'namespace';
const RAW_KINDS = new Set<string>(['class', 'interface', 'enum', 'struct', 'record', 'module', 'function', 'method', 'constructor', 'anonymous', 'lambda', 'scope', 'namespace']);
const TYPE_KINDS = new Set<RawKind>(['class', 'interface', 'enum', 'struct', 'record', 'module', 'anonymous', 'scope']);
const FUNCTION_KINDS = new Set<RawKind>(['function', 'method', 'constructor', 'lambda']);

interface RawDef {
  readonly kind: RawKind;
  readonly node: Node;
  readonly nameNode: Node | undefined;
  readonly start: number;
  readonly end: number;
}

interface Open {
  readonly raw: RawDef;
  readonly kind: RawKind;
  /** Name parts this entry adds to the containers of what it holds (a Ruby `class A::B` adds two). */
  readonly containerParts: readonly string[];
  readonly name: string;
  readonly index: number | undefined;
  /** Java: the method name javac uses in lambda names for lambdas inside this entry. */
  readonly jvmMethod?: string;
  anonymousCount: number;
  lambdaCount: number;
  /** Java: local classes declared so far per name, for javac's `Outer$1Local` numbering. */
  localClasses?: Map<string, number>;
}

const CONSTRUCTOR_NAMES: Partial<Record<SyntaxLanguage, string>> = { python: '__init__', php: '__construct', ruby: 'initialize', javascript: 'constructor', typescript: 'constructor', tsx: 'constructor' };

/** Annotation-like nodes per grammar, whose names are listed on the definition they apply to. */
const ANNOTATION_TYPES: Partial<Record<SyntaxLanguage, readonly string[]>> = {
  java: ['annotation', 'marker_annotation'], csharp: ['attribute'], php: ['attribute'], rust: ['attribute'],
  python: ['decorator'], javascript: ['decorator'], typescript: ['decorator'], tsx: ['decorator'],
};
/** At most this many annotation names are kept per definition. */
const MAX_ANNOTATIONS = 16;

interface Queries {
  readonly defs: Query;
  readonly strings: Query;
  readonly context: Query;
  readonly annotations: Query | undefined;
}

function outlineTree(language: SyntaxLanguage, tree: Tree, source: string, queries: Queries, limits: OutlineLimits): FileOutline {
  const { defs: defsQuery, strings: stringsQuery, context: contextQuery } = queries;
  const root = tree.rootNode;
  let truncated = false;
  let pkg: string | undefined;
  const raws: RawDef[] = [];
  const namespaceNodes: Array<{ name: string; readonly start: number; readonly end: number; readonly fileScoped: boolean }> = [];
  for (const m of defsQuery.matches(root)) {
    let main: QueryCapture | undefined;
    let nameNode: Node | undefined;
    for (const c of m.captures) {
      if (c.name === 'name' || c.name === 'declarator') nameNode = c.node;
      else if (c.name === 'package') pkg ??= c.node.text;
      else if (RAW_KINDS.has(c.name)) main = c;
    }
    if (!main) continue;
    if (main.name === 'namespace') {
      namespaceNodes.push({ name: nameNode?.text ?? '', start: main.node.startIndex, end: main.node.endIndex, fileScoped: main.node.type === 'file_scoped_namespace_declaration' });
      continue;
    }
    if (language === 'cpp' && main.name === 'function') nameNode = cppFunctionName(nameNode);
    if (main.name !== 'anonymous' && main.name !== 'lambda' && !nameNode) continue;
    raws.push({ kind: main.name as RawKind, node: main.node, nameNode, start: main.node.startIndex, end: main.node.endIndex });
  }
  // Outer before inner: by start, then the longer first. A node matched twice (two patterns) is kept once.
  raws.sort((a, b) => a.start - b.start || b.end - a.end);

  const definitions: Definition[] = [];
  const defNodeIds = new Map<number, number>();
  const stack: Open[] = [];
  // A block namespace inside another is named in full (`Shop.Legacy.Inner`), as C# qualifies it.
  // Outer first, so the innermost outer one already has its full name.
  namespaceNodes.sort((a, b) => a.start - b.start);
  namespaceNodes.forEach((n, i) => {
    for (let j = i - 1; j >= 0; j--) {
      const o = namespaceNodes[j]!;
      if (!o.fileScoped && n.end <= o.end) {
        n.name = `${o.name}.${n.name}`;
        break;
      }
    }
  });
  const namespaces = namespaceNodes.map(n => n.name);
  let lastRaw: RawDef | undefined;
  for (const raw of raws) {
    if (lastRaw && lastRaw.node.id === raw.node.id) continue;
    lastRaw = raw;
    while (stack.length && stack[stack.length - 1]!.raw.end <= raw.start) stack.pop();
    const containers: string[] = [];
    for (const o of stack) if (TYPE_KINDS.has(o.kind)) containers.push(...o.containerParts);
    let parent: number | undefined;
    for (let i = stack.length - 1; i >= 0 && parent === undefined; i--) parent = stack[i]!.index;
    const inner = stack.length ? stack[stack.length - 1] : undefined;
    let innerType: Open | undefined;
    for (let i = stack.length - 1; i >= 0 && !innerType; i--) if (TYPE_KINDS.has(stack[i]!.kind)) innerType = stack[i];

    let kind: DefinitionKind;
    let name: string;
    let anonymous = false;
    let jvmMethod: string | undefined;
    let containerParts: string[] = [];
    if (raw.kind === 'anonymous') {
      // javac: Outer$1, Outer$2 … per directly enclosing class, in source order.
      kind = 'class';
      anonymous = true;
      name = String(innerType ? ++innerType.anonymousCount : 1);
      containerParts = [name];
    } else if (raw.kind === 'lambda') {
      kind = 'function';
      anonymous = true;
      if (language === 'java') {
        // The enclosing method's name (a lambda inside a lambda inherits it); outside any method, the initializer's.
        jvmMethod = (inner && FUNCTION_KINDS.has(inner.kind) ? inner.jvmMethod : javaInitializerKind(raw.node)) ?? 'new';
        name = `lambda$${jvmMethod}$${innerType ? innerType.lambdaCount++ : 0}`;
      } else {
        // Go: closures are funcN inside their function, funcN.M inside another closure.
        const n = inner ? ++inner.lambdaCount : 1;
        name = inner?.kind === 'lambda' ? `${inner.name}.${n}` : `func${n}`;
      }
    } else if (raw.kind === 'scope') {
      name = simpleName(raw.nameNode!, source);
      stack.push({ raw, kind: 'scope', containerParts: [name], name, index: undefined, anonymousCount: 0, lambdaCount: 0 });
      continue;
    } else {
      const parts = qualifiedParts(raw.nameNode!, source, language);
      name = parts[parts.length - 1]!;
      containers.push(...parts.slice(0, -1));
      containerParts = parts;
      kind = raw.kind as DefinitionKind;
      // Functions directly in a class (or Ruby module, Rust impl/trait) are methods; in a TypeScript namespace or a
      // Rust module they stay functions.
      const innerIsType = inner !== undefined && TYPE_KINDS.has(inner.kind) && (inner.kind !== 'module' || language === 'ruby');
      if (kind === 'function' && (innerIsType || (language === 'cpp' && parts.length > 1))) kind = 'method';
      if ((kind === 'method' || kind === 'function') && (name === CONSTRUCTOR_NAMES[language] || (language === 'cpp' && containers.length > 0 && name === containers[containers.length - 1]))) kind = 'constructor';
      if (language === 'java') jvmMethod = kind === 'constructor' ? 'new' : name;
      // javac names a class declared inside a method Outer$1Local (the index counts same-named local classes of
      // the enclosing class); what it holds lists that binary segment among its containers.
      if (language === 'java' && TYPE_KINDS.has(kind) && inner && FUNCTION_KINDS.has(inner.kind) && innerType) {
        innerType.localClasses ??= new Map();
        const n = (innerType.localClasses.get(name) ?? 0) + 1;
        innerType.localClasses.set(name, n);
        containerParts = [`${n}${name}`];
      }
    }

    if (definitions.length >= limits.maxDefinitions) {
      truncated = true;
      break;
    }
    const index = definitions.length;
    const nameStart = raw.nameNode && raw.kind !== 'lambda' && raw.kind !== 'anonymous' ? raw.nameNode.startPosition : raw.node.startPosition;
    const def: Mutable<Definition> = {
      kind,
      name,
      containers,
      line: nameStart.row + 1,
      endLine: raw.node.endPosition.row + 1,
    };
    if (parent !== undefined) def.parent = parent;
    if (anonymous) def.anonymous = true;
    if (language === 'go' && raw.kind === 'method') {
      const receiver = goReceiver(raw.node, source);
      if (receiver) def.receiver = receiver;
    }
    if ((language === 'java' || language === 'csharp') && FUNCTION_KINDS.has(raw.kind) && raw.kind !== 'lambda') {
      def.paramTypes = paramTypes(raw.node, source);
    }
    if (namespaceNodes.length) {
      const ns = namespaceOf(namespaceNodes, raw.start);
      if (ns) def.namespace = ns;
    }
    definitions.push(def);
    defNodeIds.set(raw.node.id, index);
    stack.push({ raw, kind: raw.kind, containerParts, name, index, ...(jvmMethod ? { jvmMethod } : {}), anonymousCount: 0, lambdaCount: 0 });
  }

  // ---- literals ----
  const literals: StringLiteral[] = [];
  const functionStack: Array<{ end: number; index: number }> = [];
  const functionDefs = raws.filter(r => FUNCTION_KINDS.has(r.kind) && defNodeIds.has(r.node.id));
  let nextFn = 0;
  // All definitions around the current literal, for finding what an annotation decorates.
  const emitted = raws.filter(r => defNodeIds.has(r.node.id));
  const defStack: RawDef[] = [];
  let nextDef = 0;
  // The nodes a literal's context can be read from (argument lists, calls, pairs…), outer before inner, swept with
  // a stack like the definitions: at each literal the stack holds its such ancestors, so the context is read
  // without asking tree-sitter for parents (a parent lookup walks down from the root: quadratic in big files).
  // (endIndex is read from wasm on every access: it is read once per node here.)
  const contextNodes = contextQuery.captures(root).map(c => ({ node: c.node, start: c.node.startIndex, end: c.node.endIndex }));
  contextNodes.sort((a, b) => a.start - b.start || b.end - a.end);
  const contextStack: Array<{ node: Node; start: number; end: number }> = [];
  let nextCtx = 0;
  // In source order (the sweeps above rely on it); a literal inside another (a string in an f-string's hole) is
  // kept too, the same node captured twice is not.
  const captures = stringsQuery.captures(root).sort((a, b) => a.node.startIndex - b.node.startIndex);
  let lastStart = -1;
  for (const cap of captures) {
    const node = cap.node;
    const start = node.startIndex;
    if (start === lastStart) continue;
    if (literals.length >= limits.maxLiterals) {
      truncated = true;
      break;
    }
    lastStart = start;
    while (nextFn < functionDefs.length && functionDefs[nextFn]!.start <= start) {
      const f = functionDefs[nextFn++]!;
      while (functionStack.length && functionStack[functionStack.length - 1]!.end <= f.start) functionStack.pop();
      functionStack.push({ end: f.end, index: defNodeIds.get(f.node.id)! });
    }
    while (functionStack.length && functionStack[functionStack.length - 1]!.end <= start) functionStack.pop();
    while (nextDef < emitted.length && emitted[nextDef]!.start <= start) {
      const d = emitted[nextDef++]!;
      while (defStack.length && defStack[defStack.length - 1]!.end <= d.start) defStack.pop();
      defStack.push(d);
    }
    while (defStack.length && defStack[defStack.length - 1]!.end <= start) defStack.pop();
    const end = node.endIndex;
    while (nextCtx < contextNodes.length && contextNodes[nextCtx]!.start <= start) {
      const c = contextNodes[nextCtx++]!;
      while (contextStack.length && contextStack[contextStack.length - 1]!.end <= c.start) contextStack.pop();
      contextStack.push(c);
    }
    while (contextStack.length && contextStack[contextStack.length - 1]!.end < end) contextStack.pop();
    const decoded = literalValue(language, node, source, limits.maxLiteralLength);
    if (decoded.truncated) truncated = true;
    const lit: Mutable<StringLiteral> = { value: decoded.value, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
    if (decoded.template) lit.template = true;
    if (decoded.symbol) lit.symbol = true;
    const around = { defNodeIds, root, defStack };
    literalContext(language, node, source, lit, around, ancestorsOf(node, contextStack));
    if (functionStack.length) lit.enclosing = functionStack[functionStack.length - 1]!.index;
    literals.push(lit);
  }

  if (queries.annotations) annotateDefinitions(queries.annotations, root, source, definitions, raws.filter(r => defNodeIds.has(r.node.id)), defNodeIds);

  const outline: Mutable<FileOutline> = { language, definitions, literals };
  if (pkg !== undefined) outline.package = pkg.replace(/\s+/g, '');
  if (language === 'csharp' && namespaces.length) {
    outline.namespaces = namespaces;
    outline.package = namespaces[0];
  }
  if (truncated) outline.truncated = true;
  if (root.hasError) outline.hasErrors = true;
  return outline;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function namespaceOf(nodes: ReadonlyArray<{ name: string; start: number; end: number; fileScoped: boolean }>, at: number): string | undefined {
  let best: string | undefined;
  for (const n of nodes) {
    // A file-scoped namespace covers everything after it; a block one what it encloses (innermost wins: later start).
    if (n.fileScoped ? n.start <= at : n.start <= at && at < n.end) best = n.name;
  }
  return best;
}

/** javac names lambdas in field initializers after `<init>`/`<clinit>`: `lambda$new$0`, `lambda$static$0`. */
function javaInitializerKind(lambda: Node): string {
  let n: Node | null = lambda.parent;
  for (let depth = 0; n && depth < 40; depth++, n = n.parent) {
    if (n.type === 'static_initializer') return 'static';
    if (n.type === 'field_declaration' || n.type === 'constant_declaration') {
      const mods = n.children.find(c => c?.type === 'modifiers');
      return n.type === 'constant_declaration' || /\bstatic\b/.test(mods?.text ?? '') ? 'static' : 'new';
    }
    if (n.type === 'class_body' || n.type === 'enum_body' || n.type === 'interface_body') break;
  }
  return 'new';
}

/** A declared name split into its qualifying parts: Ruby `A::B`, C++ `Service::place`. */
function qualifiedParts(nameNode: Node, source: string, language: SyntaxLanguage): string[] {
  const text = source.slice(nameNode.startIndex, nameNode.endIndex);
  if ((language === 'ruby' || language === 'cpp' || language === 'rust') && text.includes('::')) {
    const parts = text.split('::').map(s => s.trim()).filter(Boolean);
    if (parts.length) return parts;
  }
  return [simpleName(nameNode, source)];
}

/** A type or name node's own name without generics or pointer marks: `Service` for `Service<T>`, `*Service`. */
function simpleName(node: Node, source: string): string {
  let n: Node | null = node;
  for (let depth = 0; n && depth < 6; depth++) {
    const t = n.type;
    if (t === 'generic_type' || t === 'generic_name' || t === 'pointer_type' || t === 'reference_type' || t === 'template_type' || t === 'scoped_type_identifier') {
      n = n.childForFieldName('type') ?? n.childForFieldName('name') ?? n.namedChildren.find(c => c !== null && /identifier|name/.test(c.type)) ?? n.firstNamedChild;
      continue;
    }
    break;
  }
  const text = source.slice((n ?? node).startIndex, (n ?? node).endIndex);
  const cleaned = text.replace(/<[\s\S]*$/, '').replace(/^[*&\s]+/, '').trim();
  const last = cleaned.split(/::|\./).pop() ?? cleaned;
  return last || text;
}

/** The name node inside a C++ function definition's declarator (through pointer/reference declarators). */
function cppFunctionName(declarator: Node | undefined): Node | undefined {
  let n: Node | null | undefined = declarator;
  for (let depth = 0; n && depth < 8; depth++) {
    if (n.type === 'function_declarator') return n.childForFieldName('declarator') ?? undefined;
    n = n.childForFieldName('declarator');
  }
  return undefined;
}

function goReceiver(method: Node, source: string): string | undefined {
  const params = method.childForFieldName('receiver');
  const decl = params?.namedChildren.find(c => c?.type === 'parameter_declaration');
  const type = decl?.childForFieldName('type');
  return type ? simpleName(type, source) : undefined;
}

/** Java and C# parameter types as written (whitespace collapsed), `String...` for varargs, `params string[]`. */
function paramTypes(fn: Node, source: string): string[] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  const out: string[] = [];
  for (const p of list.namedChildren) {
    if (!p) continue;
    const text = (n: Node) => text0(n, source);
    if (p.type === 'formal_parameter' || p.type === 'parameter') {
      const type = p.childForFieldName('type');
      if (type) out.push(text(type));
    } else if (p.type === 'spread_parameter') {
      const type = p.namedChildren.find(c => c !== null && c.type !== 'modifiers' && c.type !== 'variable_declarator');
      if (type) out.push(`${text(type)}...`);
    }
  }
  // tree-sitter-c-sharp puts a `params` array's type beside the parameters, not in a parameter node.
  if (list.type === 'parameter_list') {
    for (let i = 0; i < list.childCount; i++) {
      const c = list.child(i);
      if (c && c.type !== 'parameter' && list.fieldNameForChild(i) === 'type') out.push(`params ${text0(c, source)}`);
    }
  }
  return out;
}

function text0(n: Node, source: string): string {
  return source.slice(n.startIndex, n.endIndex).replace(/\s+/g, ' ');
}

// ---- literal values ---------------------------------------------------------------------------------------------

const DELIMITER_TYPES = new Set(['string_start', 'string_end', 'raw_string_start', 'raw_string_end', 'interpolation_start', 'heredoc_start', 'heredoc_end', 'raw_string_delimiter', 'string_literal_encoding']);

interface Decoded { value: string; template?: boolean; symbol?: boolean; truncated?: boolean }

function literalValue(language: SyntaxLanguage, node: Node, source: string, max: number): Decoded {
  const type = node.type;
  const text = (a: number, b: number) => source.slice(a, b);
  if (type === 'simple_symbol') return bound({ value: text(node.startIndex + 1, node.endIndex), symbol: true }, max);
  if (type === 'verbatim_string_literal') {
    // @"…" with "" for a quote; no escapes.
    return bound({ value: text(node.startIndex + 2, node.endIndex - 1).replace(/""/g, '"') }, max);
  }
  // The content between the leading and trailing delimiter tokens (quotes, prefixes, `"""`, `R"x(`), found by
  // stepping over siblings from both ends (most literals have three children; their arrays are not built).
  let head = node.firstChild;
  let opened: Node | null = null;
  while (head && isDelimiter(head)) { opened = head; head = head.nextSibling; }
  let tail = node.lastChild;
  while (tail && isDelimiter(tail) && (!head || tail.startIndex > head.startIndex)) tail = tail.previousSibling;
  let start: number;
  let end: number;
  if (!node.firstChild) {
    start = node.startIndex;
    end = node.endIndex;
  } else if (!head || !tail || tail.endIndex <= head.startIndex && !sameNode(head, tail)) {
    start = end = opened ? opened.endIndex : node.startIndex; // only delimiters: the empty string
  } else {
    start = head.startIndex;
    end = tail.endIndex;
  }
  // Only a bounded prefix is ever decoded (a 1 MB literal costs no more than a short one).
  const over = end - start > max * 2;
  let raw = text(start, over ? start + max * 2 : end);
  const opener = text(node.startIndex, opened ? opened.endIndex : node.startIndex);
  const hasChild = (types: readonly string[]) => {
    for (let c = head; c && c.startIndex < end; c = c.nextSibling) if (types.includes(c.type)) return true;
    return false;
  };
  let template = false;
  let escapes: 'all' | 'quotes' | 'none' = 'all';
  switch (language) {
    case 'python': {
      const prefix = opener.replace(/["']/g, '').toLowerCase();
      if (prefix.includes('r')) escapes = 'none';
      if (prefix.includes('f') || prefix.includes('t')) template = true;
      break;
    }
    case 'javascript': case 'typescript': case 'tsx':
      template = type === 'template_string' && hasChild(['template_substitution']);
      break;
    case 'go':
      if (type === 'raw_string_literal') escapes = 'none';
      break;
    case 'java':
      if (opener.startsWith('"""')) raw = stripJavaTextBlock(raw);
      break;
    case 'csharp':
      if (type === 'raw_string_literal') {
        escapes = 'none';
        raw = stripRawStringIndent(raw);
      }
      if (type === 'interpolated_string_expression') {
        template = true;
        if (opener.includes('@') || opener.includes('"""')) escapes = 'none';
      }
      break;
    case 'ruby': case 'php':
      if (opener.startsWith("'") || opener.startsWith('%q') || type === 'nowdoc') escapes = 'quotes';
      template = hasChild(['interpolation', 'variable_name', 'simple_variable', 'member_access_expression']);
      break;
    case 'rust': case 'cpp':
      if (type === 'raw_string_literal') escapes = 'none';
      break;
  }
  const value = escapes === 'none' ? raw : decodeEscapes(raw, escapes === 'quotes');
  const out = bound({ value, ...(template ? { template } : {}) }, max);
  if (over) out.truncated = true;
  return out;
}

function isDelimiter(n: Node | null): boolean {
  return n !== null && (!n.isNamed || DELIMITER_TYPES.has(n.type));
}

function bound(d: Decoded, max: number): Decoded {
  if (d.value.length <= max) return d;
  return { ...d, value: d.value.slice(0, max), truncated: true };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0', '\\': '\\', '"': '"', "'": "'", '`': '`', $: '$', '/': '/' };

/** Decodes the escapes most languages share; `quotesOnly` for single-quoted Ruby/PHP strings (\\ and \' only). */
function decodeEscapes(s: string, quotesOnly: boolean): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1]!;
    if (quotesOnly) {
      if (e === '\\' || e === "'") { out += e; i++; } else out += c;
      continue;
    }
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (e === '\n') {
      i++; // a line continuation
    } else if (Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
      out += SIMPLE_ESCAPES[e];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Lists each annotation's (decorator's, attribute's) name on the definition it applies to. */
function annotateDefinitions(query: Query, root: Node, source: string, definitions: Array<Mutable<Definition>>, emitted: readonly RawDef[], defNodeIds: ReadonlyMap<number, number>): void {
  const nodes = query.captures(root).map(c => c.node);
  nodes.sort((a, b) => a.startIndex - b.startIndex);
  const defStack: RawDef[] = [];
  let nextDef = 0;
  for (const node of nodes) {
    const start = node.startIndex;
    while (nextDef < emitted.length && emitted[nextDef]!.start <= start) {
      const d = emitted[nextDef++]!;
      while (defStack.length && defStack[defStack.length - 1]!.end <= d.start) defStack.pop();
      defStack.push(d);
    }
    while (defStack.length && defStack[defStack.length - 1]!.end <= start) defStack.pop();
    const target = decoratedDefinition(node, { defNodeIds, root, defStack });
    if (target === undefined) continue;
    // Java/C#: the name field; decorators: the expression (`app.route(...)` → route); PHP/Rust: the first child.
    const nameNode = node.childForFieldName('name') ?? node.firstNamedChild;
    const name = nameNode ? lastName(nameNode, source) : '';
    const def = definitions[target]!;
    const list = (def.annotations ??= []) as string[];
    if (name && list.length < MAX_ANNOTATIONS) list.push(name);
  }
}

/** A multi-line C# raw string as the compiler sees it: the first and last line breaks and the closing line's
 * indentation removed. */
function stripRawStringIndent(raw: string): string {
  if (!raw.includes('\n')) return raw;
  const lines = raw.split(/\r?\n/);
  const last = lines[lines.length - 1]!;
  if (lines[0]!.trim() !== '' || last.trim() !== '') return raw;
  return lines.slice(1, -1).map(l => (l.startsWith(last) ? l.slice(last.length) : l.trimStart())).join('\n');
}

/** A Java text block's content as the compiler sees it: the opening line break and incidental indentation gone. */
function stripJavaTextBlock(raw: string): string {
  const body = raw.replace(/^[ \t]*\r?\n/, '');
  const lines = body.split(/\r?\n/);
  // The closing delimiter's line counts for the indentation even when blank.
  let indent = Infinity;
  lines.forEach((l, i) => {
    if (l.trim() === '' && i !== lines.length - 1) return;
    indent = Math.min(indent, l.length - l.trimStart().length);
  });
  if (!Number.isFinite(indent)) indent = 0;
  return lines.map(l => l.slice(indent).replace(/[ \t]+$/, '')).join('\n');
}

// ---- literal context --------------------------------------------------------------------------------------------

/** Nodes holding a call's (or annotation's) arguments. */
const ARG_LISTS = new Set(['argument_list', 'arguments', 'annotation_argument_list', 'attribute_argument_list', 'token_tree']);
/** Nodes wrapping a single argument (C#, PHP). */
const ARG_WRAPPERS = new Set(['argument', 'attribute_argument']);
/** Named-argument and key/value nodes: the field holding the key. */
const NAMED: Readonly<Record<string, string>> = {
  element_value_pair: 'key', keyword_argument: 'name', pair: 'key', initializer_pair: 'designator',
};
/** Nodes climbed through on the way to the call: concatenation, parentheses, arrays, object literals. */
const TRANSPARENT = new Set([
  'binary_expression', 'binary_operator', 'parenthesized_expression', 'concatenated_string', 'chained_string',
  'element_value_array_initializer', 'array_initializer', 'array', 'list', 'tuple', 'object', 'hash', 'dictionary',
  'array_creation_expression', 'implicit_array_creation_expression', 'initializer_expression', 'collection_expression',
  'array_element_initializer', 'array_creation_expression', 'as_expression', 'satisfies_expression', 'cast_expression',
  'expression_list', 'literal_value', 'keyed_element', 'literal_element', 'string_array', 'with_item', 'await_expression',
  'jsx_expression',
]);
/** Annotation-like owners of an argument list. */
const ANNOTATIONS = new Set(['annotation', 'marker_annotation', 'attribute']);
/** Parents that make a call a decorator (Python, TypeScript). */
const DECORATORS = new Set(['decorator']);
/** Declarations and assignments: the field naming what the literal is assigned to. */
const ASSIGNMENTS: Readonly<Record<string, string>> = {
  variable_declarator: 'name', const_spec: 'name', var_spec: 'name', short_var_declaration: 'left', assignment: 'left',
  assignment_expression: 'left', augmented_assignment: 'left', const_element: 'name', let_declaration: 'pattern',
  const_item: 'name', static_item: 'name', property_element: 'name', init_declarator: 'declarator', constant_declaration: 'name',
};
/** Nodes after which a decorated declaration follows as a sibling (TypeScript class members, Rust items). */
const PRECEDING_DECORATIONS = new Set(['decorator', 'attribute_item', 'attribute_list', 'annotation', 'marker_annotation']);
/** Calls and other owners of an argument list. */
const CALLS = new Set([
  'method_invocation', 'object_creation_expression', 'explicit_constructor_invocation', 'call_expression', 'call',
  'new_expression', 'invocation_expression', 'function_call_expression', 'member_call_expression',
  'nullsafe_member_call_expression', 'scoped_call_expression', 'macro_invocation', 'implicit_object_creation_expression',
]);
const CONTEXT_TYPES = new Set([
  ...ARG_LISTS, ...ARG_WRAPPERS, ...Object.keys(NAMED), ...TRANSPARENT, ...ANNOTATIONS, ...DECORATORS,
  ...Object.keys(ASSIGNMENTS), ...CALLS, 'jsx_attribute', 'jsx_expression', 'jsx_opening_element', 'jsx_self_closing_element',
]);

/**
 * A parent lookup for the climb from a literal: the next context node on the stack when it is the direct parent
 * of the node asked about, else null (an ancestor of another type sits between: the climb stops there).
 */
function ancestorsOf(lit: Node, stack: ReadonlyArray<{ readonly node: Node }>): (n: Node) => Node | null {
  let i = stack.length - 1;
  // Skip context nodes equal to the literal itself (none are string types, but a grammar may alias one).
  while (i >= 0 && sameNode(stack[i]!.node, lit)) i--;
  // Asking twice about the same node (a look-ahead at the grandparent, then the climb itself) gives one answer.
  let asked: Node | undefined;
  let answer: Node | null = null;
  return (n: Node) => {
    if (asked && sameNode(asked, n)) return answer;
    asked = n;
    answer = null;
    if (i < 0) return null;
    const candidate = stack[i]!.node;
    const child = candidate.childWithDescendant(n);
    if (!child || !sameNode(child, n)) return null;
    i--;
    answer = candidate;
    return candidate;
  };
}

/** What a literal's annotation target is looked up in: the definitions by node, the tree, the definitions around. */
interface Around {
  readonly defNodeIds: ReadonlyMap<number, number>;
  readonly root: Node;
  readonly defStack: readonly RawDef[];
}

function literalContext(language: SyntaxLanguage, lit: Node, source: string, out: Mutable<StringLiteral>, around: Around, parentOf: (n: Node) => Node | null): void {
  let n = lit;
  let argName: string | undefined;
  for (let depth = 0; depth < 8; depth++) {
    const p = parentOf(n);
    if (!p) return;
    const t = p.type;
    if (ARG_LISTS.has(t)) {
      const owner = parentOf(p);
      if (t === 'token_tree' && owner?.type === 'token_tree') return; // a nested macro group: no call shape
      out.argIndex = t === 'token_tree' ? commasBefore(p, n) : namedIndex(p, n);
      // Rust attribute and macro arguments are loose tokens: `name = "x"` names the literal after the `=`.
      if (t === 'token_tree' && argName === undefined) {
        const eq = n.previousSibling;
        const key = eq?.type === '=' ? eq.previousSibling : null;
        if (key?.type === 'identifier') argName = nameText(key, source);
      }
      if (argName !== undefined) out.argName = argName;
      if (owner) describeCall(owner, source, out, around, parentOf(owner));
      return;
    }
    if (Object.prototype.hasOwnProperty.call(NAMED, t)) {
      const key = p.childForFieldName(NAMED[t]!);
      if (!key || sameNode(key, n)) return; // the literal is the key, not the value
      argName ??= nameText(key, source).replace(/^:/, '').replace(/:$/, '');
      n = p;
      continue;
    }
    if (t === 'jsx_attribute') {
      // `<Route path="/orders/:id">`: the attribute names the literal, the element is the "call".
      const key = p.firstNamedChild;
      if (!key || sameNode(key, n)) return;
      out.argName = argName ?? nameText(key, source);
      const element = parentOf(p);
      const name = element?.childForFieldName('name');
      if (name) out.callee = lastName(name, source);
      return;
    }
    if (ARG_WRAPPERS.has(t)) {
      // C# `template: "x"` and PHP `name: "x"` put the name beside the value inside the argument node.
      const named = p.childForFieldName('name') ?? (p.firstNamedChild && !sameNode(p.firstNamedChild, n) && p.firstNamedChild.type === 'identifier' ? p.firstNamedChild : null);
      if (named && !sameNode(named, n)) argName ??= nameText(named, source);
      n = p;
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(ASSIGNMENTS, t)) {
      // PHP's const_element has no field names: the name is its first child.
      const target = p.childForFieldName(ASSIGNMENTS[t]!) ?? (t === 'const_element' ? p.firstNamedChild : null);
      if (!target || sameNode(target, n)) return;
      const targetName = lastName(target, source);
      const pp = parentOf(p);
      // C# `[HttpGet(Name = "x")]`: an assignment inside an attribute argument names the argument.
      if (pp && (ARG_WRAPPERS.has(pp.type) || ARG_LISTS.has(pp.type))) {
        argName ??= targetName;
        n = p;
        continue;
      }
      if (targetName) out.assignedTo = targetName;
      return;
    }
    if (TRANSPARENT.has(t)) {
      n = p;
      continue;
    }
    return;
  }
}

function describeCall(owner: Node, source: string, out: Mutable<StringLiteral>, around: Around, ownerParent: Node | null): void {
  if (ANNOTATIONS.has(owner.type)) {
    const name = owner.childForFieldName('name') ?? owner.namedChildren.find(c => c !== null && c.type !== 'arguments' && c.type !== 'token_tree' && c.type !== 'attribute_argument_list') ?? null;
    if (name) out.callee = lastName(name, source);
    out.annotation = true;
    const target = decoratedDefinition(owner, around);
    if (target !== undefined) out.target = target;
    return;
  }
  const fn = owner.childForFieldName('function') ?? owner.childForFieldName('name') ?? owner.childForFieldName('method')
    ?? owner.childForFieldName('macro') ?? owner.childForFieldName('constructor') ?? owner.childForFieldName('type')
    ?? (owner.type === 'object_creation_expression' ? owner.namedChildren.find(c => c !== null && c.type !== 'arguments') ?? null : null);
  if (!fn) return;
  const explicitReceiver = owner.childForFieldName('object') ?? owner.childForFieldName('receiver') ?? owner.childForFieldName('scope');
  const split = splitMember(fn, source);
  if (split.name) out.callee = split.name;
  const receiver = explicitReceiver ? lastName(explicitReceiver, source) : split.object;
  if (receiver) out.receiver = receiver;
  if (ownerParent && DECORATORS.has(ownerParent.type)) {
    out.annotation = true;
    const target = decoratedDefinition(ownerParent, around);
    if (target !== undefined) out.target = target;
  }
}

/** The definition an annotation/decorator/attribute applies to: an ancestor (Java modifiers, C# attribute lists)
 * or, for decorations written as siblings (TypeScript members, Rust attributes, Python decorated definitions),
 * the next declaration. */
function decoratedDefinition(annotation: Node, around: Around): number | undefined {
  const { defNodeIds, defStack } = around;
  // The ancestors between the innermost definition around the annotation (or the root) and the annotation, found
  // downwards one level at a time (tree-sitter's parent lookup would walk down from the root each time).
  let top: Node = around.root;
  for (let i = defStack.length - 1; i >= 0; i--) {
    const d = defStack[i]!;
    if (d.start <= annotation.startIndex && annotation.endIndex <= d.end) {
      top = d.node;
      break;
    }
  }
  const chain: Node[] = [top];
  for (let depth = 0; depth < 12; depth++) {
    const next = chain[chain.length - 1]!.childWithDescendant(annotation);
    if (!next || sameNode(next, chain[chain.length - 1]!)) break;
    chain.push(next);
    if (sameNode(next, annotation)) break;
  }
  for (let k = chain.length - 1, depth = 0; k >= 0 && depth < 6; k--, depth++) {
    const n = chain[k]!;
    const own = defNodeIds.get(n.id);
    if (own !== undefined) return own;
    if (n.type === 'decorated_definition') {
      const d = n.childForFieldName('definition');
      return d ? defNodeIds.get(d.id) : undefined;
    }
    if (PRECEDING_DECORATIONS.has(n.type)) {
      let s = n.nextNamedSibling;
      for (let i = 0; s && i < 8; i++, s = s.nextNamedSibling) {
        if (PRECEDING_DECORATIONS.has(s.type) || s.type.includes('comment')) continue;
        const found = defNodeIds.get(s.id) ?? (s.type === 'export_statement' ? firstDefIn(s, defNodeIds) : undefined);
        if (found !== undefined) return found;
        break;
      }
    }
  }
  return undefined;
}

function firstDefIn(n: Node, defNodeIds: ReadonlyMap<number, number>): number | undefined {
  for (const c of n.namedChildren) if (c) { const d = defNodeIds.get(c.id); if (d !== undefined) return d; }
  return undefined;
}

const MEMBER_FIELDS: Readonly<Record<string, readonly [string, string]>> = {
  member_expression: ['object', 'property'],
  selector_expression: ['operand', 'field'],
  attribute: ['object', 'attribute'],
  field_expression: ['value', 'field'],
  member_access_expression: ['expression', 'name'],
  scoped_identifier: ['path', 'name'],
  qualified_identifier: ['scope', 'name'],
  scoped_call_expression: ['scope', 'name'],
  member_call_expression: ['object', 'name'],
  optional_chain: ['object', 'property'],
};

function splitMember(fn: Node, source: string): { name?: string; object?: string } {
  const fields = MEMBER_FIELDS[fn.type];
  if (fields) {
    const obj = fn.childForFieldName(fields[0]) ?? (fn.type === 'field_expression' ? fn.childForFieldName('argument') : null) ?? (fn.type === 'scoped_identifier' ? fn.childForFieldName('scope') : null);
    const name = fn.childForFieldName(fields[1]);
    return { ...(name ? { name: lastName(name, source) } : {}), ...(obj ? { object: lastName(obj, source) } : {}) };
  }
  if (fn.type === 'generic_function') {
    const inner = fn.childForFieldName('function');
    if (inner) return splitMember(inner, source);
  }
  return { name: lastName(fn, source) };
}

/** The last name of an expression: `tracer` for `this.tracer`, `Tracer` for `otel.Tracer("x")`. */
function lastName(node: Node, source: string): string {
  let n: Node = node;
  for (let depth = 0; depth < 6; depth++) {
    const fields = MEMBER_FIELDS[n.type];
    if (fields) {
      const next = n.childForFieldName(fields[1]);
      if (!next) break;
      n = next;
      continue;
    }
    const callee = n.type.includes('call') || n.type === 'method_invocation' || n.type === 'invocation_expression'
      ? n.childForFieldName('function') ?? n.childForFieldName('name') ?? n.childForFieldName('method') : null;
    if (callee) { n = callee; continue; }
    if (n.type === 'generic_name' || n.type === 'generic_type' || n.type === 'generic_function' || n.type === 'template_function') {
      const inner = n.childForFieldName('function') ?? n.childForFieldName('name') ?? n.childForFieldName('type') ?? n.firstNamedChild;
      if (!inner || inner.type === n.type) break;
      n = inner;
      continue;
    }
    break;
  }
  return nameText(n, source);
}

function nameText(n: Node, source: string): string {
  const text = source.slice(n.startIndex, Math.min(n.endIndex, n.startIndex + 200)).trim();
  const parts = text.split(/::|\.|\\|->/);
  return (parts[parts.length - 1] ?? text).replace(/^[@:$]+/, '').replace(/[^\w$]+$/, '');
}

function sameNode(a: Node, b: Node): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

function namedIndex(_list: Node, child: Node): number {
  let i = 0;
  for (let c = child.previousNamedSibling; c; c = c.previousNamedSibling) if (!c.type.includes('comment')) i++;
  return i;
}

function commasBefore(list: Node, child: Node): number {
  let i = 0;
  for (const c of list.children) {
    if (!c) continue;
    if (c.startIndex >= child.startIndex) break;
    if (c.type === ',') i++;
  }
  return i;
}
