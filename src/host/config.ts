// Typed access to the `spanscope.*` settings. Every setting read by the host goes through here, so that its
// key, type and default live next to each other; package.json `contributes.configuration` declares the same
// keys (test/unit/host/config.test.ts keeps the two in step).
import * as vscode from 'vscode';

export const SECTION = 'spanscope';

export type ReceiverAutoStart = 'whenNoBackend' | 'always' | 'never';
export type EvictionPolicy = 'keepErrorsAndSlow' | 'oldestFirst';

export interface ReceiverSettings {
  readonly autoStart: ReceiverAutoStart;
  readonly host: string;
  readonly port: number;
  /** 0 turns OTLP/gRPC off. */
  readonly grpcPort: number;
  readonly corsOrigins: readonly string[];
  readonly maxTraces: number;
  readonly maxSpans: number;
  readonly maxMegabytes: number;
  readonly eviction: EvictionPolicy;
  readonly persist: boolean;
  readonly persistMaxMegabytes: number;
}

export interface TraceSettings {
  readonly skew: 'raw' | 'adjust';
  readonly recentLimit: number;
}

/** Defaults, also the values package.json declares. */
export const RECEIVER_DEFAULTS: ReceiverSettings = {
  autoStart: 'whenNoBackend',
  host: '127.0.0.1',
  port: 4318,
  grpcPort: 4317,
  corsOrigins: [],
  maxTraces: 1000,
  maxSpans: 500_000,
  maxMegabytes: 256,
  eviction: 'keepErrorsAndSlow',
  persist: true,
  persistMaxMegabytes: 32,
};
export const TRACE_DEFAULTS: TraceSettings = { skew: 'raw', recentLimit: 30 };

function cfg(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

function num(c: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const v = c.get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;
}
function oneOf<T extends string>(c: vscode.WorkspaceConfiguration, key: string, allowed: readonly T[], fallback: T): T {
  const v = c.get<unknown>(key);
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

export function receiverSettings(): ReceiverSettings {
  const c = cfg();
  const d = RECEIVER_DEFAULTS;
  const host = c.get<unknown>('receiver.host');
  const cors = c.get<unknown>('receiver.corsOrigins');
  return {
    autoStart: oneOf(c, 'receiver.autoStart', ['whenNoBackend', 'always', 'never'], d.autoStart),
    host: typeof host === 'string' && host.trim() ? host.trim() : d.host,
    port: num(c, 'receiver.port', d.port, 0, 65535),
    grpcPort: num(c, 'receiver.grpcPort', d.grpcPort, 0, 65535),
    corsOrigins: Array.isArray(cors) ? cors.filter((o): o is string => typeof o === 'string') : d.corsOrigins,
    maxTraces: num(c, 'receiver.maxTraces', d.maxTraces, 1, 1_000_000),
    maxSpans: num(c, 'receiver.maxSpans', d.maxSpans, 1, 100_000_000),
    maxMegabytes: num(c, 'receiver.maxMegabytes', d.maxMegabytes, 1, 16_384),
    eviction: oneOf(c, 'receiver.eviction', ['keepErrorsAndSlow', 'oldestFirst'], d.eviction),
    persist: c.get<unknown>('receiver.persist') !== false,
    persistMaxMegabytes: num(c, 'receiver.persistMaxMegabytes', d.persistMaxMegabytes, 0, 1024),
  };
}

export function traceSettings(): TraceSettings {
  const c = cfg();
  return {
    skew: oneOf(c, 'trace.skew', ['raw', 'adjust'], TRACE_DEFAULTS.skew),
    recentLimit: num(c, 'trace.recentLimit', TRACE_DEFAULTS.recentLimit, 0, 500),
  };
}

/**
 * Where a setting's effective value comes from. In Restricted Mode VS Code already ignores workspace values of
 * the settings listed in `capabilities.untrustedWorkspaces.restrictedConfigurations`; this tells callers whether
 * a value they are about to act on was set by the workspace, so that they can say so.
 */
export function settingOrigin(key: string): 'default' | 'user' | 'workspace' {
  const i = cfg().inspect(key);
  if (!i) return 'default';
  if (i.workspaceFolderValue !== undefined || i.workspaceValue !== undefined) return 'workspace';
  if (i.globalValue !== undefined) return 'user';
  return 'default';
}

/** Fires when any of the given `spanscope.*` keys (relative, e.g. `receiver.port`) changes. */
export function onDidChangeSettings(keys: readonly string[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration(e => {
    if (keys.some(k => e.affectsConfiguration(`${SECTION}.${k}`))) listener();
  });
}

/** Opens the Settings UI filtered to one setting or group (`receiver`, `receiver.port`). */
export function openSettings(key = ''): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:spanscope.spanscope ${key ? `${SECTION}.${key}` : ''}`.trim());
}
