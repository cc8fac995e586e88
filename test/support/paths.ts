// Where tests find things. The shared real fixtures live beside the project (../shared/fixtures/real);
// on a user's machine that folder is absent and the suites that need it skip with a message.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REAL_FIXTURES = process.env.SPANSCOPE_REAL_FIXTURES ?? resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'real');
export const HAVE_REAL_FIXTURES = existsSync(join(REAL_FIXTURES, 'SOURCES.md'));
/** Reason to give `test(..., { skip })` when the real fixtures are absent; CI always has them. */
// In CI the folder must be there: never skip, let the suite fail loudly instead.
export const REAL_FIXTURES_SKIP: string | false = HAVE_REAL_FIXTURES || process.env.CI
  ? false
  : `real fixtures not found at ${REAL_FIXTURES} (set SPANSCOPE_REAL_FIXTURES); CI always has them`;
export const OWN_FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
