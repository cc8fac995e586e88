// The `spanscope` process (dist/cli.js): runs the command line and turns its answer into the exit code.
import { main } from './main';

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => {
    process.stderr.write(`spanscope: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
