// Reading the traces another Spanscope window's receiver holds, from a program outside the editor
// (`spanscope mcp --receiver URL`): the hub's read API (`traces`, `traces/<id>`, see ./hub.ts).
//
// The key. Every window of one editor profile shares a random hub key in a 0600 file in the extension's global
// storage (`loadHubSecret`). The CLI does not know which editor the user runs, so it looks in the places editors
// keep that storage (`hubKeyFiles`), or reads the file named by --hub-key / SPANSCOPE_HUB_KEY_FILE. It trusts only a
// regular file of this user that no one else can read (`inspectHubKeyFile`), and it picks among the keys found
// without sending any of them: `hello` makes the receiver prove which key it holds (an HMAC of a fresh nonce), and
// only that key is then sent, to that loopback port. A program of another user listening on the port, or a
// receiver of another profile, never sees a key.
import * as http from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Trace } from '../../core/model';
import { parseTraceDocument } from '../../core/parse/index';
import { HUB_PATH, HUB_SECRET_FILE, HUB_TRACE_ID_RE, inspectHubKeyFile, type HubTraceItem } from './hub';
import { isLoopbackHost } from './policy';
import { probeHub } from './shared';

/** The extension's ID as VS Code names its global storage folder (publisher.name, lowercase). */
const EXTENSION_STORAGE = 'spanscope.spanscope';
/** Editors built on VS Code, by the name of their user-data folder. */
const EDITOR_FOLDERS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf', 'Positron'];
/** Remote and browser editors: their server's user-data folder under the home directory. */
const SERVER_FOLDERS = ['.vscode-server/data', '.vscode-server-insiders/data', '.cursor-server/data', '.windsurf-server/data'];

export type HubReadErrorKind =
  /** The URL is not an http://host:port URL. */
  | 'bad-url'
  /** The URL is not on this machine: the key is never sent elsewhere. */
  | 'not-loopback'
  /** Nothing listens there (anymore). */
  | 'unreachable'
  /** Something that is not a Spanscope receiver answers there (a Collector, Jaeger, …). */
  | 'not-spanscope'
  /** A Spanscope receiver answers, but none of the keys found is its key (another user or editor profile). */
  | 'no-key'
  /** The receiver refused the key (it changed since): connect again. */
  | 'unauthorized'
  /** The receiver does not hold this trace (never received, or evicted). */
  | 'not-found'
  /** The receiver is too old for the read API, or answered something unreadable. */
  | 'bad-response'
  /** No answer in time. */
  | 'timeout';

export class HubReadError extends Error {
  override readonly name = 'HubReadError';
  constructor(readonly kind: HubReadErrorKind, message: string) {
    super(message);
  }
}

export interface HubKeyFileOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly platform?: NodeJS.Platform;
}

/** Where editors keep Spanscope's hub key for this user, most likely first (files that may not exist). */
export function hubKeyFiles(opts: HubKeyFileOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const platform = opts.platform ?? process.platform;
  const userDirs: string[] = [];
  const configBase = platform === 'win32' ? env.APPDATA ?? join(home, 'AppData', 'Roaming')
    : platform === 'darwin' ? join(home, 'Library', 'Application Support')
      : env.XDG_CONFIG_HOME || join(home, '.config');
  for (const editor of EDITOR_FOLDERS) userDirs.push(join(configBase, editor, 'User'));
  for (const server of SERVER_FOLDERS) userDirs.push(join(home, ...server.split('/'), 'User'));
  // code-server keeps its user data under XDG_DATA_HOME.
  userDirs.push(join(platform === 'linux' ? env.XDG_DATA_HOME || join(home, '.local', 'share') : configBase, 'code-server', 'User'));
  return userDirs.map(dir => join(dir, 'globalStorage', EXTENSION_STORAGE, HUB_SECRET_FILE));
}

/** The keys in these files that can be trusted (see inspectHubKeyFile), without duplicates. */
export function readHubKeys(files: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const f of files) {
    const r = inspectHubKeyFile(f);
    if ('key' in r) keys.add(r.key);
  }
  return [...keys];
}

export interface HubConnectOptions {
  /** Key files to try; default: SPANSCOPE_HUB_KEY_FILE, else `hubKeyFiles()`. */
  readonly keyFiles?: readonly string[];
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number;
  /** The largest answer read (a trace of the receiver's largest size fits). Default 256 MiB. */
  readonly maxBytes?: number;
}

/** The receiver's HTTP address from a URL like http://127.0.0.1:4318 (a path is ignored). */
export function parseReceiverUrl(url: string): { host: string; port: number } {
  let u: URL;
  try { u = new URL(url); } catch { throw new HubReadError('bad-url', `"${url}" is not a URL (e.g. http://127.0.0.1:4318)`); }
  if (u.protocol !== 'http:') throw new HubReadError('bad-url', `${url}: the receiver's OTLP/HTTP address is an http:// URL`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopbackHost(host)) throw new HubReadError('not-loopback', `${url}: only a receiver on this machine (127.0.0.1, ::1, localhost) can be read; its key is never sent elsewhere`);
  return { host, port: u.port ? Number(u.port) : 80 };
}

/**
 * Finds out whether `url` is a Spanscope receiver whose key we hold, and returns a reader for it.
 * Throws a HubReadError ('unreachable', 'not-spanscope', 'no-key', …) saying what to do.
 */
export async function connectHub(url: string, opts: HubConnectOptions = {}): Promise<HubReader> {
  const { host, port } = parseReceiverUrl(url);
  const fromEnv = process.env.SPANSCOPE_HUB_KEY_FILE;
  const files = opts.keyFiles ?? (fromEnv ? [fromEnv] : hubKeyFiles());
  const keys = readHubKeys(files);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // With no key the question is still asked: the answer tells "nothing there" from "not a Spanscope receiver".
  for (const key of keys.length ? keys : ['0'.repeat(64)]) {
    const probe = await probeHub(host, port, key, timeoutMs);
    if (probe.kind === 'unreachable') throw new HubReadError('unreachable', `nothing listens at ${url} (is a Spanscope window with its receiver running?)`);
    if (probe.kind === 'foreign') throw new HubReadError('not-spanscope', `${url} is not a Spanscope receiver (or it does not answer)`);
    if (probe.kind === 'spanscope' && keys.length) return new HubReader(url, host, port, key, timeoutMs, opts.maxBytes ?? 256 * 1024 * 1024);
  }
  const where = opts.keyFiles ?? (fromEnv ? [fromEnv] : undefined);
  throw new HubReadError('no-key', `${url} is a Spanscope receiver, but ${keys.length ? 'none of the hub keys found is its key' : 'no hub key was found'} `
    + `(${where ? `looked in ${where.join(', ')}` : 'looked where VS Code, VS Code Insiders, VSCodium, Cursor, Windsurf, Positron and code-server keep extension storage'}); `
    + `give the key file of the editor that runs it with --hub-key FILE (its global storage folder spanscope.spanscope/${HUB_SECRET_FILE}, readable only by you)`);
}

/** Lists and fetches the traces of one receiver (see connectHub). */
export class HubReader {
  constructor(
    readonly url: string,
    private readonly host: string,
    private readonly port: number,
    private readonly key: string,
    private readonly timeoutMs: number,
    private readonly maxBytes: number,
  ) {}

  /** Every trace the receiver holds, as its list shows them. */
  async list(signal?: AbortSignal): Promise<HubTraceItem[]> {
    const body = await this.get('/traces', signal);
    let parsed: unknown;
    try { parsed = JSON.parse(body.toString('utf8')); } catch { throw new HubReadError('bad-response', `${this.url} sent a trace list that is not JSON`); }
    const traces = (parsed as { traces?: unknown })?.traces;
    if (!Array.isArray(traces)) throw new HubReadError('bad-response', `${this.url} sent no trace list`);
    return traces.filter(isTraceItem);
  }

  /** One trace by ID (32 or 16 hex digits), parsed. */
  async trace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    const id = traceId.toLowerCase();
    if (!HUB_TRACE_ID_RE.test(id)) throw new HubReadError('not-found', `"${traceId}" is not a trace ID (16 or 32 hex digits)`);
    const body = await this.get(`/traces/${id}`, signal);
    let traces: readonly Trace[];
    try {
      traces = parseTraceDocument(body, { format: 'otlp-proto' }).traces;
    } catch (e) {
      throw new HubReadError('bad-response', `${this.url} sent trace ${id} in a form that does not parse: ${(e as Error).message}`);
    }
    const trace = traces.find(t => t.traceId === id);
    if (!trace) throw new HubReadError('bad-response', `${this.url} answered with another trace than ${id}`);
    return trace;
  }

  private get(route: string, signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) { reject(new HubReadError('timeout', 'cancelled')); return; }
      const req = http.get({
        host: this.host, port: this.port, path: `${HUB_PATH}${route}`, agent: false, timeout: this.timeoutMs,
        headers: { authorization: `Bearer ${this.key}` }, ...(signal ? { signal } : {}),
      }, res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) { req.destroy(); reject(new HubReadError('bad-response', `${this.url} sent more than ${this.maxBytes} bytes`)); return; }
          chunks.push(c);
        });
        res.on('error', err => reject(new HubReadError('unreachable', `${this.url}: ${err.message}`)));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status === 200) { resolve(body); return; }
          const message = errorText(body) ?? `HTTP ${status}`;
          if (status === 401) reject(new HubReadError('unauthorized', `${this.url} refused the hub key (${message}); the editor made a new one: connect again`));
          else if (status === 404 && route.startsWith('/traces/')) reject(new HubReadError('not-found', message));
          // An older Spanscope answers 404 "unknown hub path" to the read API.
          else if (status === 404) reject(new HubReadError('bad-response', `${this.url} has no trace read API (its Spanscope is older): ${message}`));
          else reject(new HubReadError('bad-response', `${this.url} answered ${status}: ${message}`));
        });
      });
      req.on('timeout', () => { req.destroy(); reject(new HubReadError('timeout', `${this.url} did not answer within ${this.timeoutMs} ms`)); });
      req.on('error', err => {
        if ((err as Error).name === 'AbortError') reject(new HubReadError('timeout', 'cancelled'));
        else if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') reject(new HubReadError('unreachable', `nothing listens at ${this.url} anymore`));
        else reject(new HubReadError('unreachable', `${this.url}: ${err.message}`));
      });
    });
  }
}

function errorText(body: Buffer): string | undefined {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    return typeof e === 'string' ? e.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function isTraceItem(x: unknown): x is HubTraceItem {
  const t = x as Partial<HubTraceItem> | null;
  return !!t && typeof t.traceId === 'string' && HUB_TRACE_ID_RE.test(t.traceId) && typeof t.spanCount === 'number'
    && typeof t.rootService === 'string' && typeof t.rootName === 'string' && typeof t.startNs === 'string'
    && typeof t.durationNs === 'number' && typeof t.errorCount === 'number' && typeof t.lastUpdateMs === 'number';
}

/**
 * A reader that connects when first used and again after the receiver went away or changed its key: the window
 * that runs the receiver may be closed and another take over the port (same user, same key), or the editor may
 * start after the assistant started this server. Each call that cannot connect throws the HubReadError saying why.
 */
export class ReconnectingHubReader {
  private reader: Promise<HubReader> | undefined;

  constructor(readonly url: string, private readonly opts: HubConnectOptions = {}) {
    parseReceiverUrl(url);
  }

  /** Connects now (or reuses the connection): the HubReadError saying why not, if it cannot. */
  connect(): Promise<HubReader> {
    const r = this.reader ??= connectHub(this.url, this.opts);
    r.catch(() => { if (this.reader === r) this.reader = undefined; });
    return r;
  }

  list(signal?: AbortSignal): Promise<HubTraceItem[]> {
    return this.use(r => r.list(signal));
  }

  trace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    return this.use(r => r.trace(traceId, signal));
  }

  private async use<T>(call: (r: HubReader) => Promise<T>): Promise<T> {
    const r = this.connect();
    try {
      return await call(await r);
    } catch (e) {
      // Another process may hold the port now (a new owner, or not Spanscope at all): ask `hello` again next time.
      if (e instanceof HubReadError && (e.kind === 'unreachable' || e.kind === 'unauthorized') && this.reader === r) this.reader = undefined;
      throw e;
    }
  }
}
