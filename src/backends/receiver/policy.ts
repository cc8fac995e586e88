// Who may talk to the receiver: loopback-only binding, the optional bearer token, CORS origins.
import { createHash, timingSafeEqual } from 'node:crypto';

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Checks `Authorization: Bearer <token>` in constant time (digests of equal length, so length leaks nothing). */
export class BearerCheck {
  private readonly expected: Buffer;
  constructor(token: string) {
    this.expected = createHash('sha256').update(token, 'utf8').digest();
  }
  matches(authorization: string | undefined): boolean {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = createHash('sha256').update(m?.[1] ?? '', 'utf8').digest();
    return timingSafeEqual(this.expected, presented) && m !== null;
  }
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
