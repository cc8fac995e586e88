// An in-memory cache with expiry; each lookup is a span that says whether it hit.
'use strict';

class Cache {
  /** @param {import('@opentelemetry/api').Tracer} tracer @param {number} ttlMs */
  constructor(tracer, ttlMs) {
    this.tracer = tracer;
    this.ttlMs = ttlMs;
    /** @type {Map<string, { value: unknown, expires: number }>} */
    this.entries = new Map();
  }

  get(key) {
    return this.tracer.startActiveSpan('cache get', { attributes: { 'cache.key': key } }, span => {
      const entry = this.entries.get(key);
      const hit = entry !== undefined && entry.expires > Date.now();
      span.setAttribute('cache.hit', hit);
      span.end();
      return hit ? entry.value : undefined;
    });
  }

  set(key, value) {
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }
}

module.exports = { Cache };
