// What the side panel and the editor surfaces need from other feature modules, as structural types so that this
// room does not depend on their internals: the embedded receiver (Live list, Backends, aggregates), the
// waterfall panels (selection both ways), and configured backends (Backends view, trace search).
import type * as vscode from 'vscode';
import type { Trace } from '../../core/model';
import type { TraceListItem } from '../../backends/receiver/store';
import type { TraceLookupHint } from '../../backends/types';
import type { PreparedTraceLike } from '../traces/traceService';

/** One row of the receiver's trace list: the store's own type, so the two cannot drift apart. */
export type ReceiverListItem = TraceListItem;
export type { TraceLookupHint };

export type ReceiverStateLike =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly address: { readonly httpUrl: string; readonly grpcUrl?: string } }
  | { readonly kind: 'failed'; readonly message: string };

export interface ReceiverLike {
  readonly state: ReceiverStateLike;
  readonly onDidChangeState: vscode.Event<unknown>;
  readonly onDidChangeTraces: vscode.Event<unknown>;
  list(): ReceiverListItem[];
  getTrace?(traceId: string): Trace | undefined;
}

export interface PanelsLike {
  readonly onDidChangeSelection: vscode.Event<{ readonly traceKey: string; readonly spanId: string | null }>;
  /** Reveals a span in an open panel; false when the trace has no panel. */
  reveal(traceKey: string, spanId: string): boolean;
  /** Marks spans mapped to the workspace / to the active editor's file in the waterfall. */
  setMapping?(traceKey: string, mapping: { workspaceSpans: number[]; currentFileSpans: number[]; currentFile?: string }): void;
}

/** A configured backend as the Backends view lists it. */
export interface BackendItem {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly status: 'ok' | 'error' | 'unknown' | 'checking';
  readonly detail?: string;
}

export interface TraceSearchQuery {
  readonly service?: string;
  readonly operation?: string;
  /** Tags `k=v k2=v2`, or a TraceQL query for Tempo. */
  readonly tags?: string;
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  /** Look-back in minutes. */
  readonly lookbackMinutes: number;
  readonly limit: number;
}

export interface TraceSearchResult {
  readonly traceId: string;
  readonly rootService: string;
  readonly rootName: string;
  readonly durationNs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly startMs: number;
}

/** Backends (F) register one of these; the receiver is built in. */
export interface BackendsSource {
  readonly onDidChange: vscode.Event<unknown>;
  list(): BackendItem[];
  /** Searches one backend. */
  search?(backendId: string, q: TraceSearchQuery, token: vscode.CancellationToken): Promise<TraceSearchResult[]>;
  /**
   * Opens a search result (fetch + TraceService.open). `hint`: when the trace started and how long it took, from the
   * result row, so a backend that can narrow its lookup by time (Tempo reads only the blocks around it) does.
   */
  open?(backendId: string, traceId: string, hint?: TraceLookupHint): Promise<unknown>;
  /** Fetches and prepares a trace without opening it (aggregates). */
  fetch?(backendId: string, traceId: string, token: vscode.CancellationToken): Promise<PreparedTraceLike>;
  services?(backendId: string, token: vscode.CancellationToken): Promise<string[]>;
}

export interface CodeInsightsDeps {
  readonly receiver?: ReceiverLike;
  readonly panels?: PanelsLike;
  /** Analyses a receiver trace for aggregates (core analysis + compact encoding). */
  readonly prepare?: (trace: Trace) => PreparedTraceLike | Promise<PreparedTraceLike>;
}
