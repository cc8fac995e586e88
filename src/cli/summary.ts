// `spanscope summary <file|->`: one JSON object summarising every trace in a document, findings included.
// Meant for CI: bad input exits 2 with one line on stderr saying what is wrong and where.
import { analyzeTrace } from '../core/analysis/analyze';
import { summarizeTrace } from '../core/analysis/summary';
import { TraceParseError, type SourceFormat } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
import { argumentsOrExit, EXIT, sayer, type CliCommand } from './command';
import { oneInputFile, readInputDocument } from './input';
import { optionsHelp, parseOptions, type OptionSpec } from './options';

const FORMATS = ['auto', 'jaeger', 'jaeger-v3', 'otlp', 'otlp-proto', 'zipkin'] as const;
const OPTIONS: readonly OptionSpec[] = [
  { name: 'format', value: 'F', help: 'the input format; default auto (detected from the document)' },
  { name: 'skew', value: 'M', help: 'raw (default): timestamps as recorded; adjust: correct client/server clock skew the way\nZipkin does before computing durations and the critical path (skew is reported either way)' },
];
const MAX_WARNINGS_SHOWN = 20;

export const HELP = `usage: spanscope summary <file|-> [--format auto|jaeger|jaeger-v3|otlp|otlp-proto|zipkin] [--skew raw|adjust]

Reads a trace document (a file, or standard input with "-"): Jaeger JSON (v1 or api_v3), OTLP JSON
(also JSON Lines and Tempo), OTLP protobuf, or Zipkin v2 JSON. Prints one JSON object:

  {"traces":[{"traceId","spanCount","serviceCount","rootCount","orphanCount","duplicateSpanIdCount",
              "errorCount","durationUs","criticalPath":[spanId…],"codeLocationCount",
              "findings":[{"kind","severity","spanId","spanIds","message","savingUs"}]}]}

with the traces in the order they first appear. Each finding has a stable kind, a severity (high, medium,
low), the span it points at (spanId) and every span involved (spanIds), a message for a person, and, when it
is about time, savingUs: the estimated time a fix would save (µs). Kinds:
  orphan                 a span names a parent that is not in the trace (context lost, spans dropped)
  client-without-server  a call to a service of the trace shows no server span under it
  multiple-roots         one service started several roots (incoming context not extracted)
  duplicate-span-id      several spans share one ID
  clock-skew             a child starts before / ends after its parent by more than clocks allow
  error-origin           where an error started (the exception event's type and message, else the status
                         message), and whether it was retried, caught, or where it surfaced
  bottleneck             a span (or a group of equal calls) holding a large share of the critical path by
                         self time, with its events when they explain it (lock waits, queueing)
  n-plus-one             5 or more calls to one callee (server address, route or path template, RPC method,
                         statement template with literals replaced, destination) under one parent
  retry                  the same call again after failed attempts: attempts, waits, immediate / fixed /
                         exponential backoff, whether the last one succeeded; retry storms down the chain
  concurrency-limit      equal calls that overlap but never more than k at a time (a pool, a semaphore),
                         with k and the time lost waiting for a slot
  sequential-chain       independent sibling calls run one after another, one finding per chain, ranked by
                         what running them concurrently would save (sum minus the longest)

${optionsHelp(OPTIONS)}

exit codes: 0 ok, 2 bad input or usage (one line on stderr), 1 internal error.
Spans that cannot be read are skipped with a warning on stderr; the rest are summarised.`;

const say = sayer('summary');

interface Args { file: string; format: 'auto' | SourceFormat; skew: 'raw' | 'adjust' }

function parseArgs(argv: string[]): Args | 'help' | string {
  const parsed = parseOptions(OPTIONS, argv);
  if (typeof parsed === 'string') return parsed;
  const file = oneInputFile(parsed.positionals);
  if (typeof file !== 'string') return file.error;
  const format = (parsed.values.format as string | undefined) ?? 'auto';
  const skew = (parsed.values.skew as string | undefined) ?? 'raw';
  if (!(FORMATS as readonly string[]).includes(format)) return `unknown format "${format}" (expected one of ${FORMATS.join(', ')})`;
  if (skew !== 'raw' && skew !== 'adjust') return `unknown skew mode "${skew}" (expected raw or adjust)`;
  return { file, format: format as Args['format'], skew };
}

export const summaryCommand: CliCommand = {
  async run(argv: string[]): Promise<number> {
    const args = argumentsOrExit(parseArgs(argv), HELP, say);
    if (typeof args === 'number') return args;
    const read = await readInputDocument(args.file);
    if ('error' in read) { say(read.error); return EXIT.badInput; }
    const input = read.bytes;
    let result;
    try {
      result = parseTraceDocument(input, { format: args.format });
    } catch (err) {
      if (err instanceof TraceParseError) {
        const where = err.message.includes(err.path) ? '' : ` (at ${err.path})`;
        say(`${args.file === '-' ? 'stdin' : args.file}: ${err.message}${where}`);
        return EXIT.badInput;
      }
      throw err;
    }
    const shown = result.warnings.slice(0, MAX_WARNINGS_SHOWN);
    for (const w of shown) say(`warning: ${w.message}${w.message.includes(w.path) ? '' : ` (at ${w.path})`}`);
    if (result.warnings.length > shown.length) say(`warning: … and ${result.warnings.length - shown.length} more warnings`);
    const traces = result.traces.map(t => summarizeTrace(analyzeTrace(t, { skew: args.skew })));
    process.stdout.write(JSON.stringify({ traces }, null, 2) + '\n');
    return EXIT.ok;
  },
};

