// Which URLs go around the HTTP proxy: VS Code's `http.noProxy` (a list of hosts) and the NO_PROXY / no_proxy
// environment variable (the same, comma- or space-separated), matched the way curl and Go document it:
//   *                       every host
//   example.com, .example.com, *.example.com
//                           that host and every host under it (a leading dot or "*." changes nothing)
//   example.com:8080        only that port
//   10.0.0.0/8, 127.0.0.1   an IPv4 range or address; [::1] or ::1 an IPv6 address
// Matching is case-insensitive and ignores a trailing dot. Hand-written because Node's http module has no such
// option and the backend client keeps its own proxy support (CONNECT tunnels with its TLS settings).

/** The entries of `http.noProxy` and NO_PROXY together, one pattern each. */
export function noProxyEntries(setting: unknown, env: string | undefined): string[] {
  const fromSetting = Array.isArray(setting) ? setting.filter((x): x is string => typeof x === 'string') : [];
  return [...fromSetting, env ?? ''].flatMap(s => s.split(/[\s,]+/)).map(s => s.trim().toLowerCase()).filter(Boolean);
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some(p => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** True when `url` must be reached directly rather than through the proxy. */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of entries) {
    if (raw === '*') return true;
    let pattern = raw, wantPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
    if (bracketed) { pattern = bracketed[1]!; wantPort = bracketed[2]; }
    else if (/^[^:]+:\d+$/.test(pattern)) { const at = pattern.lastIndexOf(':'); wantPort = pattern.slice(at + 1); pattern = pattern.slice(0, at); }
    if (wantPort !== undefined && wantPort !== port) continue;
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(pattern);
    if (cidr) {
      const net = ipv4(cidr[1]!), ip = ipv4(host), bits = Number(cidr[2]);
      if (net === undefined || ip === undefined || bits > 32) continue;
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if (((ip & mask) >>> 0) === ((net & mask) >>> 0)) return true;
      continue;
    }
    const domain = pattern.replace(/^\*?\./, '').replace(/\.$/, '');
    if (domain === '') continue;
    if (host === domain || (ipv4(domain) === undefined && !domain.includes(':') && host.endsWith(`.${domain}`))) return true;
  }
  return false;
}
