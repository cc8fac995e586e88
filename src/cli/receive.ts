// `spanscope receive`: the embedded OTLP receiver without VS Code. Logs one line per completed trace (no new span
// for --idle-ms) on stdout and, with --out, writes it as OTLP JSON to DIR/<traceId>.json so that
// `spanscope summary DIR/<traceId>.json` works — e.g. a CI job capturing the traces of its test run.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Span, Trace } from '../core/model';
import { traceToOtlpJson } from '../core/otlp/encode';
import { parseTraceDocument } from '../core/parse/index';
import { DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, NonLoopbackBindError, OtlpReceiver } from '../backends/receiver/receiver';
import { PortInUseError } from '../backends/receiver/ports';
import { bearerTokenProblem, isLoopbackHost } from '../backends/receiver/policy';
import { TraceStore, type TraceListItem } from '../backends/receiver/store';
import { argumentsOrExit, EXIT, sayer, type CliCommand } from './command';
import { optionsHelp, parseOptions, wholeNumber, type OptionSpec } from './options';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'port', value: 'N', help: `OTLP/HTTP port (default ${DEFAULT_HTTP_PORT}; 0 picks a free one)` },
  { name: 'grpc-port', value: 'N', help: `OTLP/gRPC port (default ${DEFAULT_GRPC_PORT}; 0 picks a free one)` },
  { name: 'no-grpc', help: 'no OTLP/gRPC listener' },
  { name: 'host', value: 'H', help: 'address to listen on (default 127.0.0.1); a non-loopback address is reachable from other\nmachines: Spanscope warns, and you should set --token-file' },
  { name: 'out', value: 'DIR', help: 'write each completed trace to DIR/<traceId>.json (created if missing)' },
  { name: 'idle-ms', value: 'N', help: 'quiet time after which a trace is complete (default 5000)' },
  { name: 'token-file', value: 'FILE', help: 'require "Authorization: Bearer T", T being the contents of FILE (surrounding whitespace\ndropped); or set SPANSCOPE_RECEIVER_TOKEN' },
  { name: 'token', value: 'T', help: 'deprecated: T shows in the process list (ps) to every user of the machine' },
  { name: 'cors-origin', value: 'O', multiple: true, help: 'allow browser exports from origin O (repeatable; "*" for any; default none)' },
  { name: 'max-spans', value: 'N', help: 'spans kept in memory (default 200000); oldest traces are evicted beyond it' },
  { name: 'max-traces', value: 'N', help: 'traces kept in memory (default 2000)' },
  { name: 'parse-threads', value: 'N', help: 'worker threads that parse requests (default 1; 0 parses on the serving thread)' },
];

export const HELP = `usage: spanscope receive [--port 4318] [--grpc-port 4317 | --no-grpc] [--host 127.0.0.1] [--out DIR]
                        [--idle-ms 5000] [--token-file FILE] [--cors-origin ORIGIN]… [--max-spans N] [--max-traces N]

Runs the Spanscope OTLP receiver: OTLP/HTTP at http://HOST:PORT/v1/traces (protobuf or JSON, gzip/deflate)
and OTLP/gRPC at HOST:GRPC_PORT. Point an app's exporter at it, e.g.
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf

A trace is complete when no span of it arrived for --idle-ms. Each completed trace is logged as one line on
stdout and, with --out, written to DIR/<traceId>.json as OTLP JSON. Nothing accepted is lost: late spans are
merged into the file already there, and a trace the memory bounds evict before it completes is written first.
Ctrl-C / SIGTERM completes every open trace, writes it, and exits 0. Status lines go to stderr.

${optionsHelp(OPTIONS)}

exit codes: 0 stopped by a signal, 2 bad usage or the port is taken (the message offers a free port), 1 internal error.`;

const say = sayer('receive');

interface Args {
  port: number;
  grpcPort: number | false;
  host: string;
  out: string | undefined;
  idleMs: number;
  token: string | undefined;
  /** --token was given on the command line (deprecated: visible in ps). */
  tokenOnCommandLine: boolean;
  corsOrigins: string[];
  maxSpans: number | undefined;
  maxTraces: number | undefined;
  parseThreads: number;
}

function parseArgs(argv: string[]): Args | 'help' | string {
  const parsed = parseOptions(OPTIONS, argv);
  if (typeof parsed === 'string') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0) return `unknown argument ${positionals[0]} (see --help)`;
  const a: Args = {
    port: DEFAULT_HTTP_PORT, grpcPort: DEFAULT_GRPC_PORT, host: '127.0.0.1', out: undefined, idleMs: 5000,
    token: process.env.SPANSCOPE_RECEIVER_TOKEN || undefined, tokenOnCommandLine: false, corsOrigins: [], maxSpans: undefined, maxTraces: undefined, parseThreads: 1,
  };
  const numbers: Array<[string, number, number, (n: number) => void]> = [
    ['port', 0, 65535, n => { a.port = n; }],
    ['grpc-port', 0, 65535, n => { a.grpcPort = n; }],
    ['idle-ms', 1, 86_400_000, n => { a.idleMs = n; }],
    ['max-spans', 1, 100_000_000, n => { a.maxSpans = n; }],
    ['max-traces', 1, 10_000_000, n => { a.maxTraces = n; }],
    ['parse-threads', 0, 16, n => { a.parseThreads = n; }],
  ];
  for (const [name, min, max, set] of numbers) {
    const n = wholeNumber(name, values[name], min, max);
    if (typeof n === 'object') return n.error;
    if (n !== undefined) set(n);
  }
  if (values['no-grpc']) a.grpcPort = false;
  const text = (name: string, what: string): string | undefined | { error: string } => {
    const v = values[name] as string | undefined;
    return v === '' ? { error: `--${name} needs ${what}` } : v;
  };
  for (const [name, what, set] of [
    ['host', 'a value', (v: string) => { a.host = v; }],
    ['out', 'a directory', (v: string) => { a.out = v; }],
    ['token', 'a value', (v: string) => { a.token = v; a.tokenOnCommandLine = true; }],
  ] as const) {
    const v = text(name, what);
    if (typeof v === 'object') return v.error;
    if (v !== undefined) set(v);
  }
  // A token file wins over --token and the environment.
  const tokenFile = text('token-file', 'a file');
  if (typeof tokenFile === 'object') return tokenFile.error;
  if (tokenFile !== undefined) {
    try {
      a.token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      return `--token-file: cannot read ${tokenFile}: ${(err as Error).message}`;
    }
    a.tokenOnCommandLine = false;
  }
  for (const o of (values['cors-origin'] ?? []) as string[]) {
    if (!o) return '--cors-origin needs an origin';
    a.corsOrigins.push(o);
  }
  if (a.grpcPort !== false && a.grpcPort !== 0 && a.grpcPort === a.port) return '--port and --grpc-port must differ';
  if (a.token !== undefined) {
    const problem = bearerTokenProblem(a.token);
    if (problem) return problem;
  }
  return a;
}

export const receiveCommand: CliCommand = {
  async run(argv: string[]): Promise<number> {
    const args = argumentsOrExit(parseArgs(argv), HELP, say);
    if (typeof args === 'number') return args;
    if (args.tokenOnCommandLine) {
      say('warning: --token is deprecated: the token shows in the process list (ps) to every user of this machine; '
        + 'use --token-file FILE or the SPANSCOPE_RECEIVER_TOKEN environment variable');
    }

    const outDir = args.out === undefined ? undefined : resolve(args.out);
    if (outDir) mkdirSync(outDir, { recursive: true });
    const store = new TraceStore({
      completeAfterMs: args.idleMs,
      ...(args.maxSpans !== undefined ? { maxSpans: args.maxSpans } : {}),
      ...(args.maxTraces !== undefined ? { maxTraces: args.maxTraces } : {}),
    });
    // The bundled CLI (dist/cli.js) has the worker beside it; run from sources, it parses inline.
    const workerPath = join(__dirname, 'receiver-worker.js');
    const parseWorkers = args.parseThreads > 0 && existsSync(workerPath) ? { workerPath, threads: args.parseThreads } : undefined;
    const receiver = new OtlpReceiver({
      store,
      host: args.host,
      // On the command line, --host itself is the explicit choice; the receiver still warns.
      allowNonLoopback: !isLoopbackHost(args.host),
      port: args.port,
      grpcPort: args.grpcPort,
      ...(args.token ? { bearerToken: args.token } : {}),
      corsAllowedOrigins: args.corsOrigins,
      ...(parseWorkers ? { parseWorkers } : {}),
    });
    receiver.onWarning(w => say(`warning: ${w}`));
    receiver.onInternalError(e => say(`internal error while handling a request: ${e.message}`));

    const writer = outDir ? new TraceFileWriter(outDir) : undefined;
    const emit = (traceId: string, note: string) => {
      const trace = store.get(traceId);
      const item = store.item(traceId);
      if (!trace || !item) return;
      let where = '';
      try {
        if (writer) where = ` -> ${writer.write(trace)}`;
      } catch (err) {
        where = ` (NOT written: ${(err as Error).message})`;
      }
      process.stdout.write(traceLine(item) + note + where + '\n');
    };
    store.onTraceCompleted(traceId => emit(traceId, ''));
    // The exporter was told these spans were accepted: a trace the memory bounds push out before it completes is
    // written (and logged) now, and merged with any late spans when they complete it again.
    store.onTraceEvicting(traceId => {
      if (store.item(traceId)?.completed) return; // written when it completed, and nothing arrived since
      emit(traceId, ' (evicted before completing)');
    });

    try {
      const addr = await receiver.start();
      say(`listening: OTLP/HTTP ${addr.httpUrl}${addr.grpcUrl ? `, OTLP/gRPC ${addr.grpcUrl}` : ''}`
        + (outDir ? `; writing completed traces to ${outDir}` : '') + '; Ctrl-C to stop');
    } catch (err) {
      store.dispose();
      if (err instanceof PortInUseError || err instanceof NonLoopbackBindError) { say(err.message); return EXIT.badInput; }
      throw err;
    }

    await new Promise<void>(resolveStop => {
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        say(`${signal}: stopping, writing open traces`);
        resolveStop();
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    await receiver.stop();
    store.completeAll();
    const s = receiver.stats();
    say(`stopped: ${s.spansAccepted} spans accepted in ${s.requests} requests, ${s.spansRejected} rejected, ${s.spansDropped} evicted`);
    store.dispose();
    return EXIT.ok;
  },
};

function traceLine(i: TraceListItem): string {
  const ms = (i.durationNs / 1e6).toFixed(i.durationNs < 10e6 ? 3 : 1);
  const name = JSON.stringify(`${i.rootService} ${i.rootName}`.trim());
  return `trace ${i.traceId} ${name} spans=${i.spanCount} errors=${i.errorCount} duration=${ms}ms`;
}

/**
 * Writes DIR/<traceId>.json atomically, merged with the file already there: the store may have evicted the trace
 * after an earlier write and then made it anew from late spans, so the file can hold spans the store no longer does.
 * The file itself is the record of what was written (no per-trace memory here, which would grow without bound).
 */
export class TraceFileWriter {
  constructor(private readonly dir: string) {}

  write(trace: Trace): string {
    const file = join(this.dir, `${trace.traceId}.json`);
    let spans: readonly Span[] = trace.spans;
    if (existsSync(file)) {
      const old = parseTraceDocument(readFileSync(file), { format: 'otlp' }).traces.flatMap(t => (t.traceId === trace.traceId ? t.spans : []));
      const seen = new Set(spans.map(s => `${s.spanId}/${s.startNs}`));
      const missing = old.filter(s => !seen.has(`${s.spanId}/${s.startNs}`));
      // Spans written earlier come first: they arrived first.
      if (missing.length) spans = [...missing, ...spans];
    }
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(traceToOtlpJson([{ ...trace, spans }])));
    renameSync(tmp, file);
    return file;
  }
}
