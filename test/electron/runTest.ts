// `npm run test:electron`: the main user flows inside a real desktop VS Code downloaded by @vscode/test-electron.
// These machines cannot download VS Code (their E2E runs in code-server: test/e2e), so this runner is for machines
// that can; it is not part of `npm test`.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const workspace = mkdtempSync(join(tmpdir(), 'spanscope-electron-'));
  cpSync(join(root, 'test', 'e2e', 'workspaces', 'basic'), workspace, { recursive: true });
  await runTests({
    version: process.env.SPANSCOPE_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(__dirname, 'suite.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
