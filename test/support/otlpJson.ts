// Builds small OTLP JSON documents for mapping tests: one resource per service, spans with string attributes and
// optional exception events.
export interface SpanSpec {
  readonly service?: string;
  readonly name: string;
  readonly kind?: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly attrs?: Record<string, string | number>;
  readonly stacktrace?: string;
}

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export function otlpDocument(specs: readonly SpanSpec[], traceId = '0af7651916cd43dd8448eb211c80319c'): string {
  const byService = new Map<string, unknown[]>();
  specs.forEach((s, i) => {
    const svc = s.service ?? 'shop';
    let list = byService.get(svc);
    if (!list) byService.set(svc, (list = []));
    const attributes = Object.entries(s.attrs ?? {}).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } }));
    list.push({
      traceId, spanId: (i + 1).toString(16).padStart(16, '0'), name: s.name, kind: KIND[s.kind ?? 'internal'],
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n), endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n),
      attributes,
      events: s.stacktrace ? [{ timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 100n), name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'java.lang.RuntimeException' } }, { key: 'exception.stacktrace', value: { stringValue: s.stacktrace } }] }] : [],
      status: s.stacktrace ? { code: 2 } : {},
    });
  });
  return JSON.stringify({
    resourceSpans: [...byService].map(([svc, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: svc } }] },
      scopeSpans: [{ scope: { name: 'test' }, spans }],
    })),
  });
}
