import { useEffect, useRef } from 'react';
import type { GridLesson, GridStudent, HistoryEntry } from '../../../src-shared/contract/journal.contract';
import { bishkekDate, bishkekTime } from '../../../src-shared/domain/time';
import { formatDateShort } from '../../../src-shared/i18n/format';
import { useI18n, type I18n } from '../../i18n/I18n';
import { ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { cellText } from './JournalGrid';

function valueText(v: HistoryEntry['old'], t: I18n['t'], topic: boolean): string {
  if (v === null) return topic ? t('entry.noTopic') : t('entry.none');
  return typeof v === 'string' ? `«${v}»` : cellText(v, t);
}

/**
 * The history of the active cell (a student's mark) or, without a student, of the lesson's topic: who
 * changed it when, from what to what, and whether AVN has it yet. Reloads after every save (`version`).
 */
export function CellHistory({
  lesson,
  student,
  version,
  onClose,
}: {
  lesson: GridLesson;
  student: GridStudent | null;
  version: number;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const h = useCall(
    'journal.cellHistory',
    student ? { lessonId: lesson.id, studentId: student.id } : { lessonId: lesson.id },
  );
  const seen = useRef(version);
  const { reload } = h;
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    reload();
  }, [version, reload]);
  const date = formatDateShort(lesson.date);
  return (
    <section className="history" aria-label={t('entry.history')} data-testid="cell-history">
      <div className="history-head">
        <strong>
          {student
            ? t('entry.historyOfCell', { student: student.name, date })
            : t('entry.historyOfTopic', { date })}
        </strong>
        <span className="muted">{t('entry.historyLocal')}</span>
        <button
          type="button"
          className="btn-x"
          title={t('entry.dismiss')}
          aria-label={t('entry.dismiss')}
          onClick={onClose}
        >
          ×
        </button>
      </div>
      {h.error ? <ErrorState error={h.error} onRetry={h.reload} /> : null}
      {!h.data && !h.error ? <Loading /> : null}
      {h.data && h.data.length === 0 ? <div className="muted">{t('entry.historyEmpty')}</div> : null}
      {h.data && h.data.length > 0 ? (
        <ol className="history-list">
          {h.data.map((e, i) => (
            <li key={i}>
              <span className="history-at">
                {formatDateShort(bishkekDate(e.at))} {bishkekTime(e.at)}
              </span>
              <span className="history-who">{e.who ?? '—'}</span>
              <span className="history-change">
                <span className="history-old">{valueText(e.old, t, !student)}</span> →{' '}
                <b className="history-new">{valueText(e.new, t, !student)}</b>
              </span>
              {e.reason ? <span className="muted">{e.reason}</span> : null}
              {e.pending ? <span className="tag">{t('entry.pending')}</span> : null}
              {e.refused ? <span className="tag warn">{t('entry.refused')}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
