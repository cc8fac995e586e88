// Everything derived once per compact trace (on init and on each live update).
import { CompactView, decodeCompactTrace } from '../src/protocol/compact';
import type { CompactTrace } from '../src/protocol/compact';
import { SpanFlag } from '../src/core/analysis/types';
import { buildTreeIndex } from './model/rows';
import type { TreeIndex } from './model/rows';
import { serviceSlot } from './model/colors';

export interface TraceData {
  readonly view: CompactView;
  readonly index: TreeIndex;
  readonly critical: Uint8Array;
  readonly errors: Uint8Array;
  readonly hasSkew: boolean;
  readonly serviceCount: number;
  /** Palette slot of each span's service. */
  readonly slots: Uint8Array;
  /** Palette slot of a span's service. */
  slot(i: number): number;
}

export function prepareData(compact: CompactTrace): TraceData {
  const view: CompactView = decodeCompactTrace(compact);
  const index = buildTreeIndex(view);
  const n = view.spanCount;
  const critical = new Uint8Array(n);
  for (const i of view.cols.criticalPath) critical[i] = 1;
  const errors = new Uint8Array(n);
  let hasSkew = false;
  const flags = view.cols.flags;
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    if (f & SpanFlag.Error || view.cols.status[i] === 2) errors[i] = 1;
    if (f & SpanFlag.Critical) critical[i] = 1;
    if (f & SpanFlag.Skewed) hasSkew = true;
  }
  const slots = new Map<number, number>();
  for (let r = 0; r < view.cols.resService.length; r++) {
    const k = view.cols.resService[r]!;
    if (!slots.has(k)) slots.set(k, serviceSlot(view.str(k)));
  }
  const byResource = new Uint8Array(view.cols.resService.length);
  for (let r = 0; r < byResource.length; r++) byResource[r] = slots.get(view.cols.resService[r]!) ?? 0;
  const spanSlots = new Uint8Array(n);
  const res = view.cols.resource;
  for (let i = 0; i < n; i++) spanSlots[i] = byResource[res[i]!]!;
  return {
    view, index, critical, errors, hasSkew, serviceCount: slots.size, slots: spanSlots,
    slot: i => spanSlots[i]!,
  };
}
