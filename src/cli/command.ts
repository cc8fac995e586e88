export interface CliCommand {
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Writes one line to stderr as `spanscope <command>: …`; line breaks in it (from an error message) become spaces. */
export function sayer(command: string): (line: string) => void {
  return line => { process.stderr.write(`spanscope ${command}: ${line.replace(/\s*[\r\n]+\s*/g, ' ')}\n`); };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, internal: 1, badInput: 2, notFound: 3, backend: 4 } as const;

/**
 * What a command does with its parsed arguments before its own work: `--help` prints the help and exits 0, a wrong
 * argument is said in one line and exits 2. Returns the arguments, or the exit code to return.
 */
export function argumentsOrExit<A extends object>(parsed: A | 'help' | string, help: string, say: (line: string) => void): A | number {
  if (parsed === 'help') {
    process.stdout.write(help + '\n');
    return EXIT.ok;
  }
  if (typeof parsed === 'string') {
    say(parsed);
    return EXIT.badInput;
  }
  return parsed;
}
