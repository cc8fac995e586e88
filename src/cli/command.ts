export interface CliCommand {
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, internal: 1, badInput: 2, notFound: 3, backend: 4 } as const;
