import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type {
  GridLesson,
  GridMark,
  JournalGrid as Grid,
} from '../../../src-shared/contract/journal.contract';
import { parseMark, parsePaste, sameMark, type MarkValue } from '../../../src-shared/domain/entry';
import { formatDateLong, formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { bishkekDate, bishkekTime } from '../../../src-shared/domain/time';
import { useAppInfo, useSessionUser } from '../../app-context';
import { useI18n, type I18n } from '../../i18n/I18n';
import { LockIcon } from '../../ui/icons';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { CellHistory } from './CellHistory';
import {
  cellRefusal,
  cellText,
  isMember,
  JournalGrid,
  type CellRefusal,
  type EntryAction,
} from './JournalGrid';
import { LockControls } from './LockControls';
import { cellKey, useEntryWrites, type CellEdit, type EntryStatus } from './use-entry';

type Active = { row: number; col: number };

function refusalText(r: CellRefusal, t: I18n['t']): string {
  return r === 'not_member' ? t('reason.notMember') : t(`reason.${r}` as MessageKey);
}

/**
 * One offering's journal: its heading, lock state, subgroup filter, the grid and the active lesson's
 * details. For a teacher it is also the entry screen (JournalGrid has the keys): marks typed or pasted
 * into the cells they may edit, "all present", the topic, and each cell's history.
 */
export function JournalView({ offeringId }: { offeringId: number }) {
  const { t, locale } = useI18n();
  const user = useSessionUser();
  const [subgroupId, setSubgroupId] = useState<number | undefined>(undefined);
  const grid = useCall(
    'journal.grid',
    subgroupId === undefined ? { offeringId } : { offeringId, subgroupId },
  );
  const [active, setActive] = useState<Active>({ row: 0, col: 0 });
  const [data, setData] = useState<Grid | null>(null);
  const [adopted, setAdopted] = useState<Grid | null>(null);
  const [placedFor, setPlacedFor] = useState<number | undefined | null>(null);
  const [history, setHistory] = useState<'cell' | 'topic' | null>(null);
  const topicInput = useRef<HTMLInputElement>(null);
  const entry = user.teacherId !== null && user.grants.some((g) => g.role === 'teacher');
  const writes = useEntryWrites(setData, grid.reload, t);
  const { setStatus, status } = writes;
  // A notice goes by itself; an error stays until it is dismissed (× or Esc).
  useEffect(() => {
    if (status?.kind !== 'info') return;
    const timer = setTimeout(() => setStatus((s) => (s === status ? null : s)), 6000);
    return () => clearTimeout(timer);
  }, [status, setStatus]);

  const loaded = grid.data;
  if (loaded && loaded !== adopted) {
    setAdopted(loaded);
    setData(loaded);
    if (placedFor !== subgroupId) {
      // Open at the latest lesson the caller may fill, else the most recent filled one.
      setPlacedFor(subgroupId);
      setActive({ row: 0, col: Math.max(0, openingIndex(loaded.lessons)) });
    } else {
      // A reload after an edit keeps the user's place.
      setActive((a) => ({
        row: Math.min(a.row, Math.max(0, loaded.students.length - 1)),
        col: Math.min(a.col, Math.max(0, loaded.lessons.length - 1)),
      }));
    }
  }

  const markAt = useMemo(() => {
    const map = new Map<string, GridMark>();
    for (const m of data?.marks ?? []) map.set(cellKey(m.studentId, m.lessonId), m);
    return map;
  }, [data?.marks]);

  if (grid.error && !data) return <ErrorState error={grid.error} onRetry={grid.reload} />;
  if (!data) return <Loading />;
  const o = data.offering;
  const discipline = locale === 'ky' ? o.discipline.ky : o.discipline.ru;
  const lesson = data.lessons[active.col];
  const student = data.students[active.row];
  const focusGrid = () => document.querySelector<HTMLElement>('.journal-view .grid-scroll')?.focus();

  /** A cell's value as it will be once the queued saves are done (null: blank). */
  const valueAt = (studentId: number, lessonId: number): MarkValue | null => {
    const key = cellKey(studentId, lessonId);
    const pending = writes.saving.get(key);
    return pending ? pending.value : (markAt.get(key) ?? null);
  };

  const refuse = (r: CellRefusal) =>
    setStatus({ kind: 'error', text: t('entry.cantEdit', { reason: refusalText(r, t) }) });

  const allPresent = () => {
    if (!lesson) return;
    const open = data.students.filter((s) => cellRefusal(lesson, s) === null);
    if (open.length === 0) {
      refuse(lesson.editRefusal ?? 'not_member');
      return;
    }
    // Blank cells, counting the saves on their way (a cell just cleared, an editor committed by the click).
    const edits = open
      .filter((s) => valueAt(s.id, lesson.id) === null)
      .map<CellEdit>((s) => ({
        lessonId: lesson.id,
        studentId: s.id,
        value: { attendance: 'p', grade: null },
        text: t('mark.present'),
      }));
    if (edits.length === 0) setStatus({ kind: 'info', text: t('entry.allMarked') });
    else writes.saveMarks(edits, true);
  };

  const paste = (text: string) => {
    const rows = parsePaste(text);
    const width = Math.max(...rows.map((r) => r.length));
    if (active.row + rows.length > data.students.length || active.col + width > data.lessons.length) {
      setStatus({ kind: 'error', text: t('entry.pasteOutside', { rows: rows.length, cols: width }) });
      return;
    }
    const edits: CellEdit[] = [];
    for (const [i, cells] of rows.entries()) {
      for (const [j, raw] of cells.entries()) {
        const s = data.students[active.row + i];
        const l = data.lessons[active.col + j];
        if (!s || !l) continue;
        const value = parseMark(raw);
        if (value === 'invalid') {
          setStatus({ kind: 'error', text: t('entry.unrecognized', { text: raw.trim() }) });
          return;
        }
        if (sameMark(valueAt(s.id, l.id), value)) continue;
        const refusal = cellRefusal(l, s);
        if (refusal) {
          setStatus({
            kind: 'error',
            text: t('entry.pasteCell', {
              student: s.name,
              date: formatDateShort(l.date),
              reason: t('entry.cantEdit', { reason: refusalText(refusal, t) }),
            }),
          });
          return;
        }
        edits.push({ lessonId: l.id, studentId: s.id, value, text: value ? cellText(value, t) : '' });
      }
    }
    writes.saveMarks(edits, true);
  };

  const onEntry = (a: EntryAction): boolean => {
    switch (a.kind) {
      case 'commit': {
        const s = data.students[a.row];
        const l = data.lessons[a.col];
        if (!s || !l) return true;
        const value = parseMark(a.text);
        if (value === 'invalid') {
          setStatus({ kind: 'error', text: t('entry.unrecognized', { text: a.text.trim() }) });
          return false;
        }
        if (!sameMark(valueAt(s.id, l.id), value)) {
          writes.saveMarks(
            [{ lessonId: l.id, studentId: s.id, value, text: value ? cellText(value, t) : '' }],
            false,
          );
        }
        return true;
      }
      case 'clear': {
        const s = data.students[a.row];
        const l = data.lessons[a.col];
        if (s && l && valueAt(s.id, l.id) !== null)
          writes.saveMarks([{ lessonId: l.id, studentId: s.id, value: null, text: '' }], false);
        return true;
      }
      case 'refused': {
        const s = data.students[a.row];
        const l = data.lessons[a.col];
        const r = s && l ? cellRefusal(l, s) : null;
        if (r) refuse(r);
        return true;
      }
      case 'paste':
        paste(a.text);
        return true;
      case 'allPresent':
        allPresent();
        return true;
      case 'history':
        setHistory((h) => (h === 'cell' ? null : 'cell'));
        return true;
      case 'topic':
        if (lesson?.editRefusal) refuse(lesson.editRefusal);
        else topicInput.current?.focus();
        return true;
      case 'escape':
        if (writes.status) writes.setStatus(null);
        else if (history) setHistory(null);
        else return false;
        return true;
    }
  };

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
        {entry && data.lessons.some((l) => l.editRefusal === null || l.unlockedStudentIds.length > 0) ? (
          <div className="legend entry-keys">{t('entry.keys')}</div>
        ) : null}
        <LockControls grid={data} lesson={lesson} onChanged={grid.reload} />
        {data.lock ? (
          <div className="lock-banner" role="note">
            <LockIcon /> {t('journal.locked', { date: formatDateShort(data.lock.closedOn) })}
          </div>
        ) : null}
      </div>
      {grid.loading ? <Loading /> : null}
      {grid.error ? <ErrorState error={grid.error} onRetry={grid.reload} /> : null}
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
            entry={entry}
            saving={writes.saving}
            onEntry={onEntry}
          />
          <StatusLine status={writes.status} onDismiss={() => setStatus(null)} />
          <Details
            grid={data}
            active={active}
            entry={entry}
            markAt={markAt}
            topicInput={topicInput}
            onAllPresent={() => {
              allPresent();
              focusGrid();
            }}
            onHistory={(kind) => setHistory((h) => (h === kind ? null : kind))}
            onSaveTopic={async (lessonId, topic) => {
              const ok = await writes.saveTopic(lessonId, topic);
              if (ok) focusGrid();
              return ok;
            }}
            onTopicDone={focusGrid}
          />
          {history && lesson ? (
            <CellHistory
              lesson={lesson}
              student={history === 'cell' ? (student ?? null) : null}
              version={writes.version}
              onClose={() => {
                setHistory(null);
                focusGrid();
              }}
            />
          ) : null}
        </>
      )}
    </div>
  );
}

/** Where the journal opens: the latest lesson the caller may fill, else the latest filled one. */
function openingIndex(lessons: readonly GridLesson[]): number {
  let editable = -1;
  let filled = -1;
  lessons.forEach((l, i) => {
    if (l.editRefusal === null) editable = i;
    if (l.status === 'scheduled' && (l.completedAt !== null || l.topic !== null)) filled = i;
  });
  return editable >= 0 ? editable : filled;
}

function StatusLine({ status, onDismiss }: { status: EntryStatus; onDismiss: () => void }) {
  const { t } = useI18n();
  if (!status) return null;
  return (
    <div
      className={`entry-status ${status.kind}`}
      role={status.kind === 'error' ? 'alert' : 'status'}
      aria-label={t('entry.status')}
      data-testid="entry-status"
    >
      <span>{status.text}</span>
      <button
        type="button"
        className="btn-x"
        title={t('entry.dismiss')}
        aria-label={t('entry.dismiss')}
        onClick={onDismiss}
      >
        ×
      </button>
    </div>
  );
}

/** The lesson's topic: editable text with the КТП topic one click away; Enter saves, Esc cancels. */
function TopicField({
  lesson,
  inputRef,
  onSave,
  onDone,
}: {
  lesson: GridLesson;
  inputRef: RefObject<HTMLInputElement | null>;
  onSave: (lessonId: number, topic: string | null) => Promise<boolean>;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const value = text ?? lesson.topic ?? '';
  const save = async () => {
    const topic = value.trim() === '' ? null : value.trim();
    if (topic === lesson.topic) {
      setText(null);
      onDone();
      return;
    }
    setBusy(true);
    const ok = await onSave(lesson.id, topic);
    setBusy(false);
    if (ok) setText(null);
  };
  return (
    <span className="topic-edit">
      <input
        ref={inputRef}
        className="topic-input"
        aria-label={t('journal.topic')}
        placeholder={t('entry.topicPlaceholder')}
        value={value}
        maxLength={500}
        disabled={busy}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            setText(null);
            onDone();
          }
        }}
      />
      {lesson.planTopic && lesson.planTopic !== value ? (
        <button
          type="button"
          className="btn small"
          title={t('entry.fromPlanTitle', { topic: lesson.planTopic })}
          onClick={() => {
            setText(lesson.planTopic);
            inputRef.current?.focus();
          }}
        >
          {t('entry.fromPlan')}
        </button>
      ) : null}
      {text !== null ? (
        <button type="button" className="btn small primary" disabled={busy} onClick={() => void save()}>
          {busy ? t('entry.saving') : t('entry.save')}
        </button>
      ) : null}
    </span>
  );
}

/** The active lesson (date, pair, topic, who conducted it, completion) and the active cell. */
function Details({
  grid,
  active,
  entry,
  markAt,
  topicInput,
  onAllPresent,
  onHistory,
  onSaveTopic,
  onTopicDone,
}: {
  grid: Grid;
  active: Active;
  entry: boolean;
  markAt: ReadonlyMap<string, GridMark>;
  topicInput: RefObject<HTMLInputElement | null>;
  onAllPresent: () => void;
  onHistory: (kind: 'cell' | 'topic') => void;
  onSaveTopic: (lessonId: number, topic: string | null) => Promise<boolean>;
  onTopicDone: () => void;
}) {
  const { t, locale } = useI18n();
  const info = useAppInfo();
  const lesson = grid.lessons[active.col];
  const student = grid.students[active.row];
  if (!lesson) return null;
  const mark = student ? markAt.get(cellKey(student.id, lesson.id)) : undefined;
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
  const refusal = entry && student ? cellRefusal(lesson, student) : null;
  const canFill =
    entry &&
    (lesson.editRefusal === null || lesson.unlockedStudentIds.length > 0) &&
    lesson.status === 'scheduled';
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
        {entry && student ? (
          refusal ? (
            <span className="tag lock" data-testid="cell-refusal">
              {t('entry.cantEdit', { reason: refusalText(refusal, t) })}
            </span>
          ) : (
            <span className="tag ed">{t('entry.editable')}</span>
          )
        ) : null}
        <span className="details-tools">
          {canFill ? (
            <button
              type="button"
              className="btn small"
              title={t('entry.allPresentTitle')}
              onClick={onAllPresent}
            >
              {t('entry.allPresent')}
            </button>
          ) : null}
          <button
            type="button"
            className="btn small"
            title={t('entry.historyTitle')}
            onClick={() => onHistory('cell')}
          >
            {t('entry.history')}
          </button>
        </span>
      </div>
      <div className="details-line">
        <span className="details-label">{t('journal.topic')}:</span>
        {entry && lesson.editRefusal === null ? (
          <TopicField
            key={lesson.id}
            lesson={lesson}
            inputRef={topicInput}
            onSave={onSaveTopic}
            onDone={onTopicDone}
          />
        ) : lesson.topic ? (
          <span>{lesson.topic}</span>
        ) : (
          <span className="muted">
            {t('journal.noTopic')}
            {lesson.planTopic ? ` — ${t('journal.planTopic', { topic: lesson.planTopic })}` : ''}
          </span>
        )}
        <button
          type="button"
          className="btn-link"
          title={t('entry.historyTopicTitle')}
          onClick={() => onHistory('topic')}
        >
          {t('entry.history')}
        </button>
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
