// Worker-thread entry (dist/syntax-worker.js): outlines source files with tree-sitter off the extension host's
// (or the CLI's) main thread. Requests are answered in order, one at a time; see syntax.ts for the client.
import { parentPort, workerData } from 'node:worker_threads';
import { createSyntaxParser, type SyntaxParserOptions } from './syntaxParser';
import type { SyntaxReply, SyntaxRequest } from './syntaxMessages';

const parser = createSyntaxParser((workerData ?? {}) as SyntaxParserOptions);

parentPort?.on('message', (req: SyntaxRequest) => {
  parser.outline(req.language, req.text).then(
    outline => parentPort!.postMessage({ id: req.id, outline } satisfies SyntaxReply),
    (err: unknown) => parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies SyntaxReply),
  );
});
