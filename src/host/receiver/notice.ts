// One notification for all windows. Every window of a user runs its own extension host; when they all fail the
// same way (a foreign program on the receiver's port), each would show the same notification. The first window to
// create a marker file in the global storage they share shows it; the others only show the status bar item.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * True when this window should show the notification named `key`: no window has claimed it in the last `ttlMs`.
 * When the storage cannot be written, every window shows it (better twice than never).
 */
export function claimNotice(dir: string, key: string, ttlMs = 10 * 60_000, now = Date.now()): boolean {
  const file = join(dir, `notice-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return true;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(now), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    try {
      // Claimed long ago (the same failure again, later): claim it anew. Two windows racing here: one `wx` wins.
      const claimedAt = Number(readFileSync(file, 'utf8'));
      if (Number.isFinite(claimedAt) && now - claimedAt <= ttlMs && claimedAt <= now) return false;
      unlinkSync(file);
    } catch {
      // Another window replaced it just now.
    }
  }
  return false;
}
