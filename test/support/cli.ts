// Runs the `spanscope` command line inside the test's own process: main() with standard output and error captured.
// Starting a process per case costs about 0.15 s of CPU each (node, then the 3 MB bundle); argument checking and help
// text need none of that. Tests of what only a real process shows (exit codes through bin.ts, standard input,
// signals, servers) still spawn dist/cli.js.
import { main } from '../../src/cli/main';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  // The CLI writes strings. Anything else goes on to the real stream: a test file run by `node --test` reports to
  // its parent through standard output in serialized (binary) chunks, which must not be taken.
  const capture = (real: typeof process.stdout.write, append: (text: string) => void) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string') { append(chunk); return true; }
      return (real as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof process.stdout.write;
  process.stdout.write = capture(stdout, text => { out += text; });
  process.stderr.write = capture(stderr, text => { err += text; });
  try {
    const code = await main([...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}
