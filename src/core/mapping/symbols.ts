// Fallback when a span names code only by function and namespace (the Java agent: code.namespace
// `com.acme.OrderService`, code.function `placeOrder`; semconv ≥1.31: a fully qualified code.function.name).
// The host asks the workspace/document symbol providers for the short name; this module parses the qualified
// name in its language's spelling and ranks the candidates the providers return.

export interface QualifiedName {
  /** The function or method name ('placeOrder'). */
  readonly name: string;
  /** Enclosing names, outermost first (['com', 'acme', 'OrderService']). */
  readonly containers: readonly string[];
}

const MAX_NAME = 1024;

/** Removes a parameter list, generic arguments and decorations that symbol providers do not include. */
function stripDecorations(s: string): string {
  let t = s.trim();
  t = t.replace(/^(?:async|static|public|private|protected|def|func|function)\s+/g, '');
  // Trailing parameter list: placeOrder(Order o) / place_order() — but keep Go receivers "(*T)" which precede a dot.
  t = t.replace(/\([^()]*\)\s*$/, '');
  // Generic arguments: Map<K,V>.get / Foo`1
  let prev;
  do { prev = t; t = t.replace(/<[^<>]*>/g, ''); } while (t !== prev);
  t = t.replace(/`\d+/g, '');
  return t.trim();
}

/** Splits a qualified name written in Java, C#, Go, Python, Ruby, PHP, C++ or JS style. */
export function parseQualifiedName(fn: string | undefined, namespace?: string): QualifiedName | undefined {
  if (fn === undefined || fn.length === 0 || fn.length > MAX_NAME) return undefined;
  let text = stripDecorations(fn);
  // Go: github.com/acme/shop/orders.(*Service).Place → path segments then receiver type.
  text = text.replace(/\(\*?([A-Za-z_]\w*)\)/g, '$1');
  const parts = text.split(/::|[.#\\/:]|\$\$?/).map(p => p.trim()).filter(p => p !== '' && p !== '<anonymous>' && p !== 'Object');
  const name = parts.pop();
  if (name === undefined || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) return undefined;
  let containers = parts;
  if (namespace !== undefined && namespace.length <= MAX_NAME && namespace.trim() !== '') {
    const ns = stripDecorations(namespace).split(/::|[.#\\/:]/).filter(p => p !== '');
    // When both are given and code.function is already qualified, do not repeat the namespace.
    containers = parts.length > 0 && ns.length > 0 && parts.join('.').endsWith(ns.join('.')) ? parts : [...ns, ...parts];
  }
  return { name, containers };
}

export type SymbolKindName = 'method' | 'function' | 'constructor' | 'class' | 'other';

export interface SymbolCandidate {
  /** As the provider reports it; may include a parameter list. */
  readonly name: string;
  readonly containerName?: string;
  readonly kind: SymbolKindName;
  /** Normalized absolute path. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
}

export interface RankedSymbol {
  readonly candidate: SymbolCandidate;
  readonly score: number;
}

function fileStem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Scores candidates; only those whose name matches are returned, best first (ties by path, then line). */
export function rankSymbols(q: QualifiedName, candidates: readonly SymbolCandidate[]): RankedSymbol[] {
  const out: RankedSymbol[] = [];
  const cls = q.containers[q.containers.length - 1];
  const pkg = q.containers.slice(0, -1);
  for (const c of candidates) {
    const cname = stripDecorations(c.name).split(/::|[.#]/).pop() ?? '';
    let score: number;
    if (cname === q.name) score = 100;
    else if (cname.toLowerCase() === q.name.toLowerCase()) score = 60;
    else if (snake(cname) === snake(q.name)) score = 50;
    else continue;
    if (c.kind === 'method' || c.kind === 'function' || c.kind === 'constructor') score += 10;
    else if (c.kind === 'class') score -= 20;
    if (cls !== undefined) {
      const container = c.containerName ?? '';
      const containerParts = container.split(/::|[.#\\/]/).filter(Boolean);
      if (containerParts[containerParts.length - 1] === cls) score += 40;
      else if (containerParts.includes(cls)) score += 20;
      if (fileStem(c.path) === cls) score += 25;
      const segs = c.path.split('/');
      let pkgHits = 0;
      for (const p of pkg) if (segs.includes(p)) pkgHits++;
      // Package names also appear as container prefixes (C#: Acme.Orders.OrderService).
      for (const p of pkg) if (containerParts.includes(p)) pkgHits++;
      score += Math.min(20, pkgHits * 5);
    }
    out.push({ candidate: c, score });
  }
  out.sort((a, b) => b.score - a.score || (a.candidate.path < b.candidate.path ? -1 : a.candidate.path > b.candidate.path ? 1 : a.candidate.line - b.candidate.line));
  return out;
}

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export type SymbolPick =
  | { readonly kind: 'none' }
  | { readonly kind: 'unique'; readonly symbol: SymbolCandidate; readonly score: number }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly SymbolCandidate[] };

/** The best candidate when it beats the runner-up; otherwise the tied leaders. */
export function pickSymbol(q: QualifiedName, candidates: readonly SymbolCandidate[]): SymbolPick {
  const ranked = rankSymbols(q, candidates);
  const first = ranked[0];
  if (!first) return { kind: 'none' };
  const tied = ranked.filter(r => r.score === first.score);
  if (tied.length === 1) return { kind: 'unique', symbol: first.candidate, score: first.score };
  return { kind: 'ambiguous', candidates: tied.map(t => t.candidate) };
}
