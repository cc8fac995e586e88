// The MCP server: the tools of tools.ts over stdio, or over Streamable HTTP on loopback. Over HTTP every request
// is checked before the SDK sees it: the Host must be the loopback address we listen on and an Origin (sent by
// browsers) must be a loopback origin too — a web page the user visits could otherwise reach this port through
// DNS rebinding — and, when a token is set, the bearer token must match.
import * as http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SERVER_INSTRUCTIONS, TOOLS, type ToolContext } from './tools';
import { ToolInputError } from './sources';

declare const __SPANSCOPE_VERSION__: string | undefined;

export function createMcpServer(ctx: ToolContext, log: (line: string) => void = () => {}): McpServer {
  const server = new McpServer(
    { name: 'spanscope', version: typeof __SPANSCOPE_VERSION__ === 'string' ? __SPANSCOPE_VERSION__ : '0.1.0' },
    { instructions: SERVER_INSTRUCTIONS, capabilities: { tools: {} } },
  );
  for (const tool of TOOLS) {
    server.registerTool(tool.name, {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.shape,
      annotations: { readOnlyHint: true, openWorldHint: tool.remote === true, idempotentHint: true },
    }, async (args: Record<string, unknown>, extra: { signal: AbortSignal }) => {
      try {
        await ctx.prepare?.(extra.signal);
        const text = await tool.run(args, ctx, extra.signal);
        return { content: [{ type: 'text' as const, text }] };
      } catch (e) {
        // The assistant's mistake (bad ID, unknown trace) is a tool error it can act on; anything else is a bug,
        // logged on stderr, and still only a tool error: the server keeps serving.
        if (!(e instanceof ToolInputError)) log(`${tool.name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        const message = e instanceof Error ? e.message : String(e);
        return { content: [{ type: 'text' as const, text: e instanceof ToolInputError ? message : `internal error in ${tool.name}: ${message}` }], isError: true };
      }
    });
  }
  return server;
}

export async function serveStdio(ctx: ToolContext, log: (line: string) => void): Promise<void> {
  const server = createMcpServer(ctx, log);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>(resolve => { transport.onclose = () => resolve(); });
  await server.connect(transport);
  process.stdin.once('end', () => { void server.close(); });
  await closed;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when an Origin header names a loopback origin (http or https). */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim()), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HttpOptions {
  readonly port: number;
  readonly token?: string;
}

export interface RunningHttp {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Streamable HTTP at http://127.0.0.1:PORT/mcp, stateless: each POST gets a fresh protocol server over the shared
 * sources (their caches persist), so no session can pile up state.
 */
export async function serveHttp(ctx: ToolContext, opts: HttpOptions, log: (line: string) => void): Promise<RunningHttp> {
  let port = opts.port;
  const refuse = (res: http.ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };
  const httpServer = http.createServer((req, res) => {
    const host = req.headers.host ?? '';
    if (!LOOPBACK_HOSTS.has(host.replace(/:\d+$/, '')) || (host.match(/:(\d+)$/)?.[1] ?? '80') !== String(port)) return refuse(res, 403, `Host "${host}" refused: use http://127.0.0.1:${port}/mcp`);
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin)) return refuse(res, 403, `Origin "${origin}" refused: only loopback origins may call this server`);
    if (opts.token && !tokenMatches(req.headers.authorization, opts.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return refuse(res, 401, 'missing or wrong bearer token');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') return refuse(res, 404, 'not found: the MCP endpoint is /mcp');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return refuse(res, 405, 'method not allowed: this stateless server takes POST only');
    }
    const server = createMcpServer(ctx, log);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { void transport.close(); void server.close(); });
    server.connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((e: unknown) => {
        log(`HTTP request failed: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) refuse(res, 500, 'internal error');
      });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, '127.0.0.1', () => { httpServer.off('error', reject); resolve(); });
  });
  port = (httpServer.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    close: () => new Promise<void>(resolve => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }),
  };
}
