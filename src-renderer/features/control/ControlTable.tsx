import { useMemo, useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';
import { onListKeyDown } from '../../ui/list-keys';

type Report = Output<'control.report'>;
type Row = Report['rows'][number];
type Figures = Row['figures'];

type SortKey = 'name' | 'due' | 'fillRate' | 'timeliness' | 'late' | 'missing' | 'uncovered' | 'trend';

const COLUMNS: ReadonlyArray<{ key: SortKey; label: MessageKey; numeric: boolean }> = [
  { key: 'due', label: 'control.col.due', numeric: true },
  { key: 'fillRate', label: 'control.col.fillRate', numeric: true },
  { key: 'timeliness', label: 'control.col.onTime', numeric: true },
  { key: 'late', label: 'control.col.late', numeric: true },
  { key: 'missing', label: 'control.col.missing', numeric: true },
  { key: 'uncovered', label: 'control.col.uncovered', numeric: true },
  { key: 'trend', label: 'control.col.trend', numeric: true },
];

function valueOf(r: Row, key: SortKey, locale: 'ru' | 'ky'): number | string {
  switch (key) {
    case 'name':
      return r.name[locale];
    case 'trend':
      return r.trend.change ?? -Infinity;
    case 'fillRate':
    case 'timeliness':
      return r.figures[key] ?? -Infinity;
    default:
      return r.figures[key];
  }
}

/** A share as a cell colour: red below half, through amber, to green at 100 %. */
export function heat(rate: number | null): string | undefined {
  if (rate === null) return undefined;
  const hue = Math.round(Math.max(0, Math.min(1, (rate - 0.5) / 0.5)) * 120);
  return `hsl(${hue} 65% 88%)`;
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1));

/** The control table: one row per unit, sortable by any column, Enter or a click drills down. */
export function ControlTable({ report, onDrill }: { report: Report; onDrill?: (row: Row) => void }) {
  const { t, locale } = useI18n();
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 } | null>(null);
  const rows = useMemo(() => {
    if (!sort) return report.rows;
    return [...report.rows].sort((a, b) => {
      const x = valueOf(a, sort.key, locale);
      const y = valueOf(b, sort.key, locale);
      const c = typeof x === 'string' ? x.localeCompare(String(y), locale) : x - (y as number);
      return c * sort.dir;
    });
  }, [report.rows, sort, locale]);
  const header = (key: SortKey, label: string, numeric: boolean) => (
    <th
      key={key}
      className={numeric ? 'num' : undefined}
      aria-sort={sort?.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className="th-sort"
        onClick={() =>
          setSort(sort?.key === key ? { key, dir: sort.dir === 1 ? -1 : 1 } : { key, dir: numeric ? -1 : 1 })
        }
      >
        {label}
        {sort?.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const trendTitle = t('control.trendHint', { weeks: report.trendWeeks.join(', ') });
  const cells = (f: Figures, trend: Row['trend'] | null) => (
    <>
      <td className="num">{f.due}</td>
      <td className="num" style={{ background: heat(f.fillRate) }}>
        {pct(f.fillRate)}
      </td>
      <td className="num" style={{ background: heat(f.timeliness) }}>
        {pct(f.timeliness)}
      </td>
      <td className="num">{f.late || ''}</td>
      <td className={f.missing ? 'num missing' : 'num'}>{f.missing || ''}</td>
      <td className="num">{f.uncovered || ''}</td>
      <td className="num" title={trend ? `${trendTitle}: ${trend.previous.map(pct).join(' · ')}` : undefined}>
        {trend ? <Trend change={trend.change} previous={trend.previous} /> : null}
      </td>
    </>
  );
  return (
    <table className="control-table figures" data-testid="control-table">
      <thead>
        <tr>
          {header('name', t(`control.by.${report.by}` as MessageKey), false)}
          {COLUMNS.map((c) => header(c.key, t(c.label), c.numeric))}
        </tr>
      </thead>
      <tbody onKeyDown={onListKeyDown}>
        {rows.map((r) => (
          <tr key={r.id} data-unit={`${r.kind}:${r.id}`}>
            <th scope="row" className="unit-name">
              {onDrill ? (
                <button
                  type="button"
                  className="unit-link"
                  data-nav-item
                  title={t('control.drill')}
                  onClick={() => onDrill(r)}
                >
                  {r.name[locale]}
                </button>
              ) : (
                r.name[locale]
              )}
            </th>
            {cells(r.figures, r.trend)}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('control.total')}</th>
          {cells(report.total, null)}
        </tr>
      </tfoot>
    </table>
  );
}

/** The change against previous weeks, and a tiny bar per previous week. */
function Trend({ change, previous }: { change: number | null; previous: ReadonlyArray<number | null> }) {
  return (
    <span className="trend">
      <span className="spark" aria-hidden="true">
        {previous.map((p, i) => (
          <span key={i} style={{ height: `${Math.round((p ?? 0) * 14) + 1}px` }} />
        ))}
      </span>
      {change === null ? (
        '—'
      ) : (
        <span className={change < -0.005 ? 'down' : change > 0.005 ? 'up' : 'flat'}>
          {change < -0.005 ? '▼' : change > 0.005 ? '▲' : '•'} {Math.abs(change * 100).toFixed(1)}
        </span>
      )}
    </span>
  );
}
