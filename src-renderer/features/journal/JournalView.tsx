import { useMemo, useState } from 'react';
import type { GridLesson, JournalGrid as Grid } from '../../../src-shared/contract/journal.contract';
import { formatDateLong, formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { bishkekDate, bishkekTime } from '../../../src-shared/domain/time';
import { useAppInfo } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { LockIcon } from '../../ui/icons';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { cellText, isMember, JournalGrid } from './JournalGrid';
import { LockControls } from './LockControls';

/** One offering's journal: its heading, lock state, subgroup filter, the grid and the active lesson's details. */
export function JournalView({ offeringId }: { offeringId: number }) {
  const { t, locale } = useI18n();
  const [subgroupId, setSubgroupId] = useState<number | undefined>(undefined);
  const grid = useCall(
    'journal.grid',
    subgroupId === undefined ? { offeringId } : { offeringId, subgroupId },
  );
  const [active, setActive] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const [data, setData] = useState<Grid | null>(null);
  if (grid.data && grid.data !== data) {
    setData(grid.data);
    // Open at the most recent lesson that has begun, as a deanery user would look first.
    setActive({ row: 0, col: Math.max(0, lastBegunIndex(grid.data.lessons)) });
  }

  if (grid.error) return <ErrorState error={grid.error} onRetry={grid.reload} />;
  if (!data) return <Loading />;
  const o = data.offering;
  const discipline = locale === 'ky' ? o.discipline.ky : o.discipline.ru;
  return (
    <div className="journal-view">
      <div className="jv-head">
        <div className="jv-title">
          <h2>{discipline}</h2>
          <span className="jv-kind">{t(`kind.${o.kind}` as MessageKey)}</span>
        </div>
        <div className="jv-meta">
          <span>
            {o.group.code}
            {o.subgroup ? ` · ${t('journal.subgroup')} ${o.subgroup.name}` : ''}
          </span>
          <span>
            {t('journal.teacher')}: {o.teacher.name}
          </span>
          <span>{locale === 'ky' ? o.department.ky : o.department.ru}</span>
          <span>{t('journal.plannedHours', { hours: o.plannedHours })}</span>
          <span>{t('journal.lessons', { count: o.lessons })}</span>
          {data.lock ? null : <span className="lock-open">{t('journal.open')}</span>}
        </div>
        <div className="jv-tools">
          {o.subgroup === null && data.subgroups.length > 0 ? (
            <label className="field-inline">
              {t('journal.subgroupFilter')}
              <select
                aria-label={t('journal.subgroupFilter')}
                value={subgroupId ?? ''}
                onChange={(e) => setSubgroupId(e.target.value === '' ? undefined : Number(e.target.value))}
              >
                <option value="">{t('journal.allStudents')}</option>
                {data.subgroups.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.kind === 'lab' ? t('kind.lab.short') : t('kind.practice.short')})
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <span className="legend">{t('journal.legend')}</span>
        </div>
        <LockControls grid={data} lesson={data.lessons[active.col]} onChanged={grid.reload} />
        {data.lock ? (
          <div className="lock-banner" role="note">
            <LockIcon /> {t('journal.locked', { date: formatDateShort(data.lock.closedOn) })}
          </div>
        ) : null}
      </div>
      {grid.loading ? <Loading /> : null}
      {data.lessons.length === 0 ? (
        <EmptyState title={t('journal.emptyLessons')} />
      ) : data.students.length === 0 ? (
        <EmptyState title={t('journal.emptyStudents')} />
      ) : (
        <>
          <JournalGrid
            grid={data}
            active={active}
            onActive={setActive}
            label={t('journal.gridLabel', { discipline, group: o.group.code })}
          />
          <Details grid={data} active={active} />
        </>
      )}
    </div>
  );
}

function lastBegunIndex(lessons: readonly GridLesson[]): number {
  let idx = -1;
  lessons.forEach((l, i) => {
    if (l.status === 'scheduled' && (l.completedAt !== null || l.topic !== null)) idx = i;
  });
  return idx;
}

/** The active lesson (date, pair, topic, who conducted it, completion) and the active cell. */
function Details({ grid, active }: { grid: Grid; active: { row: number; col: number } }) {
  const { t, locale } = useI18n();
  const info = useAppInfo();
  const lesson = grid.lessons[active.col];
  const student = grid.students[active.row];
  const mark = useMemo(
    () =>
      lesson && student
        ? grid.marks.find((m) => m.lessonId === lesson.id && m.studentId === student.id)
        : undefined,
    [grid.marks, lesson, student],
  );
  if (!lesson) return null;
  const begun = lesson.date <= info.today;
  const status =
    lesson.status === 'cancelled'
      ? t('journal.cancelled')
      : lesson.status === 'moved'
        ? t('journal.moved')
        : lesson.origin === 'extra'
          ? t('journal.extra')
          : null;
  const completed =
    lesson.completedAt !== null
      ? t('journal.completedAt', {
          at: `${formatDateShort(bishkekDate(lesson.completedAt))} ${bishkekTime(lesson.completedAt)}`,
        })
      : begun && lesson.status === 'scheduled'
        ? t('journal.incomplete')
        : null;
  const value = student
    ? !isMember(student, lesson.date)
      ? t('journal.notMember')
      : mark
        ? mark.attendance === 'p'
          ? `${t('mark.presentLong')}${mark.grade !== null ? `, ${mark.grade}` : ''}`
          : mark.attendance === 'a'
            ? t('mark.absentLong')
            : t('mark.excusedLong')
        : t('journal.notRecorded')
    : '';
  return (
    <div className="details" aria-live="polite" data-testid="lesson-details">
      <div className="details-line">
        <strong>{formatDateLong(locale, lesson.date)}</strong>
        <span>{t('journal.pair', { n: lesson.pair })}</span>
        <span>{t('journal.lessonNo', { n: active.col + 1, total: grid.lessons.length })}</span>
        {status ? <span className="tag">{status}</span> : null}
        {lesson.locked ? (
          <span className="tag lock">
            <LockIcon /> {t('journal.lockedShort')}
          </span>
        ) : null}
        {completed ? (
          <span className={lesson.completedAt !== null ? 'tag ok' : 'tag warn'}>{completed}</span>
        ) : !begun ? (
          <span className="tag">{t('journal.notBegun')}</span>
        ) : null}
      </div>
      <div className="details-line">
        <span className="details-label">{t('journal.topic')}:</span>
        {lesson.topic ? (
          <span>{lesson.topic}</span>
        ) : (
          <span className="muted">
            {t('journal.noTopic')}
            {lesson.planTopic ? ` — ${t('journal.planTopic', { topic: lesson.planTopic })}` : ''}
          </span>
        )}
      </div>
      <div className="details-line">
        <span className="details-label">{t('journal.conductedBy')}:</span>
        <span>
          {lesson.conductedBy?.name ?? '—'}
          {lesson.substitute ? (
            <span className="tag sub">{`${t('journal.substitute')}: ${lesson.substitute.name}`}</span>
          ) : null}
        </span>
        {student ? (
          <>
            <span className="details-sep" />
            <span className="details-label">{student.name}:</span>
            <span>
              {mark ? <b>{cellText(mark, t)}</b> : null} {value}
            </span>
          </>
        ) : null}
      </div>
    </div>
  );
}
