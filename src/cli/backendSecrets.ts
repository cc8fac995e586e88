// Backend credentials for the CLI commands that call backends (fetch, mcp): from the environment only, never from
// flags, so they do not show in `ps` or in shell history.
import type { BackendSecrets } from '../backends/types';

/** SPANSCOPE_BEARER_TOKEN, else SPANSCOPE_USERNAME / SPANSCOPE_PASSWORD (basic auth), else none. */
export function backendSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): BackendSecrets | undefined {
  const token = env.SPANSCOPE_BEARER_TOKEN;
  if (token) return { bearerToken: token };
  const username = env.SPANSCOPE_USERNAME;
  const password = env.SPANSCOPE_PASSWORD;
  if (username || password) return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  return undefined;
}
