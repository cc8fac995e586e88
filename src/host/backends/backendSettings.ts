// The `spanscope.backends` setting (validated; bad entries are reported, not fatal), the response size limit,
// VS Code's http.proxy, and the credentials kept in SecretStorage (never in settings, never logged).
import * as vscode from 'vscode';
import * as z from 'zod';
import { BACKEND_TYPES, type BackendConfig, type BackendEnvironment, type BackendSecrets } from '../../backends/types';
import { noProxyEntries } from '../../backends/http/noProxy';
import { endpointEntryFields, entryName } from '../../backends/endpointEntry';

export const BACKENDS_KEY = 'backends';
export const MAX_RESPONSE_KEY = 'maxResponseMegabytes';
export const OFFER_LOCAL_KEY = 'offerLocalBackends';
export const BACKEND_DEFAULTS = { [MAX_RESPONSE_KEY]: 256, [OFFER_LOCAL_KEY]: true } as const;

const BackendEntry = z.object({
  name: entryName,
  type: z.enum(BACKEND_TYPES as unknown as [string, ...string[]]),
  ...endpointEntryFields,
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
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<unknown>('proxy');
  const noProxy = noProxyEntries(http.get<unknown>('noProxy'), process.env.NO_PROXY ?? process.env.no_proxy);
  return {
    maxBodyBytes: Math.floor(max * 1024 * 1024),
    ...(typeof proxy === 'string' && proxy.trim() ? { proxy: proxy.trim() } : {}),
    ...(noProxy.length ? { noProxy } : {}),
  };
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

// Credentials belong to a backend's name AND its URL: a workspace that reuses the name "prod" with its own URL must
// not receive the token the user saved for their "prod". Keys before this change held the name only; such a
// credential is moved to its name+URL key when the user's own settings name that backend, and otherwise offered
// (never sent without asking), as is a credential saved for the same name at another URL.
const LEGACY_PREFIX = 'spanscope.backend.';
const legacyKey = (name: string): string => `${LEGACY_PREFIX}${name}`;
const secretKey = (ref: BackendRef): string => `spanscope.backendCredentials:${JSON.stringify([ref.name, credentialUrl(ref.url)])}`;
/** Where credentials of a name are kept: the URLs, so that they can be offered for another URL of the same name. */
const urlsKey = (name: string): string => `spanscope.backendCredentialUrls:${JSON.stringify(name)}`;
const Secrets = z.object({ bearerToken: z.string().optional(), username: z.string().optional(), password: z.string().optional() });

/** A backend as far as its credentials are concerned. */
export interface BackendRef {
  readonly name: string;
  readonly url: string;
}

/** The URL credentials are kept for: scheme, host, port and path (no query, no user info, no trailing slash). */
export function credentialUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url.trim();
  }
}

function parseSecrets(raw: string | undefined): BackendSecrets | undefined {
  if (!raw) return undefined;
  try {
    const r = Secrets.safeParse(JSON.parse(raw));
    return r.success && (r.data.bearerToken || r.data.username || r.data.password) ? r.data : undefined;
  } catch {
    return undefined;
  }
}

async function readUrls(secrets: vscode.SecretStorage, name: string): Promise<string[]> {
  try {
    const v: unknown = JSON.parse((await secrets.get(urlsKey(name))) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The credentials saved for exactly this name and URL. */
export async function readSecrets(secrets: vscode.SecretStorage, ref: BackendRef): Promise<BackendSecrets | undefined> {
  return parseSecrets(await secrets.get(secretKey(ref)));
}

export async function storeSecrets(secrets: vscode.SecretStorage, ref: BackendRef, value: BackendSecrets | undefined): Promise<void> {
  const url = credentialUrl(ref.url);
  const urls = (await readUrls(secrets, ref.name)).filter(u => u !== url);
  if (!value || (!value.bearerToken && !value.username && !value.password)) {
    await secrets.delete(secretKey(ref));
  } else {
    await secrets.store(secretKey(ref), JSON.stringify(value));
    urls.push(url);
  }
  if (urls.length > 0) await secrets.store(urlsKey(ref.name), JSON.stringify(urls));
  else await secrets.delete(urlsKey(ref.name));
}

/** Credentials that exist for this name but not for this URL: saved for another URL, or before URLs were recorded. */
export interface OtherCredentials {
  /** The URL they were saved for; undefined for a credential saved by name only (before URLs were recorded). */
  readonly fromUrl?: string;
  readonly secrets: BackendSecrets;
}

export async function findOtherSecrets(secrets: vscode.SecretStorage, ref: BackendRef): Promise<OtherCredentials | undefined> {
  const url = credentialUrl(ref.url);
  for (const other of await readUrls(secrets, ref.name)) {
    if (other === url) continue;
    const s = await readSecrets(secrets, { name: ref.name, url: other });
    if (s) return { fromUrl: other, secrets: s };
  }
  const legacy = parseSecrets(await secrets.get(legacyKey(ref.name)));
  return legacy ? { secrets: legacy } : undefined;
}

/** Moves a name-only credential to this backend's name+URL key. */
export async function migrateLegacySecrets(secrets: vscode.SecretStorage, ref: BackendRef, value: BackendSecrets): Promise<void> {
  await storeSecrets(secrets, ref, value);
  await secrets.delete(legacyKey(ref.name));
}

/** Whether the user's own settings (not a workspace's) list this backend with this URL. */
export function isUsersOwnBackend(ref: BackendRef): boolean {
  const list = vscode.workspace.getConfiguration('spanscope').inspect<unknown>(BACKENDS_KEY)?.globalValue;
  const url = credentialUrl(ref.url);
  return Array.isArray(list) && list.some(b => !!b && typeof b === 'object' && (b as BackendRef).name === ref.name
    && typeof (b as BackendRef).url === 'string' && credentialUrl((b as BackendRef).url) === url);
}
