// The Node implementation of SyntaxService (src/core/mapping/syntax/types.ts), shared by the extension host and the
// CLI: files are parsed and outlined in one worker thread (dist/syntax-worker.js), started on the first request,
// so the caller's thread only posts the text and receives the outline. Outlines are cached by path and version
// (one version per path, least recently used paths dropped first); concurrent requests for the same version share
// one parse. A worker that stops answering (a grammar stuck on hostile input) is replaced, and the file it was on
// is reported as skipped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { languageOfPath } from '../core/mapping/syntax/languages';
import type { FileOutline, SyntaxLanguage, SyntaxService } from '../core/mapping/syntax/types';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_PARSE_TIMEOUT_MS, type SyntaxReply, type SyntaxRequest } from './syntaxMessages';
import type { SyntaxParserOptions } from './syntaxParser';

export interface SyntaxServiceOptions {
  /** Path of dist/syntax-worker.js; default: next to the running bundle, else dist/ of the project (tests). */
  readonly workerPath?: string;
  /** Folder with tree-sitter.wasm and the grammars; default: dist/tree-sitter next to the worker bundle, else the
   * installed @vscode/tree-sitter-wasm package. */
  readonly wasmDir?: string;
  /** Files larger than this are answered with a `skipped` outline without being sent to the worker. Default 1 MB. */
  readonly maxFileSize?: number;
  /** Per-file parse timeout inside the worker. Default 5 s. */
  readonly parseTimeoutMs?: number;
  /** How long the worker may go without answering while it has work before it is replaced. Default timeout + 15 s. */
  readonly stallMs?: number;
  /** Paths whose outline is kept. Default 2000. */
  readonly cacheSize?: number;
  /**
   * The worker stops after this long without work, freeing its memory (about 70 MB with every grammar loaded);
   * the next request starts it again (the cache stays). Default 60 s.
   */
  readonly idleMs?: number;
}

/** Counters for tests and the log. */
export interface SyntaxServiceStats {
  parses: number;
  cacheHits: number;
  workerStarts: number;
  /** Workers stopped because they were idle. */
  idleStops: number;
}

export interface NodeSyntaxService extends SyntaxService {
  readonly stats: Readonly<SyntaxServiceStats>;
}

/** FNV-1a and a multiplicative hash over the UTF-16 code units, as one hex key (64 bits in all). */
function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

function defaultWorkerPath(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [join(here, 'syntax-worker.js'), join(here, '..', '..', 'dist', 'syntax-worker.js')];
  return candidates.find(existsSync) ?? candidates[0]!;
}

interface Pending {
  readonly req: SyntaxRequest;
  readonly resolve: (o: FileOutline) => void;
}

export function createSyntaxService(opts: SyntaxServiceOptions = {}): NodeSyntaxService {
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const parseTimeoutMs = opts.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const stallMs = opts.stallMs ?? parseTimeoutMs + 15_000;
  const cacheSize = Math.max(1, opts.cacheSize ?? 2000);
  const idleMs = opts.idleMs ?? 60_000;
  const stats: SyntaxServiceStats = { parses: 0, cacheHits: 0, workerStarts: 0, idleStops: 0 };
  const cache = new Map<string, { version: string; outline: Promise<FileOutline | undefined> }>();
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  function startWorker(): Worker {
    // Without a wasmDir the worker finds the grammars itself: dist/tree-sitter next to its bundle.
    const workerData: SyntaxParserOptions = { ...(opts.wasmDir ? { wasmDir: opts.wasmDir } : {}), maxFileSize, parseTimeoutMs };
    const w = new Worker(opts.workerPath ?? defaultWorkerPath(), { workerData });
    stats.workerStarts++;
    // The worker must not keep a CLI process alive once nothing waits for it.
    w.unref();
    w.on('message', (reply: SyntaxReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      p.resolve(reply.outline ?? { language: p.req.language, definitions: [], literals: [], skipped: `outlining failed: ${reply.error}` });
      armWatchdog();
    });
    w.on('error', err => replaceWorker(w, `the syntax worker failed: ${err.message}`));
    w.on('exit', code => replaceWorker(w, `the syntax worker exited (code ${code})`));
    return w;
  }

  /** Fails the request the worker was on (the oldest) and sends the others to a new worker. */
  function replaceWorker(w: Worker, reason: string): void {
    if (worker !== w) return;
    worker = undefined;
    void w.terminate();
    const oldest = pending.values().next();
    if (!oldest.done) {
      pending.delete(oldest.value.req.id);
      oldest.value.resolve({ language: oldest.value.req.language, definitions: [], literals: [], skipped: reason });
    }
    if (disposed || pending.size === 0) {
      armWatchdog();
      return;
    }
    worker = startWorker();
    for (const p of pending.values()) worker.postMessage(p.req);
    armWatchdog();
  }

  function armWatchdog(): void {
    if (watchdog) clearTimeout(watchdog);
    watchdog = undefined;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (pending.size === 0 && worker) {
      const w = worker;
      idleTimer = setTimeout(() => {
        if (worker !== w || pending.size) return;
        worker = undefined;
        stats.idleStops++;
        void w.terminate();
      }, idleMs);
      idleTimer.unref?.();
    }
    if (pending.size === 0 || !worker) return;
    const w = worker;
    watchdog = setTimeout(() => replaceWorker(w, `outlining took longer than ${stallMs} ms`), stallMs);
    watchdog.unref?.();
  }

  /**
   * Outlines by content: an outline depends only on the language and the text, so identical files (copied
   * services, vendored modules, a file and its backup) are parsed once. Keyed by length and two 32-bit hashes
   * rather than the text itself, which would keep up to cacheSize file texts alive.
   */
  const byContent = new Map<string, Promise<FileOutline>>();

  function shared(language: SyntaxLanguage, text: string): Promise<FileOutline> {
    const key = `${language}:${text.length}:${contentHash(text)}`;
    const hit = byContent.get(key);
    if (hit) { stats.cacheHits++; return hit; }
    const outline = request(language, text);
    byContent.set(key, outline);
    while (byContent.size > cacheSize) byContent.delete(byContent.keys().next().value!);
    return outline;
  }

  function request(language: SyntaxLanguage, text: string): Promise<FileOutline> {
    if (text.length > maxFileSize) {
      return Promise.resolve({ language, definitions: [], literals: [], skipped: `file too large to outline (${(text.length / 1024 / 1024).toFixed(1)} MB > ${(maxFileSize / 1024 / 1024).toFixed(1)} MB)` });
    }
    return new Promise<FileOutline>(resolve => {
      const req: SyntaxRequest = { id: nextId++, language, text };
      const wasIdle = pending.size === 0;
      pending.set(req.id, { req, resolve });
      stats.parses++;
      worker ??= startWorker();
      worker.postMessage(req);
      if (wasIdle) armWatchdog();
    });
  }

  return {
    stats,
    languageOf: languageOfPath,
    outline(path, text, version) {
      if (disposed) return Promise.resolve(undefined);
      const language = languageOfPath(path);
      if (!language) return Promise.resolve(undefined);
      if (version === undefined) return request(language, text);
      const hit = cache.get(path);
      if (hit && hit.version === version) {
        stats.cacheHits++;
        // Re-insert: the map's order is the least-recently-used order.
        cache.delete(path);
        cache.set(path, hit);
        return hit.outline;
      }
      // (without a version nothing is cached, by path or by content: the caller asked for a fresh parse)
      const outline = shared(language, text);
      cache.delete(path);
      cache.set(path, { version, outline });
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return outline;
    },
    dispose() {
      disposed = true;
      if (watchdog) clearTimeout(watchdog);
      if (idleTimer) clearTimeout(idleTimer);
      const w = worker;
      worker = undefined;
      if (w) void w.terminate();
      for (const p of pending.values()) p.resolve({ language: p.req.language, definitions: [], literals: [], skipped: 'the syntax service was disposed' });
      pending.clear();
      cache.clear();
      byContent.clear();
    },
  };
}
