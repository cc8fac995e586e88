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
import { EXIT, type CliCommand } from './command';

export const HELP = `usage: spanscope receive [--port 4318] [--grpc-port 4317 | --no-grpc] [--host 127.0.0.1] [--out DIR]
                        [--idle-ms 5000] [--token-file FILE] [--cors-origin ORIGIN]… [--max-spans N] [--max-traces N]

Runs the Spanscope OTLP receiver: OTLP/HTTP at http://HOST:PORT/v1/traces (protobuf or JSON, gzip/deflate)
and OTLP/gRPC at HOST:GRPC_PORT. Point an app's exporter at it, e.g.
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf

A trace is complete when no span of it arrived for --idle-ms. Each completed trace is logged as one line on
stdout and, with --out, written to DIR/<traceId>.json as OTLP JSON. Nothing accepted is lost: late spans are
merged into the file already there, and a trace the memory bounds evict before it completes is written first.
Ctrl-C / SIGTERM completes every open trace, writes it, and exits 0. Status lines go to stderr.

options:
  --port N            OTLP/HTTP port (default ${DEFAULT_HTTP_PORT}; 0 picks a free one)
  --grpc-port N       OTLP/gRPC port (default ${DEFAULT_GRPC_PORT}; 0 picks a free one)
  --no-grpc           no OTLP/gRPC listener
  --host H            address to listen on (default 127.0.0.1); a non-loopback address is reachable from other
                      machines: Spanscope warns, and you should set --token
  --out DIR           write each completed trace to DIR/<traceId>.json (created if missing)
  --idle-ms N         quiet time after which a trace is complete (default 5000)
  --token-file FILE   require "Authorization: Bearer T", T being the contents of FILE (surrounding whitespace
                      dropped); or set SPANSCOPE_RECEIVER_TOKEN
  --token T           deprecated: T shows in the process list (ps) to every user of the machine
  --cors-origin O     allow browser exports from origin O (repeatable; "*" for any; default none)
  --max-spans N       spans kept in memory (default 200000); oldest traces are evicted beyond it
  --max-traces N      traces kept in memory (default 2000)
  --parse-threads N   worker threads that parse requests (default 1; 0 parses on the serving thread)
  -h, --help          this text

exit codes: 0 stopped by a signal, 2 bad usage or the port is taken (the message offers a free port), 1 internal error.`;

const say = (line: string) => process.stderr.write(`spanscope receive: ${line}\n`);

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

function parseArgs(args: string[]): Args | 'help' | string {
  const a: Args = {
    port: DEFAULT_HTTP_PORT, grpcPort: DEFAULT_GRPC_PORT, host: '127.0.0.1', out: undefined, idleMs: 5000,
    token: process.env.SPANSCOPE_RECEIVER_TOKEN || undefined, tokenOnCommandLine: false, corsOrigins: [], maxSpans: undefined, maxTraces: undefined, parseThreads: 1,
  };
  const int = (name: string, v: string | undefined, min: number, max: number): number | string => {
    if (v === undefined) return `${name} needs a value`;
    const n = Number(v);
    return Number.isInteger(n) && n >= min && n <= max ? n : `${name} must be a whole number from ${min} to ${max}, got "${v}"`;
  };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    if (raw === '-h' || raw === '--help') return 'help';
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => (eq > 0 ? raw.slice(eq + 1) : args[++i]);
    let n: number | string;
    switch (name) {
      case '--port': if (typeof (n = int(name, value(), 0, 65535)) === 'string') return n; a.port = n; break;
      case '--grpc-port': if (typeof (n = int(name, value(), 0, 65535)) === 'string') return n; a.grpcPort = n; break;
      case '--no-grpc': a.grpcPort = false; break;
      case '--idle-ms': if (typeof (n = int(name, value(), 1, 86_400_000)) === 'string') return n; a.idleMs = n; break;
      case '--max-spans': if (typeof (n = int(name, value(), 1, 100_000_000)) === 'string') return n; a.maxSpans = n; break;
      case '--parse-threads': if (typeof (n = int(name, value(), 0, 16)) === 'string') return n; a.parseThreads = n; break;
      case '--max-traces': if (typeof (n = int(name, value(), 1, 10_000_000)) === 'string') return n; a.maxTraces = n; break;
      case '--host': { const v = value(); if (!v) return '--host needs a value'; a.host = v; break; }
      case '--out': { const v = value(); if (!v) return '--out needs a directory'; a.out = v; break; }
      case '--token': { const v = value(); if (!v) return '--token needs a value'; a.token = v; a.tokenOnCommandLine = true; break; }
      case '--token-file': {
        const v = value();
        if (!v) return '--token-file needs a file';
        try {
          a.token = readFileSync(v, 'utf8').trim();
        } catch (err) {
          return `--token-file: cannot read ${v}: ${(err as Error).message}`;
        }
        a.tokenOnCommandLine = false;
        break;
      }
      case '--cors-origin': { const v = value(); if (!v) return '--cors-origin needs an origin'; a.corsOrigins.push(v); break; }
      default: return `unknown argument ${raw} (see --help)`;
    }
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
    const args = parseArgs(argv);
    if (args === 'help') { process.stdout.write(HELP + '\n'); return EXIT.ok; }
    if (typeof args === 'string') { say(args); return EXIT.badInput; }
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
