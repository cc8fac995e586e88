// Short figures for editor text (inline annotations, CodeLens, hovers, tree descriptions): shares and counts.
// Durations are written by src/core/units/duration.ts.

/** Re-exported for imports that predate src/core/units; new code imports it from there. */
export { formatDuration } from '../units/duration';

export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(share * 100)}%`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
