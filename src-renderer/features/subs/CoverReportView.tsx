import { useState } from 'react';
import { monthName } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { call } from '../../api/client';
import { useAppInfo } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { saveFile } from '../../ui/controls';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';

/** 'YYYY-MM' moved by `delta` months. */
export function stepMonth(month: string, delta: number): string {
  const n = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/**
 * The month's cover report of a department (for the timesheet): per substitute the lessons and
 * academic hours covered, per absent teacher the lessons missed and covered or not, by reason; Excel.
 */
export function CoverReportView({ departmentId }: { departmentId: number }) {
  const { t, locale } = useI18n();
  const info = useAppInfo();
  const [month, setMonth] = useState(info.today.slice(0, 7));
  const report = useCall('subs.report', { month, departmentId });
  const excel = useAction();
  const r = report.data;
  const label = `${monthName(locale, Number(month.slice(5, 7)))} ${month.slice(0, 4)}`;
  return (
    <div className="control-body">
      <div className="control-bar flat">
        <span className="week-step">
          <button
            type="button"
            className="btn"
            aria-label={t('subs.prevMonth')}
            title={t('subs.prevMonth')}
            onClick={() => setMonth(stepMonth(month, -1))}
          >
            ◀
          </button>
          <strong className="month-label">{label}</strong>
          <button
            type="button"
            className="btn"
            aria-label={t('subs.nextMonth')}
            title={t('subs.nextMonth')}
            onClick={() => setMonth(stepMonth(month, 1))}
          >
            ▶
          </button>
        </span>
        <button
          type="button"
          className="btn"
          disabled={excel.busy}
          onClick={() => excel.run(() => call('subs.reportExport', { month, departmentId }), saveFile)}
        >
          {t('control.exportXlsx')}
        </button>
        {r ? (
          <span className="control-when cover-total">
            {t('subs.report.total', {
              missed: r.total.missed,
              covered: r.total.covered,
              hours: r.total.hours,
            })}
          </span>
        ) : null}
      </div>
      {excel.error ? <ErrorState error={excel.error} /> : null}
      {report.error ? <ErrorState error={report.error} onRetry={report.reload} /> : null}
      {report.loading ? <Loading /> : null}
      {r && r.total.missed === 0 ? <EmptyState title={t('subs.report.empty')} /> : null}
      {r && r.total.missed > 0 ? (
        <div className="cover-report">
          <h4>{t('cover.substitutes')}</h4>
          {r.substitutes.length === 0 ? (
            <p className="muted">{t('subs.report.noCovers')}</p>
          ) : (
            <table className="control-table" aria-label={t('cover.substitutes')}>
              <thead>
                <tr>
                  <th>{t('cover.col.teacher')}</th>
                  <th className="num">{t('cover.col.lessons')}</th>
                  <th className="num">{t('cover.col.hours')}</th>
                  <th>{t('cover.col.reasons')}</th>
                </tr>
              </thead>
              <tbody>
                {r.substitutes.map((s) => (
                  <tr key={s.teacher.id} data-substitute={s.teacher.id}>
                    <td>{s.teacher.name}</td>
                    <td className="num">{s.lessons}</td>
                    <td className="num">{s.hours}</td>
                    <td>
                      {s.byReason
                        .map((b) => `${t(`absence.${b.reason}` as MessageKey)}: ${b.lessons}`)
                        .join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th>{t('cover.total')}</th>
                  <td className="num">{r.total.covered}</td>
                  <td className="num">{r.total.hours}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          )}
          <h4>{t('cover.absent')}</h4>
          <table className="control-table" aria-label={t('cover.absent')}>
            <thead>
              <tr>
                <th>{t('cover.col.teacher')}</th>
                <th>{t('cover.col.reason')}</th>
                <th className="num">{t('cover.col.missed')}</th>
                <th className="num">{t('cover.col.covered')}</th>
                <th className="num">{t('cover.col.uncovered')}</th>
                <th className="num">{t('cover.col.hours')}</th>
              </tr>
            </thead>
            <tbody>
              {r.absent.map((x) => (
                <tr key={`${x.teacher.id}:${x.reason}`}>
                  <td>{x.teacher.name}</td>
                  <td>{t(`absence.${x.reason}` as MessageKey)}</td>
                  <td className="num">{x.missed}</td>
                  <td className="num">{x.covered}</td>
                  <td className={x.uncovered > 0 ? 'num missing' : 'num'}>{x.uncovered}</td>
                  <td className="num">{x.hoursCovered}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>{t('cover.byReason')}</h4>
          <table className="control-table narrow" aria-label={t('cover.byReason')}>
            <thead>
              <tr>
                <th>{t('cover.col.reason')}</th>
                <th className="num">{t('cover.col.missed')}</th>
                <th className="num">{t('cover.col.covered')}</th>
                <th className="num">{t('cover.col.hours')}</th>
              </tr>
            </thead>
            <tbody>
              {r.byReason.map((x) => (
                <tr key={x.reason}>
                  <td>{t(`absence.${x.reason}` as MessageKey)}</td>
                  <td className="num">{x.missed}</td>
                  <td className="num">{x.covered}</td>
                  <td className="num">{x.hours}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
