// Who may talk to the receiver: loopback-only binding, the optional bearer token, CORS origins.
import { createHash, timingSafeEqual } from 'node:crypto';

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Checks `Authorization: Bearer <token>` in constant time (digests of equal length, so length leaks nothing).
 * Everything after the scheme is the token, inner spaces included: a token typed with a space in it must still
 * match what an exporter sends. Whitespace around the configured token is dropped, because HTTP drops it around a
 * header value and such a token could never arrive intact.
 */
export class BearerCheck {
  private readonly expected: Buffer;
  constructor(token: string) {
    this.expected = createHash('sha256').update(token.trim(), 'utf8').digest();
  }
  matches(authorization: string | undefined): boolean {
    const m = /^\s*bearer[ \t]+(\S(?:.*\S)?)\s*$/is.exec(authorization ?? '');
    const presented = createHash('sha256').update(m?.[1] ?? '', 'utf8').digest();
    return timingSafeEqual(this.expected, presented) && m !== null;
  }
}

/**
 * Why a token cannot be used as a receiver token, or undefined when it can. An HTTP header cannot carry control
 * characters (CR/LF would split it), so such a token could never match: refuse it up front with this message.
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (token.trim() === '') return 'the receiver token is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(token)) return 'the receiver token contains a control character (such as a line break), which an HTTP header cannot carry';
  return undefined;
}

/**
 * Allowed browser origins: exact origins (`http://localhost:3000`), `*` for any, or patterns with `*` standing for
 * one or more characters of a host label or port (`http://localhost:*`, `https://*.example.com`).
 */
export class OriginPolicy {
  private readonly any: boolean;
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(allowed: readonly string[] = []) {
    this.any = allowed.includes('*');
    for (const raw of allowed) {
      const o = raw.trim().toLowerCase().replace(/\/+$/, '');
      if (o === '' || o === '*') continue;
      if (o.includes('*')) this.patterns.push(new RegExp('^' + o.split('*').map(escapeRe).join('[^/.:]+') + '$'));
      else this.exact.add(o);
    }
  }

  get allowsAny(): boolean {
    return this.any || this.exact.size > 0 || this.patterns.length > 0;
  }

  allows(origin: string): boolean {
    const o = origin.trim().toLowerCase();
    return this.any || this.exact.has(o) || this.patterns.some(p => p.test(o));
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
