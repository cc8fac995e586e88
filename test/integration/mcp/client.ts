// Drives `node dist/cli.js mcp …` with the MCP SDK's own client, over stdio or Streamable HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface ToolAnswer {
  readonly isError: boolean;
  readonly text: string;
  /** The text as JSON (undefined for an error message). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface McpSession {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  close(): Promise<void>;
  stderr(): string;
}

function wrap(client: Client, close: () => Promise<void>, stderr: () => string): McpSession {
  return {
    client,
    async call(name, args = {}) {
      const r = await client.callTool({ name, arguments: args });
      const content = r.content as Array<{ type: string; text: string }>;
      const text = content[0]!.text;
      const isError = r.isError === true;
      let json: unknown;
      if (!isError) json = JSON.parse(text);
      return { isError, text, json };
    },
    close,
    stderr,
  };
}

/** Starts the server over stdio with these CLI arguments (after `mcp`). */
export async function stdioSession(args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env: { ...process.env as Record<string, string>, ...env }, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const client = new Client({ name: 'spanscope-test', version: '1.0.0' });
  await client.connect(transport);
  return wrap(client, () => client.close(), () => err);
}

export interface HttpServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `mcp --http 0 …` and waits for the line naming its URL. */
export async function startHttpServer(args: string[], env: Record<string, string> = {}): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /MCP server listening at (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', code => reject(new Error(`mcp --http exited with ${code}: ${err}`)));
  });
  return {
    url, child, stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function httpSession(url: string, headers: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'spanscope-test', version: '1.0.0' });
  await client.connect(transport);
  return wrap(client, () => client.close(), () => '');
}
