import { useState } from 'react';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { onListKeyDown } from '../../ui/list-keys';
import { ControlTable, heat } from './ControlTable';

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1));

/** Past checks, newest first; one opens the figures it froze (§3.5: what the deanery saw then). */
export function ControlHistory() {
  const { t, locale } = useI18n();
  const list = useCall('control.checks', { limit: 100 });
  const [open, setOpen] = useState<string | null>(null);
  if (open) return <SnapshotView id={open} onBack={() => setOpen(null)} />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.length === 0) return <EmptyState title={t('control.history.none')} />;
  return (
    <table className="control-table" data-testid="control-history">
      <thead>
        <tr>
          <th>{t('control.history.when')}</th>
          <th>{t('control.history.who')}</th>
          <th>{t('control.history.unit')}</th>
          <th>{t('control.period')}</th>
          <th className="num">{t('control.col.due')}</th>
          <th className="num">{t('control.col.fillRate')}</th>
          <th className="num">{t('control.col.onTime')}</th>
          <th className="num">{t('control.col.missing')}</th>
          <th>{t('control.history.comment')}</th>
        </tr>
      </thead>
      <tbody onKeyDown={onListKeyDown}>
        {list.data.map((c) => (
          <tr key={c.id} data-check={c.id}>
            <td>
              <button type="button" className="unit-link" data-nav-item onClick={() => setOpen(c.id)}>
                {formatBishkekStamp(c.checkedAt)}
              </button>
              {c.pending ? <span className="tag warn">{t('control.history.pending')}</span> : null}
            </td>
            <td>{c.checkedBy}</td>
            <td>{c.unit.name[locale]}</td>
            <td>
              {c.period.week ? `${c.period.week} · ` : ''}
              {c.period.from} – {c.period.to}
            </td>
            <td className="num">{c.total.due}</td>
            <td className="num" style={{ background: heat(c.total.fillRate) }}>
              {pct(c.total.fillRate)}
            </td>
            <td className="num" style={{ background: heat(c.total.timeliness) }}>
              {pct(c.total.timeliness)}
            </td>
            <td className="num">{c.total.missing || ''}</td>
            <td className="comment-cell">{c.comment}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SnapshotView({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useI18n();
  const check = useCall('control.check', { id });
  if (check.error) return <ErrorState error={check.error} onRetry={check.reload} />;
  if (!check.data) return <Loading />;
  const c = check.data;
  return (
    <div className="snapshot" data-testid="control-snapshot">
      <div className="snapshot-head">
        <button type="button" className="btn" onClick={onBack}>
          ← {t('control.snapshot.back')}
        </button>
        <strong>
          {t('control.snapshot.title', { when: formatBishkekStamp(c.checkedAt), who: c.checkedBy })}
        </strong>
        <span className="control-when">
          {c.period.week ? `${c.period.week} · ` : ''}
          {c.period.from} – {c.period.to}
        </span>
      </div>
      {c.comment ? <p className="snapshot-comment">{c.comment}</p> : null}
      <ControlTable report={c.snapshot.units} />
      <ControlTable report={c.snapshot.teachers} />
    </div>
  );
}
