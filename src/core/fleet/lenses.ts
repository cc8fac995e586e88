// What a file view shows of the fleet: one CodeLens per line with fleet figures, and the argument of "Open example
// traces" (which series, which p95, which window). Pure, so that the bench times exactly what the editor runs.
import { fleetLensText } from './format';
import type { FleetLine } from './locate';
import type { FleetKey, FleetWindow } from './types';

/** The argument of the "open example traces" command (it arrives through a command link, so it is re-checked). */
export interface FleetExampleArgs {
  readonly key: FleetKey;
  readonly p95Ms?: number;
  readonly startMs: number;
  readonly endMs: number;
}

export interface FleetLensSpec {
  /** 0-based editor line. */
  readonly line: number;
  readonly title: string;
  readonly tooltip: string;
  readonly example: FleetExampleArgs;
}

export function exampleArgs(key: FleetKey, p95Ms: number | undefined, window: FleetWindow): FleetExampleArgs {
  return { key, ...(p95Ms !== undefined ? { p95Ms } : {}), startMs: window.startMs, endMs: window.endMs };
}

/** Lenses for the fleet lines of one file; lines past the document's end are dropped (the file changed). */
export function fleetLenses(lines: readonly FleetLine[], lineCount: number, windowText: string, window: FleetWindow): FleetLensSpec[] {
  const out: FleetLensSpec[] = [];
  for (const l of lines) {
    if (l.line < 1 || l.line > lineCount) continue;
    const top = l.series[0]!;
    const names = l.series.slice(0, 5).map(s => `${s.stats.key.service} · ${s.stats.key.spanName}`);
    const more = l.series.length > 5 ? `\n…and ${l.series.length - 5} more` : '';
    out.push({
      line: l.line - 1,
      title: fleetLensText(l, windowText),
      tooltip: `Fleet figures over the last ${windowText} of:\n${names.join('\n')}${more}\nClick to open example traces`,
      example: exampleArgs(top.stats.key, top.stats.p95Ms, window),
    });
  }
  return out;
}

const MAX_TEXT = 300;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The command argument checked: bounded strings, finite numbers, a window that ends after it starts. */
export function parseExampleArgs(v: unknown): FleetExampleArgs | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const k = o.key as Record<string, unknown> | undefined;
  if (!k || typeof k !== 'object') return undefined;
  const service = str(k.service), spanName = str(k.spanName), startMs = num(o.startMs), endMs = num(o.endMs);
  if (service === undefined || spanName === undefined || startMs === undefined || endMs === undefined || endMs <= startMs) return undefined;
  const spanKind = str(k.spanKind), codeFunction = str(k.codeFunction), codeFilePath = str(k.codeFilePath), codeLine = num(k.codeLine), p95Ms = num(o.p95Ms);
  const key: FleetKey = {
    service, spanName,
    ...(spanKind !== undefined ? { spanKind } : {}),
    ...(codeFunction !== undefined ? { codeFunction } : {}),
    ...(codeFilePath !== undefined ? { codeFilePath } : {}),
    ...(codeLine !== undefined ? { codeLine } : {}),
  };
  return { key, ...(p95Ms !== undefined && p95Ms >= 0 ? { p95Ms } : {}), startMs, endMs };
}

/**
 * The duration ranges to search a trace backend with, for examples near the p95: close first, then wider, then
 * any duration (a histogram's p95 is only as exact as its buckets).
 */
export function exampleDurationRanges(p95Ms: number | undefined): { minDurationMs?: number; maxDurationMs?: number }[] {
  if (p95Ms === undefined || !(p95Ms > 0)) return [{}];
  return [
    { minDurationMs: p95Ms * 0.75, maxDurationMs: p95Ms * 1.5 },
    { minDurationMs: p95Ms * 0.5 },
    {},
  ];
}
