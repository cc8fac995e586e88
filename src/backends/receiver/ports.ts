// What to tell a user whose port is taken: which port is free instead, and whether the port already holds an
// OTLP endpoint (a running Collector, Jaeger, another Spanscope window) that their app may be sending to.
import * as http from 'node:http';
import * as net from 'node:net';
import { RECEIVER_ERROR } from './errors';

export type PortOccupant = 'otlp' | 'other-http' | 'unknown';
export type ReceiverProtocol = 'http' | 'grpc';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  /** Check this (`isPortInUseError` in ./errors), not `instanceof`: each extension bundle has its own copy of this class. */
  readonly code = RECEIVER_ERROR.portInUse;
  constructor(
    readonly protocol: ReceiverProtocol,
    readonly host: string,
    readonly port: number,
    readonly occupant: PortOccupant,
    /** A port on the same host that was free a moment ago, if one was found. */
    readonly suggestedPort: number | undefined,
  ) {
    super(portInUseMessage(protocol, host, port, occupant, suggestedPort));
  }

  get holdsOtlpEndpoint(): boolean {
    return this.occupant === 'otlp';
  }
}

function portInUseMessage(protocol: ReceiverProtocol, host: string, port: number, occupant: PortOccupant, suggested: number | undefined): string {
  const what = protocol === 'grpc' ? 'OTLP/gRPC' : 'OTLP/HTTP';
  const where = `${host}:${port}`;
  const instead = suggested !== undefined ? ` Port ${suggested} is free: use it for the Spanscope ${what} receiver` : ' Choose another port for the Spanscope receiver';
  if (occupant === 'otlp') {
    return `${where} already has an ${what} endpoint (an OpenTelemetry Collector, Jaeger, or another Spanscope window). `
      + `Your app may already be exporting there: add that backend to Spanscope, or stop it.${instead} and point your app's exporter at it.`;
  }
  const by = occupant === 'other-http' ? 'another HTTP server (not an OTLP receiver)' : 'another program';
  return `${where} is in use by ${by}.${instead} and point your app's exporter at it.`;
}

/** Whether an OTLP/HTTP receiver answers on host:port: an empty export must get 200 with an OTLP content type. */
export function probeOtlpHttp(host: string, port: number, timeoutMs = 1000): Promise<PortOccupant> {
  return new Promise(resolve => {
    const req = http.request({
      host, port, method: 'POST', path: '/v1/traces', timeout: timeoutMs, agent: false,
      headers: { 'content-type': 'application/x-protobuf', 'content-length': '0' },
    }, res => {
      res.resume();
      const type = String(res.headers['content-type'] ?? '');
      // 401/403 from an OTLP endpoint behind a token still answers in OTLP's encodings.
      const otlpish = /application\/(x-)?protobuf|application\/json/i.test(type);
      resolve(otlpish && (res.statusCode === 200 || res.statusCode === 401 || res.statusCode === 403) ? 'otlp' : 'other-http');
    });
    req.on('timeout', () => { req.destroy(); resolve('unknown'); });
    req.on('error', () => resolve('unknown'));
    req.end();
  });
}

/** First port after `from` (up to 20 tries, skipping `avoid`) that can be bound on `host` right now. */
export async function findFreePort(host: string, from: number, avoid: readonly number[] = []): Promise<number | undefined> {
  for (let p = from + 1; p <= Math.min(65535, from + 20); p++) {
    if (!avoid.includes(p) && await canBind(host, p)) return p;
  }
  return undefined;
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}
