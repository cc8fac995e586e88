// Loaded into every test file's process (`--import`) by scripts/test.mjs, which runs several test files at once.
// Most files share the machine; a file that measures time against a budget (the activation test: VS Code's own
// reading, 100 ms) must not share it, so it says so with a line `// Runs alone: <why>` and this module makes it wait
// until the files already running have finished, and holds the others back until it has.
//
// It is a readers-writer lock kept as files in SPANSCOPE_TEST_SLOTS (a directory made per run by scripts/test.mjs):
//   running/<pid>   a file running now (shared)
//   alone/          made by a file that runs alone (exclusive; `owner` inside names its pid)
// A holder's entries are removed when its process exits; an entry whose pid is gone (a killed run) is ignored.
// Without SPANSCOPE_TEST_SLOTS, or in the runner itself (not a test file's process), it does nothing.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The marker a test file carries (at the start of a line) to run alone. */
export const RUNS_ALONE = /^\/\/ Runs alone: /m;

const dir = process.env.SPANSCOPE_TEST_SLOTS;
const file = process.argv[1];
if (dir && file && process.env.NODE_TEST_CONTEXT) await acquire(dir, file);

function alive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** The pid that holds `alone/`, or undefined when nobody (live) does. */
function aloneOwner(aloneDir) {
  let pid;
  try { pid = Number(readFileSync(join(aloneDir, 'owner'), 'utf8')); } catch (e) {
    if (e.code === 'ENOENT') {
      // Made but not yet written by its owner, or no such directory.
      try { readdirSync(aloneDir); return -1; } catch { return undefined; }
    }
    throw e;
  }
  if (alive(pid)) return pid;
  rmSync(aloneDir, { recursive: true, force: true });
  return undefined;
}

function othersRunning(runningDir) {
  return readdirSync(runningDir).filter(name => Number(name) !== process.pid && alive(Number(name))).length;
}

async function acquire(slots, testFile) {
  const runningDir = join(slots, 'running');
  const aloneDir = join(slots, 'alone');
  mkdirSync(runningDir, { recursive: true });
  const mine = join(runningDir, String(process.pid));
  process.on('exit', () => rmSync(mine, { force: true }));
  if (RUNS_ALONE.test(readFileSync(testFile, 'utf8'))) {
    for (;;) {
      try { mkdirSync(aloneDir); break; } catch (e) { if (e.code !== 'EEXIST') throw e; }
      aloneOwner(aloneDir);
      await sleep(200);
    }
    writeFileSync(join(aloneDir, 'owner'), String(process.pid));
    process.on('exit', () => rmSync(aloneDir, { recursive: true, force: true }));
    while (othersRunning(runningDir) > 0) await sleep(200);
    writeFileSync(mine, '');
    return;
  }
  for (;;) {
    while (aloneOwner(aloneDir) !== undefined) await sleep(200);
    writeFileSync(mine, '');
    // A file that runs alone may have started between the check and the write: then step back and wait for it.
    if (aloneOwner(aloneDir) === undefined) return;
    rmSync(mine, { force: true });
  }
}
