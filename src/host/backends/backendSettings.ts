// The `spanscope.backends` setting (validated; bad entries are reported, not fatal), the response size limit,
// VS Code's http.proxy, and the credentials kept in SecretStorage (never in settings, never logged).
import * as vscode from 'vscode';
import * as z from 'zod';
import { BACKEND_TYPES, type BackendConfig, type BackendEnvironment, type BackendSecrets } from '../../backends/types';

export const BACKENDS_KEY = 'backends';
export const MAX_RESPONSE_KEY = 'maxResponseMegabytes';
export const OFFER_LOCAL_KEY = 'offerLocalBackends';
export const BACKEND_DEFAULTS = { [MAX_RESPONSE_KEY]: 256, [OFFER_LOCAL_KEY]: true } as const;

const BackendEntry = z.object({
  name: z.string().trim().min(1).max(80),
  type: z.enum(BACKEND_TYPES as unknown as [string, ...string[]]),
  url: z.string().url().refine(u => /^https?:/i.test(u), 'must be an http or https URL'),
  headers: z.record(z.string(), z.string()).optional(),
  tenant: z.string().min(1).optional(),
  tls: z.object({ caFile: z.string().optional(), insecureSkipVerify: z.boolean().optional() }).optional(),
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
});

export interface BackendSettings {
  readonly backends: readonly BackendConfig[];
  /** One line per entry that could not be used. */
  readonly problems: readonly string[];
  /** True when workspace values were ignored because the workspace is not trusted. */
  readonly ignoredWorkspaceValue: boolean;
}

export function readBackendSettings(): BackendSettings {
  const c = vscode.workspace.getConfiguration('spanscope');
  // In Restricted Mode, a workspace must not point us at servers: only the user's own list counts.
  const trusted = vscode.workspace.isTrusted;
  const inspected = c.inspect<unknown>(BACKENDS_KEY);
  const workspaceValue = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const raw = trusted ? c.get<unknown>(BACKENDS_KEY) : inspected?.globalValue;
  const problems: string[] = [];
  const backends: BackendConfig[] = [];
  const seen = new Set<string>();
  if (raw !== undefined && !Array.isArray(raw)) problems.push('spanscope.backends must be a list');
  for (const [i, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const r = BackendEntry.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      problems.push(`spanscope.backends[${i}]${issue?.path.length ? '.' + issue.path.join('.') : ''}: ${issue?.message ?? 'invalid'}`);
      continue;
    }
    if (seen.has(r.data.name)) {
      problems.push(`spanscope.backends[${i}]: the name "${r.data.name}" is used twice`);
      continue;
    }
    seen.add(r.data.name);
    backends.push(r.data as BackendConfig);
  }
  return { backends, problems, ignoredWorkspaceValue: !trusted && workspaceValue !== undefined };
}

export function backendEnvironment(): BackendEnvironment {
  const c = vscode.workspace.getConfiguration('spanscope');
  const mb = c.get<unknown>(MAX_RESPONSE_KEY);
  const max = typeof mb === 'number' && Number.isFinite(mb) && mb >= 1 ? Math.min(mb, 16_384) : BACKEND_DEFAULTS[MAX_RESPONSE_KEY];
  const proxy = vscode.workspace.getConfiguration('http').get<unknown>('proxy');
  return { maxBodyBytes: Math.floor(max * 1024 * 1024), ...(typeof proxy === 'string' && proxy.trim() ? { proxy: proxy.trim() } : {}) };
}

export function offerLocalBackends(): boolean {
  return vscode.workspace.getConfiguration('spanscope').get<unknown>(OFFER_LOCAL_KEY) !== false;
}

/** Adds (or replaces by name) a backend in the user's settings. */
export async function saveBackend(config: BackendConfig): Promise<void> {
  const c = vscode.workspace.getConfiguration('spanscope');
  const current = c.inspect<unknown>(BACKENDS_KEY)?.globalValue;
  const list = Array.isArray(current) ? (current as BackendConfig[]).filter(b => b?.name !== config.name) : [];
  await c.update(BACKENDS_KEY, [...list, config], vscode.ConfigurationTarget.Global);
}

const secretKey = (name: string): string => `spanscope.backend.${name}`;
const Secrets = z.object({ bearerToken: z.string().optional(), username: z.string().optional(), password: z.string().optional() });

export async function readSecrets(secrets: vscode.SecretStorage, name: string): Promise<BackendSecrets | undefined> {
  const raw = await secrets.get(secretKey(name));
  if (!raw) return undefined;
  try {
    const r = Secrets.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export async function storeSecrets(secrets: vscode.SecretStorage, name: string, value: BackendSecrets | undefined): Promise<void> {
  if (!value || (!value.bearerToken && !value.username && !value.password)) await secrets.delete(secretKey(name));
  else await secrets.store(secretKey(name), JSON.stringify(value));
}
