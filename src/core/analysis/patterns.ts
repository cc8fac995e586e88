// Performance findings: repeated calls to one callee (N+1), sequential chains of independent siblings,
// retries with their backoff, calls throttled by a pool or semaphore, and the span (or group of equal
// calls) that dominates the critical path. They all start from the same grouping: the children of one
// parent, grouped by *what they call* (service, kind, operation and the callee: server address and port,
// route or URL path template, RPC service/method, database system and statement template, messaging
// destination), so that 1 call to /customer and 10 calls to /route are never counted together.
import type { Span } from '../model';
import type { CriticalSection, FindingKind, FindingSeverity, TraceTree } from './types';
import { SpanFlag } from './types';
import { formatDuration } from '../units/duration';

/** Sibling calls to one callee under one parent from which we report N+1. */
export const N_PLUS_ONE_MIN = 5;
/** Shortest sequential chain worth reporting. */
export const SEQUENTIAL_CHAIN_MIN = 3;
/** A chain is worth fixing when parallelism would save at least this share of the trace's duration. */
export const CHAIN_MIN_SAVING_SHARE = 0.05;
/** At most this many sequential chains are reported per trace (the ones that save most). */
export const MAX_CHAINS = 20;
/** A span (or group of equal calls) holding this share of the critical path by self time is a bottleneck. */
export const BOTTLENECK_MIN_SHARE = 0.3;
/** …and at least this much time, ns: in a 2 ms request, something always holds a third of it. */
export const BOTTLENECK_MIN_NS = 5e6;
/** Every trace has some leaf holding its critical path: without events that explain the wait (a lock, a queue),
 * one span is called a bottleneck only when it holds at least half of the path and this much time, ns. */
export const BOTTLENECK_PLAIN_MIN_SHARE = 0.5;
export const BOTTLENECK_PLAIN_MIN_NS = 50e6;
/** Smallest group of equal calls in which a concurrency limit is recognised (k + 2 calls at least). */
export const POOL_MIN_CALLS = 4;

export interface PatternFinding {
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  readonly spanIndex: number;
  readonly related: readonly number[];
  readonly message: string;
  readonly totalNs?: number;
  readonly savingNs?: number;
  /** The span whose code location the finding shows (the parent that made the calls, …). */
  readonly locAt?: number;
}

export function quote(s: string, max = 120): string {
  const t = s.length > max ? s.slice(0, max - 1) + '…' : s;
  return `"${t.replace(/[\r\n\t]+/g, ' ')}"`;
}

export function label(span: Span): string {
  return `${quote(span.name)} (${span.resource.serviceName})`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

const pct = (part: number, whole: number) => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;

/** A SQL statement with its literals replaced by `?` (strings, numbers, IN lists), whitespace collapsed. */
export function statementTemplate(sql: string): string {
  return sql.slice(0, 2000)
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/(?<![\w.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A URL path with ids replaced: segments with digits (but not v1, v2…), UUIDs, long hex; query dropped. */
export function pathTemplate(path: string): string {
  const p = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  return p.split('/').map(seg => (/\d/.test(seg) && !/^v\d+$/i.test(seg) ? '{id}' : seg)).join('/') || '/';
}

/** What a span calls. `key` groups equal calls; `exact` also keeps the literals (the same request again). */
interface Callee { readonly key: string; readonly literal: string; readonly describe: () => string }

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
}

/** Templates repeat a lot in one trace (one statement per loop): computed once per distinct text. */
export class TemplateCache {
  private readonly stmts = new Map<string, string>();
  private readonly paths = new Map<string, string>();
  statement(sql: string): string {
    let t = this.stmts.get(sql);
    if (t === undefined) { t = statementTemplate(sql); if (this.stmts.size < 100_000) this.stmts.set(sql, t); }
    return t;
  }
  path(url: string): string {
    let t = this.paths.get(url);
    if (t === undefined) { t = pathTemplate(url); if (this.paths.size < 100_000) this.paths.set(url, t); }
    return t;
  }
}

export function calleeOf(span: Span, cache: TemplateCache = new TemplateCache()): Callee {
  let address: string | undefined, port: string | undefined, route: string | undefined, url: string | undefined;
  let rpcService: string | undefined, rpcMethod: string | undefined, dbSystem: string | undefined, stmt: string | undefined;
  let dest: string | undefined, method: string | undefined, peer: string | undefined;
  for (const a of span.attributes) {
    const v = a.value;
    switch (a.key) {
      case 'server.address': address = str(v) ?? address; break;
      case 'net.peer.name': case 'net.sock.peer.name': address ??= str(v); break;
      case 'server.port': port = str(v) ?? port; break;
      case 'net.peer.port': port ??= str(v); break;
      case 'peer.service': peer = str(v); break;
      case 'http.route': route = str(v); break;
      case 'url.full': case 'http.url': url = str(v) ?? url; break;
      case 'url.path': case 'http.target': url ??= str(v); break;
      case 'http.request.method': case 'http.method': method = str(v); break;
      case 'rpc.service': rpcService = str(v); break;
      case 'rpc.method': rpcMethod = str(v); break;
      case 'db.system': case 'db.system.name': dbSystem = str(v); break;
      case 'db.query.text': stmt = str(v) ?? stmt; break;
      case 'db.statement': stmt ??= str(v); break;
      case 'messaging.destination.name': case 'messaging.destination': dest = str(v) ?? dest; break;
    }
  }
  if (address === undefined && url !== undefined) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)(?::(\d+))?/i.exec(url);
    if (m) { address = m[1]; port ??= m[2]; }
  }
  const where = address !== undefined ? `${address}${port !== undefined ? `:${port}` : ''}` : peer;
  const tmplStmt = stmt !== undefined ? cache.statement(stmt) : undefined;
  const tmplPath = route ?? (url !== undefined ? cache.path(url) : undefined);
  // described only for the few calls a finding names
  const describe = () => {
  let what: string;
  if (tmplStmt !== undefined || dbSystem !== undefined) what = `${dbSystem ?? 'the database'} ${tmplStmt !== undefined ? `statement ${quote(tmplStmt, 160)}` : quote(span.name)}`;
  else if (rpcService !== undefined || rpcMethod !== undefined) what = `${rpcService ?? '?'}/${rpcMethod ?? '?'}`;
  else if (dest !== undefined) what = `messages to ${quote(dest)}`;
  else if (tmplPath !== undefined) what = `${method ?? ''} ${tmplPath}`.trim();
  else what = quote(span.name.replace(/\d+/g, '?'));
  if (where !== undefined) what += ` on ${where}`;
  return what;
  };
  const name = /\d/.test(span.name) ? span.name.replace(/\d+/g, '?') : span.name;
  const key = `${span.resource.serviceName}\0${span.kind}\0${name}\0${where ?? ''}\0${tmplPath ?? ''}\0${rpcService ?? ''}\0${rpcMethod ?? ''}\0${dbSystem ?? ''}\0${tmplStmt ?? ''}\0${dest ?? ''}`;
  // the literals too (with the key: the same request again), joined only for the rare group with a failure
  return { key, literal: stmt !== undefined || url !== undefined ? `${stmt ?? ''}\0${url ?? ''}` : '', describe };
}

/** How much two sibling calls may seem to overlap and still count as one after the other, ns: a span may end a
 * little after the caller moved on. With `coarseClock` (both starts on whole milliseconds), one millisecond more:
 * Node's SDK stamps a start with Date.now() and adds a precise duration, so each span sits up to 1 ms early, and two
 * calls one right after the other can seem to overlap by that much (a node-shop capture on a loaded machine read a
 * sequential N+1 of 6 ms calls as "at most 2 at a time", twice in a row). */
export function slack(durNs: number, coarseClock = false): number {
  return Math.min(1.5e6, 0.1 * durNs) + (coarseClock ? 1e6 : 0);
}

/** Whether a start time sits on a whole millisecond: for precise clocks (Go, Java, Python: ns; Zipkin, Jaeger: µs)
 * one start in a thousand does, every one of Node's does. */
function onWholeMs(span: Span): boolean {
  return span.startNs % 1_000_000n === 0n;
}

/** Two siblings, one right after the other: nothing happened between them that a result could feed. */
export function rightAfter(prevEnd: number, prevDur: number, nextStart: number, nextDur: number): boolean {
  // a quarter of the shorter call, at most 10 ms: a loaded event loop or GIL delays the next call by a few ms,
  // while a caller that works on a result between calls leaves a gap of its own
  const tol = Math.max(1e5, Math.min(10e6, 0.25 * Math.min(prevDur, nextDur)));
  return nextStart - prevEnd <= tol;
}

/**
 * How long after a slot frees a pooled call may start and still count as one that waited for it, ns: a quarter of the
 * call. Not capped at 10 ms as rightAfter() is: a chain's question is whether anything happened between two calls,
 * a pool's is whether the call was queued, and a queued call starts when the pool's thread is woken and scheduled,
 * which on a busy host can take tens of milliseconds (a JVM's fixed thread pool of 3 on a 2-core machine at load
 * average 10 started queued 80 ms calls more than 10 ms after a slot freed; on an idle host, under 1 ms).
 */
export function slotWait(durNs: number): number {
  return Math.max(1e5, 0.25 * durNs);
}

export interface PatternInput {
  readonly tree: TraceTree;
  readonly start: Float64Array;
  readonly dur: Float64Array;
  readonly selfTimeNs?: Float64Array;
  readonly criticalSections?: readonly CriticalSection[];
}

/** The result: findings, and what the error-origin findings say about retried spans. */
export interface Patterns {
  readonly findings: PatternFinding[];
  /** span index → [attempt number (1-based), attempts, whether the last attempt succeeded] */
  readonly retried: Map<number, readonly [number, number, boolean]>;
}

const isCall = (k: number) => k === 0 || k === 1 || k === 3;
const KIND_CODE: Record<string, number> = { unspecified: 0, client: 1, server: 2, producer: 3, consumer: 4, internal: 5 };

export function computePatterns({ tree, start, dur, selfTimeNs, criticalSections }: PatternInput): Patterns {
  const spans = tree.trace.spans;
  const n = spans.length;
  const flags = tree.flags;
  const kindOf = (i: number) => tree.kindCode ? tree.kindCode[i]! : KIND_CODE[spans[i]!.kind] ?? 0;
  const findings: PatternFinding[] = [];
  const retried = new Map<number, readonly [number, number, boolean]>();
  let traceStart = Infinity, traceEnd = -Infinity;
  for (const r of tree.roots) {
    if (start[r]! < traceStart) traceStart = start[r]!;
    if (start[r]! + dur[r]! > traceEnd) traceEnd = start[r]! + dur[r]!;
  }
  const traceDur = traceEnd > traceStart ? traceEnd - traceStart : 0;
  const callees: (Callee | undefined)[] = new Array<Callee | undefined>(n);
  const templates = new TemplateCache();
  const callee = (i: number) => (callees[i] ??= calleeOf(spans[i]!, templates));
  const what = (i: number) => callee(i).describe();
  // The name (digits replaced) is part of every callee key: siblings whose names differ never group, so the
  // full key (an attribute scan and a string) is built only for siblings that share a name.
  const nameKeys: (string | undefined)[] = new Array<string | undefined>(n);
  const nameKey = (i: number) => {
    let k = nameKeys[i];
    if (k === undefined) { const nm = spans[i]!.name; k = nameKeys[i] = /\d/.test(nm) ? nm.replace(/\d+/g, '?') : nm; }
    return k;
  };
  const sameCallee = (a: number, b: number) => nameKey(a) === nameKey(b) && callee(a).key === callee(b).key;
  /** Whether `b` starts after `a` ends, within the slack for calls of `durNs`; the clocks are looked at (a bigint
   * per span) only for the few pairs that seem to overlap. */
  const startsAfter = (a: number, b: number, durNs: number) => {
    const end = start[a]! + dur[a]!;
    return start[b]! >= end - slack(durNs) || (start[b]! >= end - slack(durNs, true) && onWholeMs(spans[a]!) && onWholeMs(spans[b]!));
  };
  const allCoarse = (members: readonly number[]) => members.every(m => onWholeMs(spans[m]!));
  const byName = new Map<string, number>();
  const groups = new Map<string, number[]>();
  /** Per parent, the backoff gaps of its retried children (not the parent's own work). */
  const retryGapNs = new Map<number, number>();
  /** Members of reported sequential N+1 groups: a chain made only of them is the same loop, already told. (The
   * chain rule cuts a run where two calls seem to overlap by more than the shorter one's slack, the N+1 rule
   * allows the later one's; without this, the pieces of one N+1 came back as chains.) */
  const inNPlusOne = new Set<number>();
  const groupsSeen: { parent: number; members: number[] }[] = [];
  const chains: PatternFinding[] = [];

  for (let p = 0; p < n; p++) {
    const kids = tree.children[p]!;
    if (kids.length < 2) continue;
    const parent = spans[p]!;
    const pDur = dur[p]!;
    // ---- groups of equal calls (kids are in start order, so members are too)
    // maps reused across parents; most parents have no two children of one name, and skip the grouping
    groups.clear();
    byName.clear();
    let shared = false;
    for (const c of kids) {
      const k = nameKey(c);
      const count = (byName.get(k) ?? 0) + 1;
      byName.set(k, count);
      if (count > 1) shared = true;
    }
    if (shared) for (const c of kids) {
      if (byName.get(nameKey(c))! < 2) continue;
      const key = callee(c).key;
      const g = groups.get(key);
      if (g) g.push(c); else groups.set(key, [c]);
    }
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      const first = members[0]!;
      const call = isCall(kindOf(first));
      groupsSeen.push({ parent: p, members });
      // ---- retries: the same exact call again after a failure
      let failed = false;
      if (call) for (const c of members) if (flags[c]! & SpanFlag.Error) { failed = true; break; }
      if (failed) {
        const byExact = new Map<string, number[]>();
        for (const c of members) {
          const e = callee(c).literal;
          const g = byExact.get(e);
          if (g) g.push(c); else byExact.set(e, [c]);
        }
        for (const same of byExact.values()) {
          let k = 0;
          while (k < same.length - 1) {
            // a run: each attempt but the last failed and ended before the next one started
            let e = k;
            while (e < same.length - 1 && flags[same[e]!]! & SpanFlag.Error && startsAfter(same[e]!, same[e + 1]!, dur[same[e]!]!)) e++;
            // the whole series of this exact call, and nothing after the success: a loop over items that
            // share a parameterised statement, one of which failed, is no retry
            if (e > k && k === 0 && e === same.length - 1) {
              const run = same.slice(k, e + 1);
              findings.push(retryFinding(run, p));
              k = e + 1;
            } else k++;
          }
        }
      }
      // ---- N+1 (attempts of a retried call are not items of a loop)
      const items = call ? members.filter(m => !retried.has(m) || retried.get(m)![0] === 1) : members;
      if (call && items.length >= N_PLUS_ONE_MIN) {
        const members = items;
        const first = members[0]!;
        let total = 0, maxDur = 0, wallEnd = -Infinity;
        let sequential = true;
        const coarseClock = allCoarse(members);
        for (let m = 0; m < members.length; m++) {
          const c = members[m]!;
          total += dur[c]!;
          if (dur[c]! > maxDur) maxDur = dur[c]!;
          if (start[c]! + slack(dur[c]!, coarseClock) < wallEnd) sequential = false;
          wallEnd = Math.max(wallEnd, start[c]! + dur[c]!);
        }
        const wall = wallEnd - start[first]!;
        const k = maxConcurrency(members);
        const saving = Math.max(0, (sequential ? total : wall) - maxDur);
        if (sequential) for (const m of members) inNPlusOne.add(m);
        findings.push({
          kind: 'n-plus-one', severity: wall >= 0.3 * pDur ? 'high' : 'medium', spanIndex: first, related: members, locAt: p,
          message: `${label(parent)} made ${members.length} calls to ${what(first)}, ${formatDuration(total)} in total (${pct(wall, pDur)} of the parent's ${formatDuration(pDur)}), ` +
            (sequential ? 'one after another' : `in parallel (at most ${k} at a time)`) + ': an N+1 pattern (one call per item in a loop). ' +
            `Fetch the items in one batched call or query; that would save up to ${formatDuration(saving)}.`,
          totalNs: total, savingNs: saving,
        });
      }
      // ---- concurrency limit: overlapping, never more than k at once, later calls start when one ends
      if (members.length >= POOL_MIN_CALLS) {
        const f = poolFinding(members, p);
        if (f) findings.push(f);
      }
    }
    // ---- sequential chains: maximal runs (in start order) of siblings that each start after the previous
    // ended, cut where two neighbours do not look independent (another callee, and a gap in between)
    let runStart = 0;
    for (let k = 1; k <= kids.length; k++) {
      const c = kids[k], prev = kids[k - 1]!;
      const prevEnd = start[prev]! + dur[prev]!;
      const continues = c !== undefined && startsAfter(prev, c, Math.min(dur[prev]!, dur[c]!)) &&
        (sameCallee(c, prev) || rightAfter(prevEnd, dur[prev]!, start[c]!, dur[c]!));
      if (continues) continue;
      if (k - runStart >= SEQUENTIAL_CHAIN_MIN) {
        const members = kids.slice(runStart, k);
        let total = 0, maxDur = 0;
        for (const m of members) { total += dur[m]!; if (dur[m]! > maxDur) maxDur = dur[m]!; }
        const saving = total - maxDur;
        const noRetry = members.every(m => !retried.has(m));
        const oneGroup = members.every(m => sameCallee(m, members[0]!));
        const toldAsNPlusOne = members.every(m => inNPlusOne.has(m));
        if (noRetry && !toldAsNPlusOne && saving >= CHAIN_MIN_SAVING_SHARE * traceDur && saving > 0 && !(oneGroup && members.length >= N_PLUS_ONE_MIN && isCall(kindOf(members[0]!)))) {
          const names = [...new Set(members.map(what))];
          chains.push({
            kind: 'sequential-chain', severity: saving >= 0.25 * traceDur ? 'high' : 'medium', spanIndex: members[0]!, related: members, locAt: p,
            message: `${label(parent)} ran ${members.length} child spans strictly one after another (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}), ` +
              `${formatDuration(total)} in total (${pct(total, pDur)} of the parent). They look independent (${oneGroup ? 'the same call repeated' : 'each starts right after the previous one ends'}); ` +
              `running them concurrently would save up to ${formatDuration(saving)}.`,
            totalNs: total, savingNs: saving,
          });
        }
      }
      runStart = k;
    }
  }
  chains.sort((a, b) => b.savingNs! - a.savingNs!);
  findings.push(...chains.slice(0, MAX_CHAINS));

  // ---- retry storms: a retried call whose callee retried too (the attempts multiply down the chain)
  const retryRuns = findings.filter(f => f.kind === 'retry');
  if (retryRuns.length > 1) {
    const runOf = new Map<number, PatternFinding>();
    for (const f of retryRuns) for (const m of f.related) runOf.set(m, f);
    for (const f of retryRuns) {
      // the deepest retried run below this one, through ancestors
      let nested: PatternFinding | undefined;
      for (const g of retryRuns) {
        if (g === f) continue;
        for (let a = tree.parent[g.spanIndex]!, up = 0; a >= 0 && up < n; a = tree.parent[a]!, up++) {
          if (runOf.get(a) === f) { nested = g; break; }
        }
        if (nested) break;
      }
      if (!nested) continue;
      const idx = findings.indexOf(f);
      const total = f.related.length * nested.related.length;
      findings[idx] = {
        ...f, severity: 'high',
        message: f.message + ` This is a retry storm: the callee retried its own call too (${label(spans[nested.spanIndex]!)}, ${nested.related.length} attempts), so one request became up to ${total} calls at the bottom.`,
      };
    }
  }

  // ---- bottleneck: self time on the critical path, per span and per group of equal calls
  if (criticalSections && criticalSections.length > 0 && traceDur > 0) {
    const crit = new Map<number, number>();
    let critTotal = 0;
    for (const s of criticalSections) {
      const d = s.endNs - s.startNs;
      critTotal += d;
      crit.set(s.spanIndex, (crit.get(s.spanIndex) ?? 0) + d);
    }
    const whole = Math.max(critTotal, traceDur);
    const bottlenecks: PatternFinding[] = [];
    // the time under each member of a group of equal calls (the call, its server span, its work) counts for
    // the member; a call already told as N+1, retry, pool or chain is not told again as a bottleneck
    const covered = new Set<number>();
    for (const f of findings) for (const m of f.related) covered.add(m);
    const memberOf = new Int32Array(n).fill(-1);
    groupsSeen.forEach((g, gi) => { for (const m of g.members) memberOf[m] = gi; });
    const groupCrit = new Float64Array(groupsSeen.length);
    const memberCrit = new Map<number, number>();
    const under = new Map<number, number>(); // critical span → the group member above it (itself included)
    for (const [i, c] of crit) {
      for (let a = i, up = 0; a >= 0 && up < 64; a = tree.parent[a]!, up++) {
        const gi = memberOf[a]!;
        if (gi < 0) continue;
        groupCrit[gi] = groupCrit[gi]! + c;
        memberCrit.set(a, (memberCrit.get(a) ?? 0) + c);
        under.set(i, a);
        break;
      }
    }
    const quiet = new Set<number>(); // members whose spans are not reported one by one
    groupsSeen.forEach(({ members, parent }, gi) => {
      if (members.some(m => covered.has(m))) { for (const m of members) quiet.add(m); return; }
      const sum = groupCrit[gi]!;
      let top = 0;
      for (const m of members) top = Math.max(top, memberCrit.get(m) ?? 0);
      if (sum < BOTTLENECK_MIN_SHARE * whole || sum < BOTTLENECK_MIN_NS || top >= BOTTLENECK_MIN_SHARE * whole) return;
      for (const m of members) quiet.add(m);
      bottlenecks.push({
        kind: 'bottleneck', severity: sum >= 0.5 * whole ? 'high' : 'medium', spanIndex: members[0]!, related: members, locAt: parent,
        message: `${members.length} calls to ${what(members[0]!)} from ${label(spans[parent]!)} hold ${pct(sum, whole)} of the critical path (${formatDuration(sum)} of ${formatDuration(whole)}): ` +
          'this trace is as slow as they are. Make them faster, fewer or concurrent.',
        totalNs: sum, savingNs: sum,
      });
    });
    for (const [i, c0] of crit) {
      const m = under.get(i);
      if (tree.parent[i]! < 0 || (m !== undefined && quiet.has(m)) || covered.has(i)) continue;
      // a server (or consumer) span's own time is the callee doing its job, shown by the critical path anyway;
      // the bottlenecks worth a finding are calls and steps waiting on something (a lock, a queue, a database)
      const kc = kindOf(i);
      if (kc === 2 || kc === 4) continue;
      // backoff waits between retries are told by the retry finding, not as the parent's own work
      const c = c0 - (retryGapNs.get(i) ?? 0);
      if (c < BOTTLENECK_MIN_SHARE * whole || c < BOTTLENECK_MIN_NS) continue;
      const s = spans[i]!;
      const why = explainingEvents(s);
      if (!why && (c < BOTTLENECK_PLAIN_MIN_SHARE * whole || c < BOTTLENECK_PLAIN_MIN_NS)) continue;
      // a call's time around its server span (connecting, queueing in the client) is no work of its own to
      // name without events saying so: a loaded HTTP client shows it on every parallel call
      if (!why && tree.children[i]!.length > 0) continue;
      const self = selfTimeNs ? selfTimeNs[i]! : c;
      bottlenecks.push({
        kind: 'bottleneck', severity: c >= 0.5 * whole ? 'high' : 'medium', spanIndex: i, related: [i],
        message: `${label(s)} holds ${pct(c, whole)} of the critical path by its own work (${formatDuration(c)} of ${formatDuration(whole)}; self time ${formatDuration(self)}): ` +
          `this trace is as slow as it is.${why ? ` Its events say why: ${why}.` : ''}`,
        totalNs: c, savingNs: c,
      });
    }
    bottlenecks.sort((a, b) => b.totalNs! - a.totalNs!);
    findings.push(...bottlenecks);
  }
  return { findings, retried };

  function maxConcurrency(members: readonly number[]): number {
    const ev: [number, number][] = [];
    const coarseClock = allCoarse(members);
    for (const m of members) { ev.push([start[m]!, 1]); ev.push([start[m]! + dur[m]! - slack(dur[m]!, coarseClock), -1]); }
    // ends before starts at the same instant: a call that starts as another ends does not overlap it
    ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0, max = 0;
    for (const [, d] of ev) { cur += d; if (cur > max) max = cur; }
    return max;
  }

  function retryFinding(run: number[], p: number): PatternFinding {
    const gaps: number[] = [];
    for (let k = 1; k < run.length; k++) gaps.push(start[run[k]!]! - (start[run[k - 1]!]! + dur[run[k - 1]!]!));
    const gapSum = gaps.reduce((a, b) => a + b, 0);
    retryGapNs.set(p, (retryGapNs.get(p) ?? 0) + gapSum);
    const last = run[run.length - 1]!;
    const ok = !(flags[last]! & SpanFlag.Error);
    run.forEach((m, k) => retried.set(m, [k + 1, run.length, ok]));
    const backoff = classifyBackoff(gaps);
    let total = 0;
    for (const m of run) total += dur[m]!;
    const s = spans[run[0]!]!;
    return {
      kind: 'retry', severity: ok ? 'medium' : 'high', spanIndex: run[0]!, related: run, locAt: p,
      message: `${label(spans[p]!)} called ${what(run[0]!)} ${run.length} times: ${run.length - 1} failed attempt${run.length > 2 ? 's were' : ' was'} retried, ` +
        `${ok ? 'and the last attempt succeeded' : 'and the last attempt failed too'}. Backoff: ${backoff} (waits ${gaps.map(formatDuration).join(', ')}; ` +
        `${formatDuration(gapSum)} waiting, ${formatDuration(total)} in the attempts). ` +
        (backoff === 'immediate' ? 'Retrying at once rarely helps an overloaded callee: back off (exponentially, with jitter).' : `The first failure: ${quote(errorText(s) ?? 'no message', 160)}.`),
      totalNs: total + gapSum, savingNs: gapSum,
    };
  }

  function poolFinding(members: number[], p: number): PatternFinding | undefined {
    const k = maxConcurrency(members);
    if (k < 2 || members.length < k + 2) return undefined;
    // calls beyond the first k must each start right as an earlier one ends (they waited for a slot)
    const ends = members.map(m => start[m]! + dur[m]!).sort((a, b) => a - b);
    const coarseClock = allCoarse(members);
    let queued = 0;
    for (let j = k; j < members.length; j++) {
      const m = members[j]!;
      const s = start[m]!;
      // the latest end at or before s
      let lo = 0, hi = ends.length - 1, best = -1;
      const sl = slack(dur[m]!, coarseClock);
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (ends[mid]! <= s + sl) { best = mid; lo = mid + 1; } else hi = mid - 1; }
      if (best >= 0 && s - ends[best]! <= slotWait(dur[m]!)) queued++;
    }
    if (queued < 0.75 * (members.length - k)) return undefined;
    // and the first k must start together (a pool fills at once; a staggered launch is not a limit)
    const firstK = members.slice(0, k);
    const spread = start[firstK[k - 1]!]! - start[firstK[0]!]!;
    const minDur = Math.min(...members.map(m => dur[m]!));
    if (spread > 0.5 * minDur) return undefined;
    let maxDur = 0, wallEnd = -Infinity;
    for (const m of members) { if (dur[m]! > maxDur) maxDur = dur[m]!; wallEnd = Math.max(wallEnd, start[m]! + dur[m]!); }
    const wall = wallEnd - start[members[0]!]!;
    const lost = wall - maxDur;
    if (lost <= 0 || lost < CHAIN_MIN_SAVING_SHARE * traceDur) return undefined;
    return {
      kind: 'concurrency-limit', severity: lost >= 0.25 * traceDur ? 'high' : 'medium', spanIndex: members[0]!, related: members, locAt: p,
      message: `${label(spans[p]!)} made ${members.length} calls to ${what(members[0]!)} that overlap but never more than ${k} at a time, each later call starting as soon as another ended: ` +
        `a pool or semaphore of ${k}. They took ${formatDuration(wall)}; all at once would take about ${formatDuration(maxDur)}, so ${formatDuration(lost)} went to waiting for a free slot. ` +
        'Raise the limit if the callee can take it, or batch the calls.',
      totalNs: wall, savingNs: lost,
    };
  }
}

/** immediate (no wait), fixed (waits about equal) or exponential (each wait about twice the last). */
export function classifyBackoff(gaps: readonly number[]): 'immediate' | 'fixed' | 'exponential' | 'irregular' {
  if (gaps.length === 0) return 'immediate';
  if (gaps.every(g => g < 1e6)) return 'immediate';
  if (gaps.length >= 2) {
    let growing = true;
    for (let k = 1; k < gaps.length; k++) { const r = gaps[k]! / Math.max(1, gaps[k - 1]!); if (r < 1.5 || r > 4) growing = false; }
    if (growing) return 'exponential';
  }
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (gaps.every(g => Math.abs(g - mean) <= 0.25 * mean)) return 'fixed';
  return 'irregular';
}

const EXPLAINS = /lock|wait|queue|contention|blocked|retr(y|ies)|backoff|throttl|pool|semaphore/i;

/** The span's events that explain a long self time (lock waits, queueing, retries), as a short text. */
export function explainingEvents(span: Span): string | undefined {
  const out: string[] = [];
  for (const e of span.events) {
    const text = [e.name, ...e.attributes.map(a => `${a.key}=${String(a.value)}`)].join(' ');
    if (!EXPLAINS.test(text)) continue;
    const attrsText = e.attributes.filter(a => typeof a.value !== 'object').slice(0, 4).map(a => `${a.key}=${String(a.value)}`).join(', ');
    out.push(quote(e.name, 120) + (attrsText ? ` (${attrsText.slice(0, 200)})` : ''));
    if (out.length >= 3) break;
  }
  return out.length ? out.join('; ') : undefined;
}

/** The error's own words: the exception event (type: message) first, then the status message, then error.type. */
export function errorText(span: Span): string | undefined {
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    let t: string | undefined, m: string | undefined;
    for (const a of e.attributes) {
      if (a.key === 'exception.type') t = str(a.value);
      else if (a.key === 'exception.message') m = str(a.value);
    }
    if (t !== undefined || m !== undefined) return [t, m].filter(x => x !== undefined).join(': ');
  }
  if (span.status.message) return span.status.message;
  let http: string | undefined;
  for (const a of span.attributes) {
    if (a.key === 'error.type' || a.key === 'error.message') { const v = str(a.value); if (v) return v; }
    if ((a.key === 'http.response.status_code' || a.key === 'http.status_code') && Number(a.value) >= 400) http = `HTTP ${String(a.value)}`;
  }
  return http;
}
