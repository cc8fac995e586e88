// Where tests find things. The real fixtures (Apache-2.0 trace files from public repositories, see
// test/fixtures/real/SOURCES.md) are part of the repository, so every test that reads them runs on a fresh clone.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OWN_FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
export const REAL_FIXTURES = join(OWN_FIXTURES, 'real');
