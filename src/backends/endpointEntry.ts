// What an entry of `spanscope.backends` and one of the metric sources setting have in common, validated alike:
// both name a server the extension calls over HTTP(S) with optional headers, tenant, TLS settings and timeout.
// Each setting adds its own `type` (src/host/backends/backendSettings.ts, src/backends/metrics/index.ts).
import * as z from 'zod';

export const entryName = z.string().trim().min(1).max(80);

export const endpointEntryFields = {
  url: z.string().url().refine(u => /^https?:/i.test(u), 'must be an http or https URL'),
  headers: z.record(z.string(), z.string()).optional(),
  tenant: z.string().min(1).optional(),
  tls: z.object({ caFile: z.string().optional(), insecureSkipVerify: z.boolean().optional() }).optional(),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
};
