import { addDays } from '../../../src-shared/domain/time';
import { formatWeekdayShort } from '../../../src-shared/i18n/format';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { heat } from './ControlTable';

/** A Monday, to name the days of the week in the UI's language. */
const MONDAY = '2026-11-16';

/** A department's teachers × days of the week, coloured by fill rate; each cell "filled / due". */
export function ControlHeatmap({
  period,
  departmentId,
}: {
  period: { week?: string; from?: string; to?: string };
  departmentId: number;
}) {
  const { t, locale } = useI18n();
  const map = useCall('control.heatmap', { ...period, departmentId });
  if (map.error) return <ErrorState error={map.error} onRetry={map.reload} />;
  if (!map.data) return <Loading />;
  if (map.data.teachers.length === 0) return <EmptyState title={t('control.empty')} />;
  // Monday to Saturday always (the teaching week), Sunday only when something was due on it.
  const days = [0, 1, 2, 3, 4, 5, 6].filter(
    (i) => i < 6 || map.data?.teachers.some((x) => (x.days[i]?.due ?? 0) > 0),
  );
  return (
    <table className="control-table heatmap" data-testid="control-heatmap">
      <thead>
        <tr>
          <th>{t('control.by.teacher')}</th>
          {days.map((i) => (
            <th key={i} className="num">
              {formatWeekdayShort(locale, addDays(MONDAY, i))}
            </th>
          ))}
          <th className="num">{t('control.col.fillRate')}</th>
        </tr>
      </thead>
      <tbody>
        {map.data.teachers.map((x) => (
          <tr key={x.id} data-teacher={x.id}>
            <th scope="row" className="unit-name">
              {x.name}
            </th>
            {days.map((i) => {
              const f = x.days[i];
              return (
                <td
                  key={i}
                  className="num"
                  style={{ background: heat(f?.fillRate ?? null) }}
                  title={f && f.due ? `${t('control.col.missing')}: ${f.missing}` : undefined}
                >
                  {f && f.due ? `${f.filled}/${f.due}` : ''}
                </td>
              );
            })}
            <td className="num" style={{ background: heat(x.total.fillRate) }}>
              {x.total.fillRate === null ? '—' : (x.total.fillRate * 100).toFixed(1)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
