// Which workspace files the mapping engine's literal scan reads (routes, span names, SQL, URLs): one rule, shared
// by the engine and by the workspace reader worker that reads the same files ahead of it (src/worker).
const SOURCE_EXT = /\.(?:java|kt|kts|scala|groovy|cs|py|go|rb|php|js|jsx|mjs|cjs|ts|tsx|mts|cts|rs|cpp|cc|cxx|c|h|hpp|swift|ex|exs)$/i;
/** A path through dependencies, VCS data or build output. */
export const IGNORED_DIR = /\/(?:node_modules|\.git|\.hg|\.svn|__pycache__|\.venv|venv|dist|build|out|target|vendor|\.gradle|\.idea|bin|obj|coverage|\.next|\.nuxt)\//;

/** Most source files read for the literal scan. */
export const MAX_SOURCE_FILES = 20_000;

/** Source files outside dependencies and build output, not minified, not .d.ts. */
export function isScannedSource(path: string): boolean {
  return SOURCE_EXT.test(path) && !IGNORED_DIR.test(path) && !/\.min\.js$|\.d\.ts$/.test(path);
}
