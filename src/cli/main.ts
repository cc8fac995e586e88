// `node dist/cli.js <command> …` — the core, the receiver and the backend clients without VS Code.
// Each command lives in its own module and registers here; bin.ts runs `main` as the process (tests call it in
// process). Exit codes: 0 ok, 2 bad input/usage,
// 3 not found, 4 backend error, 1 anything unexpected (a bug).
import type { CliCommand } from './command';

const commands: Record<string, () => Promise<CliCommand>> = {
  summary: async () => (await import('./summary')).summaryCommand, // trace summary and findings as JSON
  receive: async () => (await import('./receive')).receiveCommand, // headless OTLP receiver
  fetch: async () => (await import('./fetch')).fetchCommand, // fetch a trace by ID from backends
  map: async () => (await import('./map')).mapCommand, // map spans to source lines in a workspace
  mcp: async () => (await import('./mcp')).mcpCommand, // MCP server for coding assistants
};

function usage(): string {
  return [
    'usage: spanscope <command> [options]',
    '',
    'commands:',
    '  summary <file|-> [--format auto|jaeger|otlp|otlp-proto|zipkin] [--skew raw|adjust]',
    '          print one JSON summary of every trace in the document (findings included)',
    '  receive [--port 4318] [--grpc-port 4317|--no-grpc] [--host 127.0.0.1] [--out DIR] [--idle-ms N]',
    '          run the OTLP receiver; write each completed trace to DIR as OTLP JSON',
    '  fetch <trace ID in any form> --backend jaeger=URL|tempo=URL|zipkin=URL [--backend …] [--tenant T] [--out FILE]',
    '          fetch a trace from the first backend that has it',
    '  map --workspace DIR [--path-mapping FROM=TO]… <file|->',
    '          print the source file and line in DIR that made each span, with a confidence and a reason',
    '  mcp [--backend T=URL]… [--receive PORT] [--workspace DIR] [--http PORT] [FILE|DIR]…',
    '          MCP server: lets a coding assistant search and analyse traces (stdio, or HTTP on 127.0.0.1)',
    '',
    'run `spanscope <command> --help` for details.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`spanscope: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  const cmd = await load();
  return cmd.run(rest);
}
