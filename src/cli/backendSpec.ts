// `--backend T=URL`, as `fetch` and `mcp` take it: one parser, so that both accept and refuse the same specs with
// the same words.
import { BACKEND_TYPES, type BackendConfig, type BackendType } from '../backends/types';

/** A backend from `jaeger=URL`, `tempo=URL` or `zipkin=URL`, or the one-line reason it is refused. */
export function parseBackendSpec(spec: string, opts: { readonly tenant?: string; readonly timeoutMs: number }): BackendConfig | string {
  const m = /^([a-z]+)=(.+)$/.exec(spec);
  if (!m || !(BACKEND_TYPES as readonly string[]).includes(m[1]!)) return `--backend ${spec}: expected jaeger=URL, tempo=URL or zipkin=URL`;
  let url: URL;
  try { url = new URL(m[2]!); } catch { return `--backend ${spec}: "${m[2]}" is not a URL`; }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--backend ${spec}: only http and https URLs`;
  const type = m[1] as BackendType;
  return { name: url.host, type, url: url.toString(), ...(type === 'tempo' && opts.tenant ? { tenant: opts.tenant } : {}), timeoutMs: opts.timeoutMs };
}
