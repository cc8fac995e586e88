// Types for scripts/code-server.mjs (imported by the E2E test support).
import type { ChildProcess } from 'node:child_process';

export declare const CODE_SERVER_VERSION: string;
export declare const CODE_SERVER_NEWEST: string;
export declare const CODE_SERVER_VERSIONS: readonly string[];
export declare function codeServerNode(version?: string): string;
export declare const FIRST_RUN_SETTINGS: Readonly<Record<string, unknown>>;
export declare function cacheRoot(): string;
export declare function codeServerDir(version?: string): string;
export declare function codeServerEntry(version?: string): string;
export declare function isCodeServerInstalled(version?: string): boolean;
export declare function ensureAptPackages(packages?: readonly string[], log?: (message: string) => void): void;
export declare function ensureCodeServer(options?: { version?: string; log?: (message: string) => void }): string;
export declare function installExtension(
  vsixPath: string,
  options: { userDataDir: string; extensionsDir: string; version?: string },
): string;
export declare function freePort(preferred?: number): Promise<number>;
/** A port free now, below the kernel's ephemeral range, for a server that binds it only later. */
export declare function laterFreePort(): Promise<number>;
export declare function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): void;
export interface CodeServer {
  readonly url: string;
  readonly workspaceUrl: string;
  readonly port: number;
  readonly pid: number;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}
export declare function startCodeServer(options: {
  workspace?: string;
  port?: number;
  userDataDir: string;
  extensionsDir: string;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  version?: string;
  timeoutMs?: number;
  stdio?: 'pipe' | 'inherit';
}): Promise<CodeServer>;
