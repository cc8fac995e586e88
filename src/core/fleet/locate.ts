// Fleet figures onto the code. A series keyed by code attributes (the connector configured with code.function.name /
// code.file.path as dimensions) names its place itself; otherwise its service and span name are all there is, and
// the mapping engine — the one jump-to-source uses — finds where that span is started or served (span-name literals,
// routes, RPC implementations…). Either way the key becomes the SpanFacts the engine reads, so a fleet figure lands
// on exactly the line a trace's span with the same attributes would. Pure: the engine is passed in.
import type { Confidence, EngineMapping, SpanFacts } from '../mapping/engine/types';
import type { MappedHow } from '../mapping/resolve';
import type { SpanKind } from '../model';
import type { FleetKey, FleetStats } from './types';

/** A stable text identity of a key (joins the current window with the baseline, dedupes sources). */
export function fleetKeyId(k: FleetKey): string {
  return [k.service, k.spanName, k.spanKind ?? '', k.codeFunction ?? '', k.codeFilePath ?? '', k.codeLine ?? ''].join('\u0000');
}

const KINDS: Readonly<Record<string, SpanKind>> = {
  server: 'server', client: 'client', producer: 'producer', consumer: 'consumer', internal: 'internal', unspecified: 'unspecified',
};

/** `SPAN_KIND_SERVER`, `server`, `Server` → 'server'; anything else 'unspecified'. */
export function spanKindOf(text: string | undefined): SpanKind {
  if (!text) return 'unspecified';
  return KINDS[text.toLowerCase().replace(/^span_kind_/, '')] ?? 'unspecified';
}

/** What the mapping engine reads for a key: the code attributes when the series has them, else service + span name. */
export function factsFromFleetKey(k: FleetKey): SpanFacts {
  const code = k.codeFunction !== undefined || k.codeFilePath !== undefined
    ? {
      ...(k.codeFilePath !== undefined ? { filePath: k.codeFilePath } : {}),
      ...(k.codeLine !== undefined && Number.isInteger(k.codeLine) && k.codeLine > 0 ? { line: k.codeLine } : {}),
      ...(k.codeFunction !== undefined ? { function: k.codeFunction } : {}),
    }
    : undefined;
  return { service: k.service, name: k.spanName, kind: spanKindOf(k.spanKind), ...(code ? { code } : {}), attributes: {}, stackTraces: [] };
}

/** A fleet series placed on the code. */
export interface FleetLocated {
  readonly stats: FleetStats;
  /** Normalized absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly confidence: Exclude<Confidence, 'none'>;
  readonly how?: MappedHow;
  /** Why here, in words (the engine's reason). */
  readonly reason: string;
  /** True when the key's own code attributes named the place (no span-name search was needed). */
  readonly byCodeAttributes: boolean;
}

/** Maps SpanFacts to places; the host passes MappingEngine.mapSpans with its path mappings. */
export type MapFacts = (facts: readonly SpanFacts[]) => Promise<readonly EngineMapping[]>;

/**
 * Places every series (one engine call for all of them: the engine maps each distinct key once). Series the engine
 * cannot place are returned apart with its reason, for the log and the empty states.
 */
export async function locateFleet(stats: readonly FleetStats[], map: MapFacts): Promise<{ located: FleetLocated[]; unplaced: { stats: FleetStats; reason: string }[] }> {
  const facts = stats.map(s => factsFromFleetKey(s.key));
  const results = await map(facts);
  const located: FleetLocated[] = [];
  const unplaced: { stats: FleetStats; reason: string }[] = [];
  stats.forEach((s, i) => {
    const r = results[i];
    const file = r?.file ?? r?.candidates[0]?.file;
    const line = r?.line ?? r?.candidates[0]?.line;
    if (!r || r.confidence === 'none' || file === undefined || line === undefined) {
      unplaced.push({ stats: s, reason: r?.reason ?? 'not mapped' });
      return;
    }
    located.push({
      stats: s, file, line, confidence: r.confidence, reason: r.reason,
      ...(r.how ?? r.candidates[0]?.how ? { how: (r.how ?? r.candidates[0]!.how) } : {}),
      byCodeAttributes: s.key.codeFunction !== undefined || s.key.codeFilePath !== undefined,
    });
  });
  return { located, unplaced };
}

/** The series of one line, and their figures combined for the lens. */
export interface FleetLine {
  /** 1-based. */
  readonly line: number;
  readonly series: readonly FleetLocated[];
  /** The slowest series' p95 (a line's lens must not hide its slow operation behind a fast one). */
  readonly p95Ms?: number;
  readonly p50Ms?: number;
  /** Summed over the series. */
  readonly callsPerSec?: number;
  /** Errors over calls, weighted by each series' calls. */
  readonly errorRatio?: number;
}

/** Combines the series placed on one line. */
export function combineLine(line: number, series: readonly FleetLocated[]): FleetLine {
  let p95: number | undefined, p50: number | undefined, calls: number | undefined, errCalls = 0, errKnownCalls = 0, errSeen = false;
  for (const s of series) {
    const st = s.stats;
    if (st.p95Ms !== undefined && Number.isFinite(st.p95Ms)) p95 = Math.max(p95 ?? -Infinity, st.p95Ms);
    if (st.p50Ms !== undefined && Number.isFinite(st.p50Ms)) p50 = Math.max(p50 ?? -Infinity, st.p50Ms);
    if (st.callsPerSec !== undefined && Number.isFinite(st.callsPerSec)) calls = (calls ?? 0) + st.callsPerSec;
    if (st.errorRatio !== undefined && Number.isFinite(st.errorRatio)) {
      errSeen = true;
      const w = st.callsPerSec ?? 1;
      errCalls += st.errorRatio * w;
      errKnownCalls += w;
    }
  }
  const sorted = [...series].sort((a, b) => (b.stats.p95Ms ?? -1) - (a.stats.p95Ms ?? -1));
  return {
    line, series: sorted,
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    ...(p50 !== undefined ? { p50Ms: p50 } : {}),
    ...(calls !== undefined ? { callsPerSec: calls } : {}),
    ...(errSeen ? { errorRatio: errKnownCalls > 0 ? errCalls / errKnownCalls : 0 } : {}),
  };
}

/** Located series per file, lines ascending: what one file view reads (no query, no mapping). */
export class FleetIndex {
  private readonly _byFile = new Map<string, FleetLine[]>();

  constructor(readonly located: readonly FleetLocated[], readonly unplaced: readonly { stats: FleetStats; reason: string }[] = []) {
    const groups = new Map<string, Map<number, FleetLocated[]>>();
    for (const l of located) {
      let f = groups.get(l.file);
      if (!f) { f = new Map(); groups.set(l.file, f); }
      let s = f.get(l.line);
      if (!s) { s = []; f.set(l.line, s); }
      s.push(l);
    }
    for (const [file, lines] of groups) this._byFile.set(file, [...lines].sort((a, b) => a[0] - b[0]).map(([line, s]) => combineLine(line, s)));
  }

  /** The lines of a file with fleet figures (1-based lines, ascending). */
  linesOf(file: string): readonly FleetLine[] {
    return this._byFile.get(file) ?? [];
  }

  files(): string[] {
    return [...this._byFile.keys()];
  }
}
