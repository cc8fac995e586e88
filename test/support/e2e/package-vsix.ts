// Runs `npm run package` unless another process made the .vsix up to date while this one waited for the lock.
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../paths';
import { vsixIsStale } from './vsix';

if (vsixIsStale()) {
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
