import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
} from 'react';
import type {
  GridLesson,
  GridMark,
  GridStudent,
  JournalGrid as Grid,
} from '../../../src-shared/contract/journal.contract';
import type { EditRefusal } from '../../../src-shared/domain/edit-rights';
import { layoutChar, startsMark } from '../../../src-shared/domain/entry';
import { studentTotals } from '../../../src-shared/domain/journal';
import { formatDayMonthNumeric, formatNumber, formatWeekdayShort } from '../../../src-shared/i18n/format';
import { useAppInfo } from '../../app-context';
import { useI18n, type I18n } from '../../i18n/I18n';
import { LockIcon } from '../../ui/icons';

/**
 * The journal grid: students × lessons, virtualized in both directions (only the visible cells exist
 * in the DOM), with a sticky header (date, weekday, pair, flags) and a sticky name column with each
 * student's totals. Arrow keys, Home/End and PageUp/PageDown move the active cell.
 *
 * Entry, as in a spreadsheet, where the caller may edit: typing a mark (`+`, `н`, `у`, `5`…`2`) opens
 * the cell's editor; Enter (down), Tab (right) or an arrow commits it and moves, Esc cancels it, F2
 * edits the cell's current text; Delete/Backspace clears a cell; Ctrl+V pastes from a spreadsheet;
 * Ctrl+Enter marks the lesson "all present"; H shows the cell's history, T edits the topic.
 */
const ROW_H = 26;
const COL_W = 46;
const NAME_W = 268;
const TOTAL_W = 44;
const LEFT_W = NAME_W + TOTAL_W * 3;
const HEAD_H = 58;
const OVERSCAN = 4;

export function isMember(s: GridStudent, date: string): boolean {
  return s.periods.some((p) => p.from <= date && (p.to === null || p.to >= date));
}

/** What a cell shows: the grade for a present student with one, else +, нб or нб(у). */
export function cellText(m: Pick<GridMark, 'attendance' | 'grade'>, t: I18n['t']): string {
  if (m.attendance === 'p') return m.grade !== null ? String(m.grade) : t('mark.present');
  return m.attendance === 'a' ? t('mark.absent') : t('mark.excused');
}

/** Why a cell cannot be edited by the caller: the lesson's refusal, or the student not in the group that day. */
export type CellRefusal = EditRefusal | 'not_member';

export function cellRefusal(lesson: GridLesson, student: GridStudent): CellRefusal | null {
  if (!isMember(student, lesson.date)) return 'not_member';
  if (lesson.editRefusal === 'locked' && lesson.unlockedStudentIds.includes(student.id)) return null;
  return lesson.editRefusal;
}

/** What the grid asks of the screen around it; `commit` says whether the text was taken. */
export type EntryAction =
  | { kind: 'commit'; row: number; col: number; text: string }
  | { kind: 'clear'; row: number; col: number }
  | { kind: 'refused'; row: number; col: number }
  | { kind: 'paste'; text: string }
  | { kind: 'allPresent' }
  | { kind: 'history' }
  | { kind: 'topic' }
  | { kind: 'escape' };

export type Draft = { row: number; col: number; text: string };

type Props = {
  grid: Grid;
  active: { row: number; col: number };
  onActive: (a: { row: number; col: number }) => void;
  label: string;
  /** The caller may edit some cells of this journal (a teacher); otherwise the grid only views. */
  entry: boolean;
  /** Cells being saved, by `studentId:lessonId`, with the text typed. */
  saving: ReadonlyMap<string, { text: string }>;
  onEntry: (a: EntryAction) => boolean;
};

export function JournalGrid({ grid, active, onActive, label, entry, saving, onEntry }: Props) {
  const { t, locale } = useI18n();
  const info = useAppInfo();
  const scroller = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [view, setView] = useState({ top: 0, left: 0, width: 800, height: 400 });
  const rows = grid.students.length;
  const cols = grid.lessons.length;

  const markAt = useMemo(() => {
    const map = new Map<string, GridMark>();
    for (const m of grid.marks) map.set(`${m.studentId}:${m.lessonId}`, m);
    return map;
  }, [grid.marks]);

  const totals = useMemo(() => {
    const byStudent = new Map<number, GridMark[]>();
    for (const m of grid.marks) {
      const list = byStudent.get(m.studentId) ?? [];
      list.push(m);
      byStudent.set(m.studentId, list);
    }
    return grid.students.map((s) => studentTotals(byStudent.get(s.id) ?? []));
  }, [grid.marks, grid.students]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () =>
      setView({ top: el.scrollTop, left: el.scrollLeft, width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the active cell in view, with the next two lessons when scrolling right (what comes next).
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const x = LEFT_W + active.col * COL_W;
    const y = HEAD_H + active.row * ROW_H;
    const right = x + COL_W * (1 + Math.max(0, Math.min(2, cols - 1 - active.col)));
    if (x < el.scrollLeft + LEFT_W) el.scrollLeft = x - LEFT_W;
    else if (right > el.scrollLeft + el.clientWidth)
      // Whole columns at the left edge, under the sticky names.
      el.scrollLeft = Math.min(x - LEFT_W, Math.ceil((right - el.clientWidth) / COL_W) * COL_W);
    if (y < el.scrollTop + HEAD_H) el.scrollTop = y - HEAD_H;
    else if (y + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_H - el.clientHeight;
  }, [active, cols]);

  const firstRow = Math.max(0, Math.floor(view.top / ROW_H) - OVERSCAN);
  const lastRow = Math.min(rows - 1, Math.ceil((view.top + view.height - HEAD_H) / ROW_H) + OVERSCAN);
  const firstCol = Math.max(0, Math.floor(view.left / COL_W) - OVERSCAN);
  const lastCol = Math.min(cols - 1, Math.ceil((view.left + view.width - LEFT_W) / COL_W) + OVERSCAN);

  const clamp = (row: number, col: number) => ({
    row: Math.max(0, Math.min(rows - 1, row)),
    col: Math.max(0, Math.min(cols - 1, col)),
  });
  const editable = (row: number, col: number) => {
    const l = grid.lessons[col];
    const s = grid.students[row];
    return entry && l !== undefined && s !== undefined && cellRefusal(l, s) === null;
  };
  /** Commit the open editor (if any); false when its text was refused and it stays open. */
  const commitDraft = (): boolean => {
    if (!draft) return true;
    if (!onEntry({ kind: 'commit', ...draft })) return false;
    setDraft(null);
    return true;
  };
  const moveTo = (row: number, col: number) => {
    if (commitDraft()) onActive(clamp(row, col));
  };

  const onDraftKey = (e: KeyboardEvent<HTMLDivElement>, d: Draft) => {
    const { row, col } = d;
    const moves: Record<string, [number, number]> = {
      Enter: e.shiftKey ? [-1, 0] : [1, 0],
      Tab: e.shiftKey ? [0, -1] : [0, 1],
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      moveTo(row + move[0], col + move[1]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setDraft(null);
    } else if (e.key === 'Backspace') {
      e.preventDefault();
      setDraft({ ...d, text: d.text.slice(0, -1) });
    } else if (e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // Typed text belongs to the editor, not to the screen's shortcuts (`/` opens the group search).
      e.preventDefault();
      e.stopPropagation();
      setDraft({ ...d, text: d.text + layoutChar(e.key, e.code) });
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (draft) {
      onDraftKey(e, draft);
      return;
    }
    let { row, col } = active;
    const page = Math.max(1, Math.floor((view.height - HEAD_H) / ROW_H) - 1);
    const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (entry) onEntry({ kind: 'allPresent' });
      return;
    }
    if (e.key === 'Escape') {
      if (onEntry({ kind: 'escape' })) e.preventDefault();
      return;
    }
    if (plain && e.code === 'KeyH') {
      e.preventDefault();
      onEntry({ kind: 'history' });
      return;
    }
    if (entry && plain && e.code === 'KeyT') {
      e.preventDefault();
      onEntry({ kind: 'topic' });
      return;
    }
    if (entry && plain && (e.key === 'Delete' || e.key === 'Backspace' || e.key === 'F2')) {
      e.preventDefault();
      if (!editable(row, col)) onEntry({ kind: 'refused', row, col });
      else if (e.key === 'F2') {
        const l = grid.lessons[col];
        const s = grid.students[row];
        const m = l && s ? markAt.get(`${s.id}:${l.id}`) : undefined;
        setDraft({ row, col, text: m ? cellText(m, t) : '' });
      } else onEntry({ kind: 'clear', row, col });
      return;
    }
    const ch = e.key.length === 1 && plain ? layoutChar(e.key, e.code) : '';
    if (entry && startsMark(ch)) {
      e.preventDefault();
      if (editable(row, col)) setDraft({ row, col, text: ch });
      else onEntry({ kind: 'refused', row, col });
      return;
    }
    switch (e.key) {
      case 'Enter':
        row += e.shiftKey ? -1 : 1;
        break;
      case 'ArrowDown':
        row++;
        break;
      case 'ArrowUp':
        row--;
        break;
      case 'ArrowRight':
        col++;
        break;
      case 'ArrowLeft':
        col--;
        break;
      case 'PageDown':
        row += page;
        break;
      case 'PageUp':
        row -= page;
        break;
      case 'Home':
        col = 0;
        if (e.ctrlKey) row = 0;
        break;
      case 'End':
        col = cols - 1;
        if (e.ctrlKey) row = rows - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    onActive(clamp(row, col));
  };

  const onPaste = (e: ClipboardEvent<HTMLDivElement>) => {
    if (!entry || draft) return;
    const text = e.clipboardData.getData('text/plain');
    e.preventDefault();
    if (text) onEntry({ kind: 'paste', text });
  };

  const headCells = [];
  const bodyCells = [];
  for (let c = firstCol; c <= lastCol; c++) {
    const l = grid.lessons[c];
    const off = l.status !== 'scheduled';
    const future = l.date > info.today;
    const flags = `${l.substitute ? t('journal.flagSubstitute') : ''}${l.origin === 'extra' ? t('journal.flagExtra') : ''}`;
    headCells.push(
      <div
        key={l.id}
        role="columnheader"
        className={`gh${off ? ' off' : ''}${future ? ' future' : ''}${c === active.col ? ' act' : ''}${!off && !future && l.completedAt === null ? ' owed' : ''}${entry && l.editRefusal === null ? ' ed' : ''}`}
        style={{ left: LEFT_W + c * COL_W, width: COL_W }}
        title={`${l.topic ?? l.planTopic ?? ''}${l.conductedBy ? ` — ${l.conductedBy.name}` : ''}`}
        data-lesson={l.id}
        onMouseDown={() => moveTo(active.row, c)}
      >
        <span className="gh-date">{formatDayMonthNumeric(l.date)}</span>
        <span className="gh-wd">{formatWeekdayShort(locale, l.date)}</span>
        <span className="gh-pair">{l.pair}</span>
        <span className="gh-flags">
          {l.locked ? <LockIcon /> : null}
          {flags || (l.locked ? '' : '\u00a0')}
        </span>
      </div>,
    );
    for (let r = firstRow; r <= lastRow; r++) {
      const s = grid.students[r];
      const member = isMember(s, l.date);
      const m = markAt.get(`${s.id}:${l.id}`);
      const isActive = r === active.row && c === active.col;
      const typing = draft && draft.row === r && draft.col === c ? draft.text : undefined;
      const pending = saving.get(`${s.id}:${l.id}`)?.text;
      const text = typing ?? pending ?? (m ? cellText(m, t) : '');
      const open = editable(r, c);
      const kind = !member
        ? ' out'
        : m
          ? m.attendance === 'a'
            ? ' abs'
            : m.attendance === 'e'
              ? ' exc'
              : m.grade !== null
                ? ` g${m.grade}`
                : ' pre'
          : '';
      bodyCells.push(
        <div
          key={`${r}:${c}`}
          role="gridcell"
          aria-selected={isActive}
          aria-readonly={entry ? !open : undefined}
          className={`gc${kind}${off ? ' off' : ''}${l.locked ? ' locked' : ''}${open ? ' ed' : ''}${isActive ? ' act' : ''}${typing !== undefined ? ' draft' : ''}${pending !== undefined && typing === undefined ? ' saving' : ''}`}
          style={{ top: r * ROW_H, left: LEFT_W + c * COL_W, width: COL_W, height: ROW_H }}
          data-student={s.id}
          data-lesson={l.id}
          onMouseDown={() => moveTo(r, c)}
        >
          {text}
        </div>,
      );
    }
  }
  const nameCells = [];
  for (let r = firstRow; r <= lastRow; r++) {
    const s = grid.students[r];
    const tot = totals[r];
    const left = s.periods.some((p) => p.to !== null);
    nameCells.push(
      <div
        key={s.id}
        className={`gn${r === active.row ? ' act' : ''}`}
        style={{ top: r * ROW_H, height: ROW_H }}
        role="rowheader"
        data-student-row={s.id}
      >
        <span className="gn-no">{r + 1}</span>
        <span className="gn-name" title={`${s.name} · ${t('journal.recordBook')} ${s.recordBookNo}`}>
          {s.name}
          {left ? <span className="gn-note"> · {t('journal.transferred')}</span> : null}
        </span>
        <span className="gn-tot abs">{tot.absent || ''}</span>
        <span className="gn-tot exc">{tot.excused || ''}</span>
        <span className="gn-tot avg">{tot.average === null ? '' : formatNumber(tot.average, 1)}</span>
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="grid-scroll"
      tabIndex={0}
      role="grid"
      aria-label={label}
      aria-rowcount={rows + 1}
      aria-colcount={cols + 1}
      onKeyDown={onKeyDown}
      onPaste={onPaste}
      onBlur={() => {
        if (draft) commitDraft();
      }}
      onScroll={(e) => {
        const el = e.currentTarget;
        setView((v) => ({ ...v, top: el.scrollTop, left: el.scrollLeft }));
      }}
    >
      <div className="grid-canvas" style={{ width: LEFT_W + cols * COL_W, height: HEAD_H + rows * ROW_H }}>
        <div className="grid-head" style={{ width: LEFT_W + cols * COL_W, height: HEAD_H }}>
          <div className="grid-corner" style={{ width: LEFT_W, height: HEAD_H }}>
            <span className="gn-name">{t('journal.student')}</span>
            <span className="gn-tot abs">{t('journal.totalAbsent')}</span>
            <span className="gn-tot exc">{t('journal.totalExcused')}</span>
            <span className="gn-tot avg">{t('journal.average')}</span>
          </div>
          {headCells}
        </div>
        <div className="grid-names" style={{ width: LEFT_W, height: rows * ROW_H }}>
          {nameCells}
        </div>
        <div className="grid-body" style={{ top: HEAD_H }}>
          {bodyCells}
        </div>
      </div>
    </div>
  );
}
