// One receiver for every VS Code window of a user: the hub.
//
// The first window binds the OTLP ports and becomes the owner; the owner also answers a few Spanscope-only paths
// on its OTLP/HTTP port (the "hub"). A window that finds the port taken asks the port who it is (`hello`) and,
// when it is a Spanscope receiver of the same user, subscribes to a stream of the owner's traces and mirrors them
// into its own store. When the owner goes away the stream ends and a follower binds the port itself: it already
// holds every trace the owner had (see SharedReceiver).
//
// Security. The hub secret is a random 256-bit key in a file only the user can read (`loadHubSecret`, mode 0600 in
// the extension's global storage, which every window of the user shares). Other local users, and processes that
// cannot read the user's files, cannot read the traces:
//   - `hello` proves that the server knows the secret (HMAC of the client's fresh nonce) before the client sends
//     anything secret: a program of another user that binds the port first cannot pose as the hub and collect it;
//   - `stream`, `status`, `traces` and `traces/<id>` need `Authorization: Bearer <secret>` (constant-time check);
//   - `traces` (the list) and `traces/<id>` (one trace, OTLP protobuf) are the read API of programs outside the
//     editor (`spanscope mcp --receiver URL`, see ./hubReader.ts); they also refuse any peer that is not on this
//     machine, even when the user bound the receiver to a public address for OTLP;
//   - the hub answers loopback only (the receiver's bind), and refuses any request from a browser (an Origin
//     header), so a web page cannot use it even from an allowed CORS origin.
import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import { join } from 'node:path';
import { encodeOtlpProtobuf } from '../../core/otlp/proto';
import { BearerCheck, isLoopbackHost } from './policy';
import type { TraceStore } from './store';

export const HUB_PATH = '/spanscope/hub';
/** What `hello` calls itself; a port answering anything else is not a Spanscope receiver. */
export const HUB_SERVICE = 'spanscope-receiver';
export const HUB_VERSION = 1;
export const HUB_SECRET_FILE = 'receiver-hub.key';

/** Stream frames: [type: u8][length: u32 big-endian][payload]. */
export const FRAME = {
  /** Payload: an OTLP protobuf ExportTraceServiceRequest holding whole traces (the follower drops spans it holds). */
  spans: 1,
  /** Empty; sent every `pingMs` so a follower can tell a silent owner from a dead one. */
  ping: 2,
} as const;
const HEADER_BYTES = 5;

/** Where the owner's receiver listens, as `hello` tells a follower. */
export interface HubAddress {
  readonly host: string;
  readonly httpPort: number;
  readonly httpUrl: string;
  readonly grpcPort?: number;
  readonly grpcUrl?: string;
}

export interface HubHello {
  readonly service: typeof HUB_SERVICE;
  readonly version: number;
  /** HMAC-SHA256(secret, "server:" + nonce), hex. */
  readonly proof: string;
  readonly pid: number;
  readonly address: HubAddress;
}

/** One trace in the answer of `traces` (the read API): the store's list item, with its start as a decimal string. */
export interface HubTraceItem {
  readonly traceId: string;
  readonly rootService: string;
  readonly rootName: string;
  /** Unix nanoseconds, decimal (JSON has no 64-bit integers). */
  readonly startNs: string;
  readonly durationNs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  /** When a span last arrived for this trace (ms since epoch): a reader re-fetches a trace that grew. */
  readonly lastUpdateMs: number;
  readonly completed: boolean;
}

/** A trace ID as the store keys it: 32 (or 16, from Zipkin-era senders) lowercase hex digits. */
export const HUB_TRACE_ID_RE = /^[0-9a-f]{16}(?:[0-9a-f]{16})?$/;

/** What `status` answers (the demo asks it whether its traces arrived). */
export interface HubStatus {
  readonly traces: number;
  readonly spans: number;
  /** Traces held per root service. */
  readonly services: Readonly<Record<string, number>>;
  readonly followers: number;
  readonly address: HubAddress;
}

export function hubProof(secret: string, role: 'server', nonce: string): string {
  return createHmac('sha256', secret).update(`${role}:${nonce}`).digest('hex');
}

const SECRET_RE = /^[0-9a-f]{64}$/;

/** Why a key file cannot be trusted, or its key. */
export type HubKeyFile =
  | { readonly key: string }
  | { readonly problem: 'missing' | 'not-a-file' | 'not-owned' | 'not-private' | 'malformed' };

/**
 * Reads a hub key file without changing it (the CLI reads the editor's file: it must never remove or rewrite it).
 * Only a regular file (not a link) owned by this user, that nobody else can read, holding a well-formed key counts:
 * a key others could read could have been planted or copied, and the hub must not hand traces to its holder.
 */
export function inspectHubKeyFile(file: string): HubKeyFile {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return { problem: 'missing' };
  }
  if (!st.isFile()) return { problem: 'not-a-file' };
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return { problem: 'not-owned' };
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) return { problem: 'not-private' };
  let value = '';
  try { value = readFileSync(file, 'utf8').trim(); } catch { return { problem: 'missing' }; }
  return SECRET_RE.test(value) ? { key: value } : { problem: 'malformed' };
}

/**
 * The hub secret of this user, created once in `dir` (the extension's global storage). Refuses a file that others
 * could read or that another user owns: it is replaced by a new one (windows that read the old one re-read it when
 * their `hello` check fails).
 */
export function loadHubSecret(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, HUB_SECRET_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = readSecret(file);
    if (existing) return existing;
    // Written under a unique name, then linked into place: link fails if the file exists, so two windows starting
    // at once end up with the same secret, and nobody ever reads a half-written file.
    const secret = randomBytes(32).toString('hex');
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, secret, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
      return secret;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  throw new Error(`could not create the receiver's hub key in ${dir}`);
}

function readSecret(file: string): string | undefined {
  const read = inspectHubKeyFile(file);
  if ('key' in read) return read.key;
  if (read.problem === 'missing') return undefined;
  // Readable by others, a link, or garbage: never use it. Remove it so that a fresh one is made.
  try { unlinkSync(file); } catch { /* another window did */ }
  return undefined;
}

export interface HubServerOptions {
  /** Most followers at once. Default 64. */
  readonly maxFollowers?: number;
  /** Changed traces are gathered this long before they are sent. Default 25 ms. */
  readonly flushMs?: number;
  /** Default 5000 ms. */
  readonly pingMs?: number;
  /** A follower with more than this unsent is cut off (it reconnects and gets a fresh copy). Default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /** The first frame (the store so far) is at most this big; older traces that do not fit are left out. Default 128 MiB. */
  readonly maxSnapshotBytes?: number;
}

/** The owner's side: answers the hub paths and streams the store's new and grown traces to followers. */
export class HubServer {
  private readonly auth: BearerCheck;
  private readonly followers = new Set<http.ServerResponse>();
  private readonly pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private readonly subscriptions: { dispose(): void }[];
  private readonly maxFollowers: number;
  private readonly flushMs: number;
  private readonly maxBuffered: number;
  private readonly maxSnapshot: number;
  private disposed = false;

  constructor(private readonly store: TraceStore, private readonly secret: string, private readonly address: () => HubAddress | undefined, options: HubServerOptions = {}) {
    this.auth = new BearerCheck(secret);
    this.maxFollowers = options.maxFollowers ?? 64;
    this.flushMs = options.flushMs ?? 25;
    this.maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.maxSnapshot = options.maxSnapshotBytes ?? 128 * 1024 * 1024;
    const changed = (id: string) => this.changed(id);
    this.subscriptions = [store.onTraceAdded(changed), store.onTraceUpdated(changed)];
    this.pingTimer = setInterval(() => this.broadcast(FRAME.ping, new Uint8Array(0)), options.pingMs ?? 5000);
    this.pingTimer.unref?.();
  }

  get followerCount(): number {
    return this.followers.size;
  }

  /** For OtlpReceiverOptions.sideRoutes: true when the request was for a hub path (and is answered). */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (url.pathname !== HUB_PATH && !url.pathname.startsWith(HUB_PATH + '/')) return false;
    req.resume();
    const send = (status: number, body: unknown) => {
      const bytes = Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, 'cache-control': 'no-store', connection: 'close' });
      res.end(bytes);
    };
    if (req.headers.origin !== undefined) { send(403, { error: 'not for browsers' }); return true; }
    if (req.method !== 'GET') { send(405, { error: 'use GET' }); return true; }
    const address = this.address();
    if (this.disposed || !address) { send(503, { error: 'stopping' }); return true; }
    const route = url.pathname.slice(HUB_PATH.length);
    if (route === '/hello') {
      const nonce = url.searchParams.get('nonce') ?? '';
      if (!/^[0-9a-f]{32,128}$/.test(nonce)) { send(400, { error: 'nonce: 32 to 128 hex digits' }); return true; }
      const hello: HubHello = { service: HUB_SERVICE, version: HUB_VERSION, proof: hubProof(this.secret, 'server', nonce), pid: process.pid, address };
      send(200, hello);
      return true;
    }
    if (!this.auth.matches(req.headers.authorization)) { send(401, { error: 'missing or wrong hub key' }); return true; }
    if (route === '/status') {
      const services: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const t of this.store.list()) services[t.rootService] = (services[t.rootService] ?? 0) + 1;
      const { traces, spans } = this.store.stats();
      const status: HubStatus = { traces, spans, services, followers: this.followers.size, address };
      send(200, status);
      return true;
    }
    if (route === '/traces' || route.startsWith('/traces/')) {
      // Bound to a public address for OTLP, the port is reachable from elsewhere; reading traces stays local.
      if (!isLoopbackHost(req.socket.remoteAddress ?? '')) { send(403, { error: 'traces are read from this machine only' }); return true; }
      if (route === '/traces') {
        const traces: HubTraceItem[] = this.store.list().map(t => ({
          traceId: t.traceId, rootService: t.rootService, rootName: t.rootName, startNs: t.startNs.toString(),
          durationNs: t.durationNs, spanCount: t.spanCount, errorCount: t.errorCount, lastUpdateMs: t.lastUpdateMs, completed: t.completed,
        }));
        send(200, { traces });
        return true;
      }
      const id = route.slice('/traces/'.length).toLowerCase();
      if (!HUB_TRACE_ID_RE.test(id)) { send(400, { error: 'a trace ID is 16 or 32 hex digits' }); return true; }
      const trace = this.store.get(id);
      if (!trace) { send(404, { error: `no trace ${id} in this receiver` }); return true; }
      const bytes = encodeOtlpProtobuf([trace]);
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': bytes.length, 'cache-control': 'no-store', connection: 'close' });
      res.end(bytes);
      return true;
    }
    if (route === '/stream') {
      if (this.followers.size >= this.maxFollowers) { send(503, { error: 'too many windows follow this receiver' }); return true; }
      res.writeHead(200, { 'content-type': 'application/vnd.spanscope.hub', 'cache-control': 'no-store' });
      res.socket?.setNoDelay(true);
      // The follower's copy starts with everything held so far; then every new or grown trace.
      this.write(res, FRAME.spans, this.store.snapshot(this.maxSnapshot));
      this.followers.add(res);
      res.on('close', () => this.followers.delete(res));
      return true;
    }
    send(404, { error: 'unknown hub path' });
    return true;
  };

  /** Sends the traces changed since the last flush now (the owner is about to stop: followers must have them all). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    if (this.followers.size === 0) return;
    const traces = ids.map(id => this.store.get(id)).filter(t => t !== undefined);
    if (traces.length) this.broadcast(FRAME.spans, encodeOtlpProtobuf(traces));
  }

  /** Flushes, then ends every stream (followers take over). */
  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    clearInterval(this.pingTimer);
    for (const s of this.subscriptions) s.dispose();
    for (const res of this.followers) res.end();
    this.followers.clear();
  }

  private changed(id: string): void {
    if (this.disposed || this.followers.size === 0) return;
    this.pending.add(id);
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private broadcast(type: number, payload: Uint8Array): void {
    for (const res of this.followers) this.write(res, type, payload);
  }

  private write(res: http.ServerResponse, type: number, payload: Uint8Array): void {
    if (res.writableLength > this.maxBuffered) {
      // A follower that does not read (a stuck window) must not make the owner buffer without end.
      this.followers.delete(res);
      res.destroy();
      return;
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = type;
    header.writeUInt32BE(payload.length, 1);
    res.write(header);
    if (payload.length) res.write(payload);
  }
}

/** Reads frames from a stream's chunks, each at most `maxFrameBytes`. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** The frames completed by this chunk. Throws on a frame over the limit or of an unknown type. */
  push(chunk: Uint8Array): { type: number; payload: Uint8Array }[] {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.buffered += chunk.byteLength;
    const out: { type: number; payload: Uint8Array }[] = [];
    for (;;) {
      if (this.buffered < HEADER_BYTES) return out;
      const head = this.peek(HEADER_BYTES);
      const type = head[0]!;
      const length = head.readUInt32BE(1);
      if (type !== FRAME.spans && type !== FRAME.ping) throw new Error(`unknown hub frame type ${type}`);
      if (length > this.maxFrameBytes) throw new Error(`hub frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
      if (this.buffered < HEADER_BYTES + length) return out;
      const all = this.take(HEADER_BYTES + length);
      out.push({ type, payload: all.subarray(HEADER_BYTES) });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    const first = this.chunks[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
