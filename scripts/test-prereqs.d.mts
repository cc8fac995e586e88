// Types for scripts/test-prereqs.mjs (imported by test/build/test-command.test.ts).
export declare function toolsNeeded(files: readonly { path: string; text: string }[]): Set<'chromium' | 'jaeger' | 'zipkin' | 'prometheus' | 'otelcol' | 'code-server'>;
export declare function ensureTestPrerequisites(testFiles: readonly string[], say?: (line: string) => void): string[];
export declare function e2eCodeServerVersions(env?: Record<string, string | undefined>): string[];
