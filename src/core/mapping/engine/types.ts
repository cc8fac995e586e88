// The mapping engine's inputs and outputs. The engine is pure: it sees the workspace only through
// `MappingWorkspace` (a file list, file text, outlines from a SyntaxService), so the extension host, the CLI and
// AI tools all map spans the same way. Paths are normalized absolute ('/home/u/proj/src/x.ts'); lines are 1-based.
import type { SpanKind } from '../../model';
import type { CompiledPathMappings } from '../pathMappings';
import type { MappedHow } from '../resolve';
import type { SuffixIndex } from '../suffixIndex';
import type { SyntaxService } from '../syntax/types';

/**
 * What the engine knows about one span. Built from a parsed Span (`factsFromSpan`) or from the host's compact
 * view; only these fields are read, so equal facts map equally (the engine batches by them).
 */
export interface SpanFacts {
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  /** code.* (or Datadog code origin) attributes; never a stack-trace fallback (stack traces are `stackTraces`). */
  readonly code?: {
    readonly filePath?: string;
    readonly line?: number;
    readonly column?: number;
    readonly function?: string;
    readonly namespace?: string;
  };
  /** The span attributes the engine reads (ENGINE_ATTRIBUTES), as text. */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * The names of the span's other attributes (at most MAX_ATTRIBUTE_KEYS), only for spans naming a function
   * (code.function): among overloads, the one whose parameters put these attributes on its span is the span's
   * (`@SpanAttribute("quantity")`).
   */
  readonly attributeKeys?: readonly string[];
  /** `exception.stacktrace` values of the span's events, in event order. */
  readonly stackTraces: readonly string[];
}

/** At most this many attribute names are kept in SpanFacts.attributeKeys. */
export const MAX_ATTRIBUTE_KEYS = 64;

/** The attribute names SpanFacts.attributeKeys keeps (bounded, without the code.* ones the engine reads anyway). */
export function attributeKeysOf(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    if (out.size >= MAX_ATTRIBUTE_KEYS) break;
    if (k.length <= 200 && !k.startsWith('code.')) out.add(k);
  }
  return [...out].sort();
}

/** Attribute keys the engine reads: routes, URLs, RPC and database identifiers. */
export const ENGINE_ATTRIBUTES: readonly string[] = [
  'http.route', 'http.request.method', 'http.method', 'url.full', 'http.url', 'url.path', 'http.target',
  'rpc.system', 'rpc.system.name', 'rpc.service', 'rpc.method', 'db.query.text', 'db.statement', 'db.system', 'db.system.name',
];

/**
 * How the engine sees a workspace. Implemented over VS Code's file index in the host and over a directory walk
 * in the CLI. Every method must be cheap to call repeatedly; the engine caches what it derives per `version`.
 */
export interface MappingWorkspace {
  /** Normalized absolute workspace folder paths. */
  readonly folders: readonly string[];
  /** Every workspace file (the same index path resolution uses). */
  readonly index: SuffixIndex;
  /** A file's text, or undefined when it cannot be read or is too large to be worth reading. */
  readText(path: string): Promise<string | undefined>;
  /** Anything that changes when the file changes (mtime+size, document version); undefined: always re-read. */
  version?(path: string): string | undefined;
  /** Whether a path outside the index is a file (mapped roots outside the workspace). Defaults to the index. */
  exists?(path: string): boolean;
  /** Outlines files; without it, definitions are found only by file and the line stays unknown. */
  readonly syntax?: SyntaxService;
}

export type Confidence = 'exact' | 'high' | 'low' | 'none';

export interface Candidate {
  /** Normalized absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column?: number;
  /** Why this place, in words ("com.example.shop.OrderService.placeOrder declared here"). */
  readonly reason: string;
  readonly how: MappedHow;
  /** Inside a workspace folder or trusted root: may be opened without asking. */
  readonly inside: boolean;
}

export interface EngineMapping {
  /** The chosen place (candidates[0]) unless the confidence is 'none'. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly confidence: Confidence;
  /** Why here, or, for 'none', why nothing was found and what would help. */
  readonly reason: string;
  readonly how?: MappedHow;
  readonly inside?: boolean;
  /** Ranked, best first; the chosen place is the first. At most MAX_CANDIDATES. */
  readonly candidates: readonly Candidate[];
  /** The path the span wrote (code.file.path or a stack frame), when any: a path mapping can help only then. */
  readonly spanPath?: string;
}

export interface MapOptions {
  readonly mappings?: CompiledPathMappings;
  /** Checked between batches; true stops the work (the remaining spans get 'none'). */
  readonly cancelled?: () => boolean;
}

export const MAX_CANDIDATES = 10;
