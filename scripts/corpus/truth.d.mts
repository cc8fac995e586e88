export interface Matcher { name: string; predicates: { key: string; op: 'present' | 'absent' | 'equals'; value?: string }[] }
export interface Marker extends Matcher { file: string; line: number; /** the other lines of its decorated declaration */ also: number[] }
export interface FlatSpan {
  traceId: string; spanId: string; parentSpanId: string | null; service: string | null; name: string; kind: string;
  scope: string | null; attrs: Map<string, string | undefined>; span: Record<string, unknown>;
}
export interface ExpectedSpan {
  traceId: string; spanId: string; name: string; kind: string; file: string | null; line: number | null;
  locations: { file: string; line: number }[]; external?: string;
}
export function parseMatcher(text: string): Matcher;
export function readMarkers(appDir: string): Marker[];
export function declarationBlock(lines: readonly string[], i: number): number[];
export function flattenCapture(doc: unknown): FlatSpan[];
export function deriveExpected(appDir: string, capture: unknown): { spans: ExpectedSpan[] };
export function captureShape(doc: unknown): string[];
