// `spanscope map --workspace DIR [--path-mapping FROM=TO]… <trace file|->`: where in DIR each span was made.
// Prints one JSON object {"spans":[{traceId, spanId, service, name, file, line, confidence, reason, candidates}]}
// with files relative to DIR (absolute when a path mapping points outside it). Bad input or a missing workspace:
// exit 2 with one line on stderr.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { TraceParseError } from '../core/model';
import { parseTraceDocument } from '../core/parse/index';
import { compilePathMappings } from '../core/mapping/pathMappings';
import { isInside } from '../core/mapping/paths';
import { MappingEngine } from '../core/mapping/engine/engine';
import { factsFromSpan } from '../core/mapping/engine/facts';
import type { EngineMapping } from '../core/mapping/engine/types';
import type { SyntaxService } from '../core/mapping/syntax/types';
import { argumentsOrExit, EXIT, sayer, type CliCommand } from './command';
import { oneInputFile, readInputDocument } from './input';
import { optionsHelp, parseOptions, type OptionSpec } from './options';
import { nodeWorkspace, readFolderInWorker, type FolderReading } from './nodeWorkspace';
import { createSyntaxService } from '../worker/syntax';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'workspace', value: 'DIR', help: 'the source tree (required); node_modules, .git, build output and vendor are skipped' },
  { name: 'path-mapping', value: 'FROM=TO', multiple: true, help: 'rewrite span paths starting with FROM to TO (repeatable; ${workspaceFolder} is DIR)' },
];

export const HELP = `usage: spanscope map --workspace DIR [--path-mapping FROM=TO]… <trace file|->

Maps every span of a trace document (any format summary reads) to the source line in DIR that made it:
from code.* attributes (file and line, or a qualified function name found by parsing DIR's sources), exception
stack traces, and, for spans without code.*, the span name in a span-starting call, the HTTP route declaration,
the literal that builds a request URL, the SQL text, or the RPC method's implementation. Prints one JSON object:

  {"spans":[{"traceId","spanId","service","name","file","line","confidence","reason",
             "candidates":[{"file","line","reason"}]}]}

file is relative to DIR (null when unmapped), line is 1-based (or null), confidence is exact (the span names
the file and line), high (one unambiguous place), low (ranked guesses: see candidates) or none (reason says why).

${optionsHelp(OPTIONS)}

exit codes: 0 ok, 2 bad input, usage or a missing workspace (one line on stderr), 1 internal error.`;

const say = sayer('map');

interface MapArgs { file: string; workspace: string; mappings: Record<string, string> }

function parseArgs(argv: string[]): MapArgs | 'help' | string {
  const parsed = parseOptions(OPTIONS, argv);
  if (typeof parsed === 'string') return parsed;
  const workspace = parsed.values.workspace as string | undefined;
  const mappings: Record<string, string> = {};
  for (const v of (parsed.values['path-mapping'] ?? []) as string[]) {
    const k = v.indexOf('=');
    if (k <= 0) return `--path-mapping needs FROM=TO, got "${v.slice(0, 200)}"`;
    mappings[v.slice(0, k)] = v.slice(k + 1);
  }
  if (workspace === undefined) return 'missing --workspace DIR (see --help)';
  const file = oneInputFile(parsed.positionals);
  if (typeof file !== 'string') return file.error;
  return { file, workspace, mappings };
}

/** The tree-sitter outlines, parsed in a worker thread (dist/syntax-worker.js next to this bundle). */
async function syntaxService(): Promise<SyntaxService | undefined> {
  return createSyntaxService();
}

/** Starts the worker and loads the grammar of each language the workspace has files in (an empty file each). */
function warmUp(syntax: SyntaxService, paths: Iterable<string>): void {
  const seen = new Set<string>();
  for (const p of paths) {
    const lang = syntax.languageOf(p);
    if (lang === undefined || seen.has(lang)) continue;
    seen.add(lang);
    void syntax.outline(`/\0spanscope-warm-up/${lang}${p.slice(p.lastIndexOf('.'))}`, '', undefined).catch(() => undefined);
  }
}

export const mapCommand: CliCommand = {
  async run(argv: string[]): Promise<number> {
    const args = argumentsOrExit(parseArgs(argv), HELP, say);
    if (typeof args === 'number') return args;
    const dir = resolve(args.workspace);
    try {
      if (!statSync(dir).isDirectory()) { say(`workspace ${JSON.stringify(args.workspace)} is not a directory`); return EXIT.badInput; }
    } catch {
      say(`workspace ${JSON.stringify(args.workspace)} does not exist`);
      return EXIT.badInput;
    }
    // The workspace is walked and its source files read by a worker thread, on the other core, while this one
    // reads and parses the trace; the syntax worker starts meanwhile too.
    const reading = readFolderInWorker(dir);
    try {
      return await mapWith(args, dir, reading);
    } finally {
      reading.cancel();
    }
  },
};

async function mapWith(args: MapArgs, dir: string, reading: FolderReading): Promise<number> {
  const read = await readInputDocument(args.file);
  if ('error' in read) { say(read.error); return EXIT.badInput; }
  const input = read.bytes;
  const syntax = await syntaxService();
  let parsed;
  try {
    parsed = parseTraceDocument(input);
  } catch (err) {
    if (err instanceof TraceParseError) {
      const where = err.message.includes(err.path) ? '' : ` (at ${err.path})`;
      say(`${args.file === '-' ? 'stdin' : args.file}: ${err.message}${where}`);
      syntax?.dispose();
      return EXIT.badInput;
    }
    syntax?.dispose();
    throw err;
  }
  try {
    const ws = nodeWorkspace(dir, syntax, await reading.done);
    if (syntax) warmUp(syntax, ws.index.paths());
    const root = ws.folders[0]!;
    const mappings = compilePathMappings(args.mappings, [{ name: 'workspace', path: root }]);
    for (const p of mappings.problems) say(`warning: --path-mapping ${p.from}: ${p.message}`);
    const spans = parsed.traces.flatMap(t => t.spans);
    const results = await new MappingEngine(ws).mapSpans(spans.map(factsFromSpan), { mappings });
    const rel = (p: string | undefined): string | null => {
      if (p === undefined) return null;
      return isInside(p, root) && p !== root ? p.slice(root.length + (root.endsWith('/') ? 0 : 1)) : p;
    };
    // Spans of one operation share one mapping: its JSON (file … candidates) is made once and every span adds
    // only its own ids. Compact: a 10,000-span answer is tens of megabytes.
    const tails = new Map<EngineMapping, string>();
    const tail = (m: EngineMapping): string => {
      let t = tails.get(m);
      if (t === undefined) {
        t = JSON.stringify({
          file: rel(m.file), line: m.line ?? null, confidence: m.confidence, reason: m.reason,
          candidates: m.candidates.map(c => ({ file: rel(c.file), line: c.line, reason: c.reason })),
        }).slice(1);
        tails.set(m, t);
      }
      return t;
    };
    const parts = spans.map((s, i) => {
      const head = JSON.stringify({ traceId: s.traceId, spanId: s.spanId, service: s.resource.serviceName, name: s.name });
      return `${head.slice(0, -1)},${tail(results[i]!)}`;
    });
    process.stdout.write(`{"spans":[${parts.join(',')}]}\n`);
    return EXIT.ok;
  } finally {
    syntax?.dispose();
  }
}


