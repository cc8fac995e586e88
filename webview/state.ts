// The panel's view state: what survives hiding the panel and a window reload (through vscode.setState and
// the host's panel serializer). Span references are span IDs so that they survive live updates.
export type Tab = 'waterfall' | 'table' | 'stats' | 'flame';
export type RowFilter = 'none' | 'critical' | 'errors';
export type SortKey = 'start' | 'duration' | 'self' | 'service' | 'name';

export interface ViewState {
  readonly traceKey: string;
  readonly tab: Tab;
  readonly scrollTop: number;
  readonly selected: string | null;
  readonly collapseBase: 'none' | 'all' | number;
  /** Span IDs whose collapse state is the opposite of the base rule (bounded). */
  readonly toggled: readonly string[];
  /** Visible window as fractions of the trace duration. */
  readonly zoom: readonly [number, number];
  readonly query: string;
  readonly hideUnmatched: boolean;
  readonly filter: RowFilter;
  readonly detailsWidth: number;
  readonly detailsOpen: boolean;
  readonly adjusted: boolean;
  readonly sort: { readonly key: SortKey; readonly desc: boolean };
}

export const MAX_TOGGLED_PERSISTED = 20_000;

export function defaultViewState(traceKey: string): ViewState {
  return {
    traceKey, tab: 'waterfall', scrollTop: 0, selected: null, collapseBase: 'none', toggled: [], zoom: [0, 1], query: '',
    hideUnmatched: false, filter: 'none', detailsWidth: 420, detailsOpen: true, adjusted: false, sort: { key: 'duration', desc: true },
  };
}

/** Accept a stored state only if it has the expected shape (it may come from an older version). */
export function restoreViewState(raw: unknown, traceKey: string): ViewState {
  const d = defaultViewState(traceKey);
  if (!raw || typeof raw !== 'object') return d;
  const r = raw as Partial<Record<keyof ViewState, unknown>>;
  if (r.traceKey !== traceKey) return d;
  const tabs: Tab[] = ['waterfall', 'table', 'stats', 'flame'];
  const num = (v: unknown, lo: number, hi: number, dflt: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt);
  const zoom = Array.isArray(r.zoom) && r.zoom.length === 2 && r.zoom.every(x => typeof x === 'number' && x >= 0 && x <= 1) && (r.zoom[0] as number) < (r.zoom[1] as number) ? [r.zoom[0] as number, r.zoom[1] as number] as const : d.zoom;
  const sortKeys: SortKey[] = ['start', 'duration', 'self', 'service', 'name'];
  const sort = r.sort && typeof r.sort === 'object' && sortKeys.includes((r.sort as { key: SortKey }).key) ? { key: (r.sort as { key: SortKey }).key, desc: !!(r.sort as { desc: unknown }).desc } : d.sort;
  return {
    traceKey,
    tab: tabs.includes(r.tab as Tab) ? (r.tab as Tab) : d.tab,
    scrollTop: num(r.scrollTop, 0, 1e9, 0),
    selected: typeof r.selected === 'string' ? r.selected.slice(0, 256) : null,
    collapseBase: r.collapseBase === 'all' || r.collapseBase === 'none' ? r.collapseBase : typeof r.collapseBase === 'number' ? num(r.collapseBase, 1, 1000, 1) : 'none',
    toggled: Array.isArray(r.toggled) ? r.toggled.filter((x): x is string => typeof x === 'string').slice(0, MAX_TOGGLED_PERSISTED) : [],
    zoom,
    query: typeof r.query === 'string' ? r.query.slice(0, 1000) : '',
    hideUnmatched: r.hideUnmatched === true,
    filter: r.filter === 'critical' || r.filter === 'errors' ? r.filter : 'none',
    detailsWidth: num(r.detailsWidth, 200, 2000, d.detailsWidth),
    detailsOpen: r.detailsOpen !== false,
    adjusted: r.adjusted === true,
    sort,
  };
}
