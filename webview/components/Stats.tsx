// Service and operation statistics (count, total, self, p50/p95/max, errors), sortable.
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { TraceData } from '../data';
import { formatDuration } from '../../src/core/units/duration';
import type { DurationStats } from '../../src/core/analysis/types';

type Col = 'count' | 'totalNs' | 'selfTotalNs' | 'p50Ns' | 'p95Ns' | 'maxNs' | 'errors';
const COLS: [Col, string][] = [['count', 'Count'], ['totalNs', 'Total'], ['selfTotalNs', 'Self total'], ['p50Ns', 'p50'], ['p95Ns', 'p95'], ['maxNs', 'Max'], ['errors', 'Errors']];

function StatTable<T extends DurationStats>(p: { title: string; rows: readonly T[]; label(r: T): JSX.Element; total: number }): JSX.Element {
  const [sort, setSort] = useState<Col>('selfTotalNs');
  const rows = [...p.rows].sort((a, b) => b[sort] - a[sort]).slice(0, 2000);
  return (
    <table class="stats-table">
      <caption>{p.title}</caption>
      <thead><tr><th scope="col">Name</th>{COLS.map(([k, l]) => <th scope="col" aria-sort={sort === k ? 'descending' : 'none'}><button onClick={() => setSort(k)}>{l}{sort === k ? ' ▾' : ''}</button></th>)}<th scope="col">Self share</th></tr></thead>
      <tbody>
        {rows.map(r => (
          <tr>
            <th scope="row">{p.label(r)}</th>
            {COLS.map(([k]) => <td class={k === 'errors' && r.errors ? 'num err-text' : 'num'}>{k === 'count' || k === 'errors' ? r[k] : formatDuration(r[k])}</td>)}
            <td class="num"><span class="share" style={{ width: `${p.total ? (r.selfTotalNs / p.total) * 60 : 0}px` }} />{p.total ? ((r.selfTotalNs / p.total) * 100).toFixed(1) : '0'}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Stats(p: { data: TraceData }): JSX.Element {
  const { compact } = p.data.view;
  const total = compact.services.reduce((a, s) => a + s.selfTotalNs, 0);
  return (
    <div class="stats" data-testid="stats">
      <StatTable title="Services" rows={compact.services} total={total} label={s => <>{s.service}</>} />
      <StatTable title="Operations" rows={compact.operations} total={total} label={o => <><span class="muted">{o.service}</span> {o.operation}</>} />
    </div>
  );
}
