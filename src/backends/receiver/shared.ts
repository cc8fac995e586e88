// The receiver every window of a user shares (see ./hub.ts for the protocol and its security).
//
// SharedReceiver.start() either binds the OTLP ports (owner: OtlpReceiver + HubServer on its HTTP port) or, when
// the HTTP port already holds this user's Spanscope receiver, follows it: the owner's traces are streamed into
// this window's store. When the owner stops (its window closed, its extension host ended), the stream ends and
// each follower tries to bind the port after a short random delay; the first succeeds and the others follow it.
// A new owner loses nothing it had mirrored: its store already holds it.
import * as http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseTraceDocument } from '../../core/parse/index';
import { Emitter, type Event } from './emitter';
import { isPortInUseError } from './errors';
import { FRAME, FrameReader, HUB_PATH, HUB_SERVICE, HubServer, hubProof, type HubAddress, type HubHello, type HubServerOptions } from './hub';
import { OtlpReceiver, type OtlpReceiverOptions, type ReceiverAddress } from './receiver';
import type { TraceStore } from './store';

export type HubProbe =
  /** A Spanscope receiver that proved it knows our secret: follow it. */
  | { readonly kind: 'spanscope'; readonly hello: HubHello }
  /** A Spanscope receiver with another key (another user, or another editor profile): not ours to read. */
  | { readonly kind: 'other-spanscope' }
  /** Something else answers (a Collector, Jaeger, any program). */
  | { readonly kind: 'foreign' }
  /** Nothing listens (anymore). */
  | { readonly kind: 'unreachable' };

/** Asks host:port whether it is this user's Spanscope receiver (see `hello` in ./hub.ts). */
export function probeHub(host: string, port: number, secret: string, timeoutMs = 2000): Promise<HubProbe> {
  const nonce = randomBytes(16).toString('hex');
  return new Promise(resolve => {
    const req = http.get({ host, port, path: `${HUB_PATH}/hello?nonce=${nonce}`, timeout: timeoutMs, agent: false }, res => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) { res.destroy(); resolve({ kind: 'foreign' }); return; }
        chunks.push(c);
      });
      res.on('error', () => resolve({ kind: 'foreign' }));
      res.on('end', () => {
        let hello: Partial<HubHello> | undefined;
        try { hello = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<HubHello>; } catch { /* not JSON */ }
        if (res.statusCode !== 200 || hello?.service !== HUB_SERVICE) { resolve({ kind: 'foreign' }); return; }
        const expected = Buffer.from(hubProof(secret, 'server', nonce));
        const proof = Buffer.from(typeof hello.proof === 'string' ? hello.proof : '');
        const proven = proof.length === expected.length && timingSafeEqual(proof, expected);
        const address = validAddress(hello.address);
        resolve(proven && address ? { kind: 'spanscope', hello: { ...(hello as HubHello), address } } : { kind: 'other-spanscope' });
      });
    });
    req.on('timeout', () => { req.destroy(); resolve({ kind: 'foreign' }); });
    req.on('error', err => resolve((err as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? { kind: 'unreachable' } : { kind: 'foreign' }));
  });
}

function validAddress(a: unknown): HubAddress | undefined {
  const x = a as Partial<HubAddress> | undefined;
  const port = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536;
  if (!x || typeof x.host !== 'string' || !port(x.httpPort) || typeof x.httpUrl !== 'string' || x.httpUrl.length > 300) return undefined;
  const grpc = port(x.grpcPort) && typeof x.grpcUrl === 'string' && x.grpcUrl.length <= 300 ? { grpcPort: x.grpcPort!, grpcUrl: x.grpcUrl } : {};
  return { host: x.host.slice(0, 100), httpPort: x.httpPort!, httpUrl: x.httpUrl, ...grpc };
}

/** A follower's stream of the owner's traces, mirrored into `store`. */
export class HubFollower {
  private req: http.ClientRequest | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private _spans = 0;
  private readonly _ended = new Emitter<string>();
  private readonly _mirrored = new Emitter<number>();
  private done = false;
  /** The stream ended; the reason is for the log. Fires once (not after dispose). */
  readonly onEnded: Event<string> = this._ended.event;
  /** Spans added to the store by a frame (after the first frame: the owner's store so far). */
  readonly onMirrored: Event<number> = this._mirrored.event;

  constructor(
    private readonly host: string,
    private readonly port: number,
    secret: string,
    private readonly store: TraceStore,
    private readonly options: { readonly maxFrameBytes?: number; readonly idleMs?: number } = {},
  ) {
    const reader = new FrameReader(options.maxFrameBytes ?? 256 * 1024 * 1024);
    this.req = http.get({ host, port, path: `${HUB_PATH}/stream`, agent: false, headers: { authorization: `Bearer ${secret}` } }, res => {
      if (res.statusCode !== 200) { res.resume(); this.end(`the receiver answered ${res.statusCode} to the follow request`); return; }
      this.touch();
      res.on('data', (chunk: Buffer) => {
        this.touch();
        try {
          for (const f of reader.push(chunk)) if (f.type === FRAME.spans) this.mirror(f.payload);
        } catch (err) {
          this.end(`bad data from the receiver: ${(err as Error).message}`);
        }
      });
      res.on('end', () => this.end('the owner closed the stream'));
      res.on('error', err => this.end(`stream error: ${err.message}`));
      res.on('close', () => this.end('the connection closed'));
    });
    this.req.on('error', err => this.end(`could not follow ${host}:${port}: ${err.message}`));
  }

  /** Spans mirrored so far. */
  get spans(): number {
    return this._spans;
  }

  dispose(): void {
    this.done = true;
    this.stop();
    this._ended.dispose();
    this._mirrored.dispose();
  }

  private mirror(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Whole traces; spans the store already holds (same span ID and start) count as duplicates and are skipped.
    const { traces } = parseTraceDocument(bytes, { format: 'otlp-proto' });
    const { accepted } = this.store.add(traces);
    this._spans += accepted;
    this._mirrored.fire(accepted);
  }

  /** Pings arrive every few seconds: silence this long means the owner hangs (or its machine sleeps). */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.end('no data from the owner for too long'), this.options.idleMs ?? 20_000);
    this.idleTimer.unref?.();
  }

  private stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.req?.destroy();
    this.req = undefined;
  }

  private end(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.stop();
    this._ended.fire(reason);
  }
}

export type SharedRole =
  | { readonly kind: 'stopped' }
  /** This window's receiver listens. */
  | { readonly kind: 'owner'; readonly address: ReceiverAddress }
  /** Another window's receiver listens; its traces are mirrored here. */
  | { readonly kind: 'follower'; readonly address: ReceiverAddress; readonly ownerPid: number }
  /** Following failed and taking over too: `error` says why (a PortInUseError when a foreign program took the port). */
  | { readonly kind: 'failed'; readonly error: Error };

export interface SharedReceiverOptions {
  /** The receiver this window would run (sideRoutes is set here). */
  readonly receiver: Omit<OtlpReceiverOptions, 'sideRoutes' | 'store'>;
  readonly store: TraceStore;
  /** The user's hub secret (`loadHubSecret`). */
  readonly secret: string;
  readonly hub?: HubServerOptions;
  /** Follower stream settings (tests shorten the idle time). */
  readonly follower?: { readonly maxFrameBytes?: number; readonly idleMs?: number };
  /** Delay before trying to take over; random so that followers rarely collide. Default 20–320 ms. */
  readonly takeoverDelayMs?: () => number;
  /** Tries to take over or follow before giving up. Default 25. */
  readonly takeoverAttempts?: number;
}

/** One window's part in the shared receiver: owner or follower, switching from follower to owner on its own. */
export class SharedReceiver {
  private _role: SharedRole = { kind: 'stopped' };
  private _receiver: OtlpReceiver | undefined;
  private hub: HubServer | undefined;
  private follower: HubFollower | undefined;
  private running = false;
  private readonly _onDidChangeRole = new Emitter<SharedRole>();
  private readonly _onLog = new Emitter<string>();
  /** Owner ↔ follower, failed, stopped; not fired by start() and stop() themselves. */
  readonly onDidChangeRole: Event<SharedRole> = this._onDidChangeRole.event;
  /** What happened, for the log (took over, follows, lost the owner). */
  readonly onLog: Event<string> = this._onLog.event;
  /** Hooks the owner's receiver events (warnings, internal errors) each time this window becomes owner. */
  onReceiver: ((r: OtlpReceiver) => void) | undefined;

  constructor(private readonly options: SharedReceiverOptions) {}

  get role(): SharedRole {
    return this._role;
  }

  /** The receiver, while this window owns it. */
  get receiver(): OtlpReceiver | undefined {
    return this._receiver;
  }

  /**
   * Owner or follower. Rejects like OtlpReceiver.start() when neither works: a PortInUseError when the port holds
   * something that is not this user's Spanscope receiver.
   */
  async start(): Promise<SharedRole> {
    if (this._role.kind === 'owner' || this._role.kind === 'follower') return this._role;
    this.running = true;
    try {
      this._role = await this.ownOrFollow();
    } catch (err) {
      this.running = false;
      throw err;
    }
    return this._role;
  }

  /** Stops owning or following. The owner sends its last changes to followers first (one of them takes over). */
  async stop(): Promise<void> {
    this.running = false;
    this.follower?.dispose();
    this.follower = undefined;
    this.hub?.dispose();
    this.hub = undefined;
    const r = this._receiver;
    this._receiver = undefined;
    this._role = { kind: 'stopped' };
    if (r) {
      await r.stop();
      r.dispose();
    }
  }

  dispose(): void {
    void this.stop();
    this._onDidChangeRole.dispose();
    this._onLog.dispose();
  }

  private async ownOrFollow(): Promise<SharedRole> {
    for (let i = 0; ; i++) {
      const receiver = new OtlpReceiver({ ...this.options.receiver, store: this.options.store, sideRoutes: (req, res) => this.hub?.handle(req, res) ?? false });
      this.onReceiver?.(receiver);
      try {
        const address = await receiver.start();
        if (!this.running) { await receiver.stop(); receiver.dispose(); return { kind: 'stopped' }; }
        this._receiver = receiver;
        this.hub = new HubServer(this.options.store, this.options.secret, () => this._receiver?.address, this.options.hub);
        return { kind: 'owner', address };
      } catch (err) {
        receiver.dispose();
        if (!isPortInUseError(err) || err.protocol !== 'http') throw err;
        const probe = await probeHub(err.host, err.port, this.options.secret);
        // stop() while we asked: start nothing (a stream opened now would outlive the window's receiver).
        if (!this.running) return { kind: 'stopped' };
        if (probe.kind === 'spanscope') return this.follow(err.host, err.port, probe.hello);
        // The owner was stopping between our bind and our question: try to bind again (a few times).
        if (probe.kind === 'unreachable' && i < 5) continue;
        if (probe.kind === 'other-spanscope') {
          throw Object.assign(err, { message: `${err.message} (It is a Spanscope receiver of another user or editor profile: its traces are not shared with this window.)` });
        }
        throw err;
      }
    }
  }

  private follow(host: string, port: number, hello: HubHello): SharedRole {
    const follower = new HubFollower(host, port, this.options.secret, this.options.store, this.options.follower);
    this.follower = follower;
    follower.onEnded(reason => {
      if (this.follower !== follower) return;
      this.follower = undefined;
      this._onLog.fire(`the shared receiver (pid ${hello.pid}) went away: ${reason}; taking over`);
      void this.takeOver();
    });
    this._onLog.fire(`following the shared receiver of pid ${hello.pid} at ${hello.address.httpUrl}`);
    return { kind: 'follower', address: hello.address, ownerPid: hello.pid };
  }

  private async takeOver(): Promise<void> {
    const attempts = this.options.takeoverAttempts ?? 25;
    let last: unknown;
    for (let i = 0; i < attempts && this.running; i++) {
      await new Promise(r => setTimeout(r, this.options.takeoverDelayMs?.() ?? 20 + Math.random() * 300));
      if (!this.running) return;
      try {
        const role = await this.ownOrFollow();
        // stop() during the attempt: end what it started.
        if (!this.running) { await this.stop(); return; }
        this._role = role;
        this._onLog.fire(role.kind === 'owner' ? `took over the shared receiver: ${role.address.httpUrl}` : 'following the new owner of the shared receiver');
        this._onDidChangeRole.fire(role);
        return;
      } catch (err) {
        last = err;
        // A foreign program on the port will not go away by itself: say so now.
        if (isPortInUseError(err)) break;
      }
    }
    if (!this.running) return;
    this.running = false;
    this._role = { kind: 'failed', error: last instanceof Error ? last : new Error(String(last ?? 'could not take over the receiver')) };
    this._onDidChangeRole.fire(this._role);
  }
}
