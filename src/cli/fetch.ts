// `spanscope fetch <trace ID in any form> --backend jaeger=URL|tempo=URL|zipkin=URL [--backend …] [--tenant T] [--out FILE]`
// Asks every backend at once with the extension's own clients; prints the trace's summary (as `summary` does)
// or writes it as OTLP JSON. Exit codes: 0 found, 2 malformed/all-zero ID or usage (before any request),
// 3 not found in any backend, 4 any other backend error; each failure is one line on stderr.
import { writeFileSync } from 'node:fs';
import { analyzeTrace } from '../core/analysis/analyze';
import { summarizeTrace } from '../core/analysis/summary';
import { traceToOtlpJson } from '../core/otlp/encode';
import { parseTraceIdInput, TraceIdInputError, type TraceTimeHint } from '../core/trace-id-input';
import { BackendError } from '../backends/http/errors';
import { createBackend, findTraceInBackends, TraceNotFoundError } from '../backends/registry';
import { type BackendConfig } from '../backends/types';
import { parseBackendSpec } from './backendSpec';
import { optionsHelp, parseOptions, type OptionSpec } from './options';
import { backendSecretsFromEnv } from './backendSecrets';
import { argumentsOrExit, EXIT, sayer, type CliCommand } from './command';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'backend', value: 'T=URL', multiple: true, help: 'a backend to ask: jaeger, tempo or zipkin, and its base URL (repeatable)' },
  { name: 'tenant', value: 'T', help: 'Tempo tenant (X-Scope-OrgID)' },
  { name: 'out', value: 'FILE', help: 'write the trace as OTLP JSON to FILE instead of printing its summary' },
  { name: 'timeout', value: 'MS', help: 'longest the whole fetch may take, every backend and the whole body included (default 120000);\na backend that stays silent longer than 30000 ms, or MS if less, fails before that' },
];

export const HELP = `usage: spanscope fetch <trace ID in any form> --backend jaeger=URL|tempo=URL|zipkin=URL [--backend …]
                      [--tenant T] [--out FILE] [--timeout MS]

The trace ID may be given as raw hex (16 or 32 digits, any case), a traceparent, an uber-trace-id, a B3 header,
a Jaeger/Grafana/Tempo/Zipkin URL, or a log line that contains it (quote it).
Every backend is asked at once; the first that has the trace wins (named on stderr).

${optionsHelp(OPTIONS)}

environment: SPANSCOPE_BEARER_TOKEN, or SPANSCOPE_USERNAME + SPANSCOPE_PASSWORD, are sent to every backend.

exit codes: 0 found, 2 malformed or all-zero ID or bad usage (no request is made), 3 not found in any backend,
4 a backend error (unreachable, unauthorized, …), 1 internal error.`;

const say = sayer('fetch');

interface Args {
  readonly input: string;
  readonly backends: BackendConfig[];
  readonly out?: string;
  readonly deadlineMs: number;
}

const DEFAULT_DEADLINE_MS = 120_000;
/** Longest silence from one backend (no headers, or no body bytes) before it counts as failed. */
const IDLE_TIMEOUT_MS = 30_000;

function parseArgs(argv: string[]): Args | 'help' | string {
  const parsed = parseOptions(OPTIONS, argv);
  if (typeof parsed === 'string') return parsed;
  const { values, positionals: positional } = parsed;
  const specs = (values.backend ?? []) as string[];
  const tenant = values.tenant as string | undefined;
  const out = values.out as string | undefined;
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) return `--timeout needs a positive number of milliseconds, not "${String(values.timeout)}"`;
  }
  if (positional.length === 0) return 'missing trace ID (see --help)';
  if (specs.length === 0) return 'give at least one --backend jaeger=URL, tempo=URL or zipkin=URL';
  const backends: BackendConfig[] = [];
  for (const spec of specs) {
    const b = parseBackendSpec(spec, { ...(tenant ? { tenant } : {}), timeoutMs: Math.min(timeoutMs ?? IDLE_TIMEOUT_MS, IDLE_TIMEOUT_MS) });
    if (typeof b === 'string') return b;
    backends.push(b);
  }
  return { input: positional.join(' '), backends, ...(out ? { out } : {}), deadlineMs: timeoutMs ?? DEFAULT_DEADLINE_MS };
}

export const fetchCommand: CliCommand = {
  async run(argv: string[]): Promise<number> {
    const args = argumentsOrExit(parseArgs(argv), HELP, say);
    if (typeof args === 'number') return args;
    let traceId: string;
    let time: TraceTimeHint | undefined;
    try {
      ({ traceId, time } = parseTraceIdInput(args.input));
    } catch (e) {
      if (e instanceof TraceIdInputError) {
        say(e.message);
        return EXIT.badInput;
      }
      throw e;
    }
    const secrets = backendSecretsFromEnv();
    const backends = args.backends.map(c => createBackend(c, secrets));
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    process.once('SIGINT', onSignal);
    // One deadline for everything: the idle timeout alone never ends a server that sends a byte now and then.
    let expired = false;
    const deadline = setTimeout(() => { expired = true; ac.abort(); }, args.deadlineMs);
    try {
      // A URL that says when the trace was (Grafana Explore range, Tempo start/end) narrows Tempo's lookup.
      const found = await findTraceInBackends(traceId, backends, ac.signal, time);
      say(`found ${traceId} in ${found.source} (${found.trace.spans.length} spans${found.partial ? `; partial: ${found.partial}` : ''})`);
      if (args.out) {
        writeFileSync(args.out, JSON.stringify(traceToOtlpJson([found.trace]), null, 2) + '\n');
      } else {
        process.stdout.write(JSON.stringify({ traces: [summarizeTrace(analyzeTrace(found.trace))] }, null, 2) + '\n');
      }
      return EXIT.ok;
    } catch (e) {
      if (expired) {
        say(`no backend delivered ${traceId} within ${args.deadlineMs} ms (--timeout)`);
        return EXIT.backend;
      }
      if (e instanceof TraceNotFoundError) {
        say(e.message);
        return e.everywhereNotFound ? EXIT.notFound : EXIT.backend;
      }
      if (e instanceof BackendError) {
        say(`${e.backend}: ${e.shortCause}`);
        return EXIT.backend;
      }
      throw e;
    } finally {
      clearTimeout(deadline);
      process.off('SIGINT', onSignal);
      for (const b of backends) b.dispose();
    }
  },
};
