// `spanscope mcp [options] [FILE|DIR]…`: an MCP server that lets a coding assistant query traces (see src/mcp).
// stdio by default (the assistant starts this process); --http PORT serves Streamable HTTP on 127.0.0.1.
// Nothing but the protocol may go to stdout in stdio mode: every status line goes to stderr.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { createBackend } from '../backends/registry';
import { OtlpReceiver } from '../backends/receiver/receiver';
import { TraceStore } from '../backends/receiver/store';
import { PortInUseError } from '../backends/receiver/ports';
import { HubReadError, ReconnectingHubReader } from '../backends/receiver/hubReader';
import { type BackendConfig, type BackendType } from '../backends/types';
import { parseBackendSpec } from './backendSpec';
import { backendSecretsFromEnv } from './backendSecrets';
import { CHARS_PER_TOKEN, DEFAULT_MAX_TOKENS } from '../mcp/budget';
import { serveHttp, serveStdio } from '../mcp/server';
import { TraceSources } from '../mcp/sources';
import { Workspace } from '../mcp/workspace';
import { createSyntaxService } from '../worker/syntax';
import { argumentsOrExit, EXIT, sayer, type CliCommand } from './command';
import { optionsHelp, parseOptions, wholeNumber, type OptionSpec } from './options';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'backend', value: 'T=URL', multiple: true, help: 'a Jaeger, Tempo or Zipkin query API, e.g. jaeger=http://127.0.0.1:16686 (repeatable)' },
  { name: 'tenant', value: 'T', help: 'Tempo tenant (X-Scope-OrgID); or SPANSCOPE_TENANT' },
  { name: 'receive', value: 'PORT', help: 'run an OTLP receiver on 127.0.0.1:PORT (OTLP/HTTP; 0 picks a free port) whose traces are a source' },
  { name: 'receiver', value: 'URL', help: 'read the traces of the receiver a Spanscope editor window runs, e.g. http://127.0.0.1:4318\n(this machine only; authenticated with the editor\'s hub key, found in its extension storage)' },
  { name: 'hub-key', value: 'FILE', help: 'the hub key file for --receiver when it is not found (an editor\'s global storage folder\nspanscope.spanscope/receiver-hub.key, readable only by you); or SPANSCOPE_HUB_KEY_FILE' },
  { name: 'workspace', value: 'DIR', help: 'map spans to source lines under DIR with the mapping engine (get_code_locations)' },
  { name: 'http', value: 'PORT', help: 'serve Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio (0 picks a free port)' },
  { name: 'token-file', value: 'FILE', help: 'over HTTP, require "Authorization: Bearer T", T being the contents of FILE; or set\nSPANSCOPE_MCP_TOKEN' },
  { name: 'config', value: 'FILE', help: 'sources from a JSON file (flags add to it, and win over its values):\n{"backends":[{"type":"jaeger","url":"http://…","name":"prod","tenant":"…","headers":{}}],\n "receive":4318,"workspace":"DIR","paths":["FILE or DIR"],"maxOutputTokens":8000}\nrelative paths are relative to the file; no secrets in it (use the environment)' },
  { name: 'max-output-tokens', value: 'N', help: `budget of each tool answer (default ${DEFAULT_MAX_TOKENS}; about 4 characters a token)` },
];

export const HELP = `usage: spanscope mcp [options] [FILE|DIR]…

An MCP (Model Context Protocol) server for coding assistants: list and search traces, summaries, critical paths,
errors, findings, span details, code locations and comparisons, over every source given. Every trace in the files
and folders given is a source. Runs over stdio unless --http is given.

${optionsHelp(OPTIONS)}

environment: SPANSCOPE_BEARER_TOKEN, or SPANSCOPE_USERNAME + SPANSCOPE_PASSWORD, are sent to every backend.

exit codes: 0 the client closed the connection, 2 bad usage, 1 internal error.`;

const say = sayer('mcp');

interface Args {
  backends: BackendConfig[];
  paths: string[];
  receive?: number;
  receiver?: string;
  hubKey?: string;
  workspace?: string;
  http?: number;
  token?: string;
  maxTokens: number;
}

const ConfigSchema = z.object({
  backends: z.array(z.object({
    type: z.enum(['jaeger', 'tempo', 'zipkin']),
    url: z.string().max(2000),
    name: z.string().max(200).optional(),
    tenant: z.string().max(200).optional(),
    headers: z.record(z.string().max(200), z.string().max(4000)).optional(),
  }).strict()).max(50).optional(),
  receive: z.number().int().min(0).max(65535).optional(),
  workspace: z.string().max(4096).optional(),
  paths: z.array(z.string().max(4096)).max(1000).optional(),
  maxOutputTokens: z.number().int().min(500).max(200_000).optional(),
}).strict();

/** Reads --config FILE into the arguments; an error message when it cannot. */
function readConfig(file: string, a: Args, specs: Array<{ type: string; url: string; name?: string; tenant?: string; headers?: Record<string, string> }>): string | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return `--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) return `--config ${file}: ${parsed.error.issues.map(i => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`;
  const c = parsed.data;
  const base = dirname(resolve(file));
  for (const b of c.backends ?? []) specs.push(b);
  if (c.receive !== undefined) a.receive = c.receive;
  if (c.workspace !== undefined) a.workspace = resolve(base, c.workspace);
  for (const p of c.paths ?? []) a.paths.push(resolve(base, p));
  if (c.maxOutputTokens !== undefined) a.maxTokens = c.maxOutputTokens;
  return undefined;
}

function parseArgs(argv: string[]): Args | 'help' | string {
  const parsed = parseOptions(OPTIONS, argv);
  if (typeof parsed === 'string') return parsed;
  const { values } = parsed;
  const a: Args = { backends: [], paths: [], maxTokens: DEFAULT_MAX_TOKENS };
  const fromConfig: Array<{ type: string; url: string; name?: string; tenant?: string; headers?: Record<string, string> }> = [];
  const str = (name: string): string | undefined => values[name] as string | undefined;
  // The config file first: the flags add to it and win over its single values.
  if (str('config') !== undefined) {
    const problem = readConfig(str('config')!, a, fromConfig);
    if (problem) return problem;
  }
  for (const name of ['tenant', 'workspace', 'token-file', 'receiver', 'hub-key']) {
    if (str(name) === '') return `--${name} needs a value`;
  }
  const tenant = str('tenant') ?? (process.env.SPANSCOPE_TENANT || undefined);
  if (str('workspace') !== undefined) a.workspace = str('workspace')!;
  if (str('receiver') !== undefined) a.receiver = str('receiver')!;
  if (str('hub-key') !== undefined) a.hubKey = str('hub-key')!;
  for (const [name, min, max, set] of [
    ['receive', 0, 65535, (n: number) => { a.receive = n; }],
    ['http', 0, 65535, (n: number) => { a.http = n; }],
    ['max-output-tokens', 500, 200_000, (n: number) => { a.maxTokens = n; }],
  ] as const) {
    const n = wholeNumber(name, values[name], min, max);
    if (typeof n === 'object') return n.error;
    if (n !== undefined) set(n);
  }
  a.paths.push(...parsed.positionals);
  for (const b of fromConfig) {
    let url: URL;
    try { url = new URL(b.url); } catch { return `--config: backend "${b.url}" is not a URL`; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--config: backend ${b.url}: only http and https URLs`;
    const t = b.tenant ?? (b.type === 'tempo' ? tenant : undefined);
    a.backends.push({ name: b.name ?? url.host, type: b.type as BackendType, url: url.toString(), ...(t ? { tenant: t } : {}), ...(b.headers ? { headers: b.headers } : {}), timeoutMs: 30_000 });
  }
  for (const spec of (values.backend ?? []) as string[]) {
    const b = parseBackendSpec(spec, { ...(tenant ? { tenant } : {}), timeoutMs: 30_000 });
    if (typeof b === 'string') return b;
    a.backends.push(b);
  }
  if (a.receiver !== undefined && a.receive !== undefined) return '--receiver and --receive: read another receiver or run one here, not both';
  if (a.hubKey !== undefined && a.receiver === undefined) return '--hub-key is the key of --receiver URL, which is missing';
  for (const p of a.paths) if (!existsSync(p)) return `${p}: no such file or directory`;
  if (a.workspace !== undefined && !(existsSync(a.workspace) && statSync(a.workspace).isDirectory())) return `--workspace ${a.workspace}: not a directory`;
  const token = str('token-file') !== undefined ? readToken(str('token-file')!) : process.env.SPANSCOPE_MCP_TOKEN || undefined;
  if (typeof token === 'object') return token.error;
  if (token) a.token = token;
  return a;
}

function readToken(file: string): string | { error: string } {
  try {
    const t = readFileSync(file, 'utf8').trim();
    return t ? t : { error: `--token-file ${file} is empty` };
  } catch (e) {
    return { error: `--token-file ${file}: ${(e as Error).message}` };
  }
}

export const mcpCommand: CliCommand = {
  async run(argv) {
    const args = argumentsOrExit(parseArgs(argv), HELP, say);
    if (typeof args === 'number') return args;

    let store: TraceStore | undefined;
    let receiver: OtlpReceiver | undefined;
    let receiverUrl: string | undefined;
    if (args.receive !== undefined) {
      store = new TraceStore({});
      const workerPath = join(__dirname, 'receiver-worker.js');
      receiver = new OtlpReceiver({ store, host: '127.0.0.1', port: args.receive, grpcPort: false, ...(existsSync(workerPath) ? { parseWorkers: { workerPath, threads: 1 } } : {}) });
      try {
        const addr = await receiver.start();
        receiverUrl = addr.httpUrl;
        say(`OTLP receiver listening at ${addr.httpUrl}`);
      } catch (e) {
        store.dispose();
        if (e instanceof PortInUseError) { say(e.message); return EXIT.badInput; }
        throw e;
      }
    }
    let remoteReceiver: ReconnectingHubReader | undefined;
    if (args.receiver !== undefined) {
      try {
        remoteReceiver = new ReconnectingHubReader(args.receiver, args.hubKey !== undefined ? { keyFiles: [args.hubKey] } : {});
      } catch (e) {
        if (e instanceof HubReadError) { say(`--receiver ${args.receiver}: ${e.message}`); return EXIT.badInput; }
        throw e;
      }
      // Not reachable now is no reason to refuse: the editor may start later, and list_sources tells the assistant.
      await remoteReceiver.connect().then(
        () => say(`reading the traces of the Spanscope receiver at ${args.receiver}`),
        (e: unknown) => { if (!(e instanceof HubReadError)) throw e; say(`--receiver ${args.receiver}: ${e.message} (asked again at each tool call)`); },
      );
    }
    const secrets = backendSecretsFromEnv();
    const sources = new TraceSources({
      paths: args.paths, backends: args.backends.map(c => createBackend(c, secrets)),
      ...(store ? { store } : {}), ...(receiverUrl ? { receiverUrl } : {}), ...(remoteReceiver ? { remoteReceiver } : {}),
    });
    // tree-sitter outlines (a worker thread, started on first use) let the engine find functions and routes by line
    const syntax = args.workspace !== undefined ? createSyntaxService() : undefined;
    const workspace = args.workspace !== undefined ? new Workspace(args.workspace, syntax) : undefined;
    const ctx = {
      sources, ...(workspace ? { workspace } : {}), maxChars: args.maxTokens * CHARS_PER_TOKEN,
      // another window's receiver keeps receiving: each tool call first reads what arrived there
      ...(remoteReceiver ? { prepare: (signal?: AbortSignal) => sources.refresh(signal) } : {}),
    };
    try {
      if (args.http !== undefined) {
        let running;
        try {
          running = await serveHttp(ctx, { port: args.http, ...(args.token ? { token: args.token } : {}) }, say);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') { say(`port ${args.http} is in use; --http 0 picks a free one`); return EXIT.badInput; }
          throw e;
        }
        // the one line a script waits for (tests, editors): where to connect
        say(`MCP server listening at ${running.url}`);
        await new Promise<void>(resolve => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.close();
      } else {
        await serveStdio(ctx, say);
      }
      return EXIT.ok;
    } finally {
      await receiver?.stop();
      store?.dispose();
      syntax?.dispose();
      sources.dispose();
    }
  },
};
