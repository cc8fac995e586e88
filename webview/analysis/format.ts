// Figures of the analysis views. Durations are written by src/core/units/duration.ts (formatDuration,
// formatDurationDelta), the same as everywhere else.
export const percent = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)} %`;
