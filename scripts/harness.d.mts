export interface Harness {
  readonly url: string;
  addDocument(body: string | Uint8Array, type?: string): string;
  warm(n: number, seed?: number, format?: 'jaeger' | 'otlp'): number;
  close(): Promise<void>;
}
export function startHarness(opts?: { port?: number; host?: string; quiet?: boolean }): Promise<Harness>;
