// Scores the findings on the findings corpus against the hand-written expected.json of each app: every planted
// problem must be named by the right finding with the right numbers (recall), and no other performance or error
// finding may appear, on the planted runs or on the clean ones (precision, false positives).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../../src/core/analysis/analyze';
import type { Finding, FindingKind } from '../../../src/core/analysis/types';
import type { Trace } from '../../../src/core/model';
import { parseTraceDocument } from '../../../src/core/parse/index';

/** The kinds the corpus judges (propagation findings are the mapping corpus' business). */
export const CHECKED: readonly FindingKind[] = ['bottleneck', 'n-plus-one', 'retry', 'concurrency-limit', 'sequential-chain', 'error-origin'];

export interface Expectation {
  readonly kind: FindingKind;
  /** How many such findings (default 1). */
  readonly count?: number;
  /** Spans involved (the calls of the group, the attempts, the chain). */
  readonly calls?: number;
  readonly k?: number;
  readonly savingMs?: readonly [number, number];
  /** Share of the critical path, % (bottleneck). */
  readonly sharePct?: readonly [number, number];
  readonly backoff?: 'immediate' | 'fixed' | 'exponential';
  readonly lastSucceeded?: boolean;
  readonly mode?: 'sequential' | 'parallel';
  /** A regular expression the message must match. */
  readonly message?: string;
}
export type Expected = Record<string, Record<string, Expectation[]>>;

export interface Outcome {
  app: string; variant: string; route: string; expected: number; matched: number; misses: string[]; falsePositives: string[];
  /** Every checked finding of the trace, matched or not (for the failure messages). */
  found: string[];
}

/** The request path of a trace's root span. */
export function routeOf(t: Trace): string | undefined {
  const root = t.spans.find(s => s.parentId === undefined);
  if (!root) return undefined;
  for (const key of ['url.path', 'http.target', 'url.full', 'http.url']) {
    const v = root.attributes.find(a => a.key === key)?.value;
    if (typeof v === 'string') return v.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '');
  }
  const m = /\s(\/\S*)/.exec(root.name);
  return m?.[1];
}

export function matches(f: Finding, e: Expectation): boolean {
  if (f.kind !== e.kind) return false;
  if (e.calls !== undefined && new Set([f.spanIndex, ...f.relatedSpanIndices]).size !== e.calls) return false;
  if (e.k !== undefined && !f.message.includes(`never more than ${e.k} at a time`)) return false;
  if (e.savingMs && !(f.savingNs !== undefined && f.savingNs / 1e6 >= e.savingMs[0] && f.savingNs / 1e6 <= e.savingMs[1])) return false;
  if (e.sharePct) {
    const m = /holds (\d+)% of the critical path/.exec(f.message);
    if (!m || +m[1]! < e.sharePct[0] || +m[1]! > e.sharePct[1]) return false;
  }
  if (e.backoff && !f.message.includes(`Backoff: ${e.backoff}`)) return false;
  if (e.lastSucceeded !== undefined && !f.message.includes(e.lastSucceeded ? 'the last attempt succeeded' : 'the last attempt failed')) return false;
  if (e.mode && !f.message.includes(e.mode === 'sequential' ? 'one after another' : 'in parallel')) return false;
  if (e.message && !new RegExp(e.message, 's').test(f.message)) return false;
  return true;
}

const describe = (f: Finding) => `${f.kind} (${f.relatedSpanIndices.length} spans${f.savingNs !== undefined ? `, saving ${(f.savingNs / 1e6).toFixed(1)} ms` : ''}): ${f.message.slice(0, 300)}`;

/** Scores one capture file of one app against its expectations for that variant. */
export function scoreCapture(app: string, variant: string, capture: Uint8Array, expected: Record<string, Expectation[]>): Outcome[] {
  const traces = parseTraceDocument(capture).traces;
  const out: Outcome[] = [];
  for (const [route, wants] of Object.entries(expected)) {
    // the last trace of the path: a JIT-compiled app is driven twice, the first round only warms it up
    const t = [...traces].reverse().find(x => routeOf(x) === route);
    const total = wants.reduce((n, w) => n + (w.count ?? 1), 0);
    if (!t) { out.push({ app, variant, route, expected: total, matched: 0, misses: [`no trace for ${route}`], falsePositives: [], found: [] }); continue; }
    const left = analyzeTrace(t).findings.filter(f => CHECKED.includes(f.kind));
    const found = left.map(describe);
    let matched = 0;
    const misses: string[] = [];
    for (const w of wants) {
      for (let c = 0; c < (w.count ?? 1); c++) {
        const i = left.findIndex(f => matches(f, w));
        if (i < 0) { misses.push(JSON.stringify(w)); continue; }
        left.splice(i, 1);
        matched++;
      }
    }
    out.push({ app, variant, route, expected: total, matched, misses, falsePositives: left.map(describe), found });
  }
  return out;
}

/** Scores every app of the corpus directory that has an expected.json and its captures. */
export function scoreCorpus(dir: string, apps: readonly string[], variants: readonly string[]): Outcome[] {
  const out: Outcome[] = [];
  for (const app of apps) {
    const exp = JSON.parse(readFileSync(join(dir, app, 'expected.json'), 'utf8')) as Expected;
    for (const v of variants) {
      const file = join(dir, app, `capture-${v}.json`);
      if (!existsSync(file) || !exp[v]) continue;
      out.push(...scoreCapture(app, v, readFileSync(file), exp[v]!));
    }
  }
  return out;
}
