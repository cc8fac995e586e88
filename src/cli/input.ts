// The trace document a CLI command reads: a file, or standard input when the name is "-". A failure is one
// sentence for the command's stderr line (no such file, is a directory, permission denied), never a stack.
import { readFileSync } from 'node:fs';

/** The bytes of `file` ("-" = standard input), or the reason it cannot be read. */
export async function readInputDocument(file: string): Promise<{ bytes: Uint8Array } | { error: string }> {
  try {
    if (file !== '-') return { bytes: readFileSync(file) };
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return { bytes: Buffer.concat(chunks) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return { error: `cannot read ${file === '-' ? 'standard input' : JSON.stringify(file)}: ${why}` };
  }
}

/** The one input file of a command's positionals, or what is wrong with them. */
export function oneInputFile(positionals: readonly string[]): string | { error: string } {
  if (positionals.length === 0) return { error: 'missing input: give a file, or - to read standard input (see --help)' };
  if (positionals.length > 1) return { error: `unexpected argument ${positionals[1]}: give one file (or - for standard input)` };
  return positionals[0]!;
}
