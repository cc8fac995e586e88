// Stable per-service colours: a hash of the service name picks one of the palette slots defined in
// media/waterfall.css (Paul Tol's colour-blind-safe palettes, one set per theme kind).
export const PALETTE_SIZE = 10;

export function serviceSlot(service: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < service.length; k++) { h ^= service.charCodeAt(k); h = Math.imul(h, 0x01000193); }
  return (h >>> 0) % PALETTE_SIZE;
}

export function serviceColorVar(service: string): string {
  return `var(--svc-${serviceSlot(service)})`;
}
