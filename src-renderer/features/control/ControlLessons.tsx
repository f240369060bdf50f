import type { Output } from '../../../src-shared/contract';
import { formatDayMonth, formatWeekdayShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';
import { EmptyState } from '../../ui/States';

type Lesson = Output<'control.lessons'>['lessons'][number];

/** How many names to show in a cell before "and N more". */
const NAMES_SHOWN = 4;

/** The owed lessons themselves: when, which group and discipline, whose, and what is missing (§5.3). */
export function ControlLessons({ lessons }: { lessons: readonly Lesson[] }) {
  const { t, locale } = useI18n();
  if (lessons.length === 0) return <EmptyState title={t('control.lessons.none')} />;
  return (
    <table className="control-table control-lessons" data-testid="control-lessons">
      <thead>
        <tr>
          <th>{t('control.col.date')}</th>
          <th className="num">{t('control.col.pair')}</th>
          <th>{t('control.col.group')}</th>
          <th>{t('control.col.discipline')}</th>
          <th>{t('control.col.responsible')}</th>
          <th>{t('control.col.state')}</th>
          <th>{t('control.col.whatMissing')}</th>
        </tr>
      </thead>
      <tbody>
        {lessons.map((l) => {
          const names = l.missingStudents.map((s) => s.name);
          const shown =
            names.length > NAMES_SHOWN
              ? `${names.slice(0, NAMES_SHOWN).join(', ')} +${names.length - NAMES_SHOWN}`
              : names.join(', ');
          return (
            <tr key={l.lessonId} data-lesson={l.lessonId} data-state={l.state}>
              <td>
                {formatWeekdayShort(locale, l.date)} {formatDayMonth(locale, l.date)}
              </td>
              <td className="num">{l.pair}</td>
              <td>{l.group}</td>
              <td>
                {l.discipline[locale]}{' '}
                <span className="muted">{t(`kind.${l.kind}.short` as MessageKey)}</span>
              </td>
              <td>
                {l.responsible.name}
                {l.substituted ? <span className="tag">{t('control.substituted')}</span> : null}
                {l.uncovered ? <span className="tag warn">{t('control.uncovered')}</span> : null}
              </td>
              <td>
                <span className={`state state-${l.state}`}>{t(`control.state.${l.state}`)}</span>
              </td>
              <td className="what-missing" title={names.join(', ')}>
                {[
                  ...(l.missingTopic ? [t('control.missingTopic')] : []),
                  ...(names.length ? [t('control.missingMarks', { names: shown })] : []),
                ].join('; ')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
