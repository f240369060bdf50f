import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type {
  GridMark,
  GridStudent,
  JournalGrid as Grid,
} from '../../../src-shared/contract/journal.contract';
import { studentTotals } from '../../../src-shared/domain/journal';
import { formatDayMonthNumeric, formatNumber, formatWeekdayShort } from '../../../src-shared/i18n/format';
import { useAppInfo } from '../../app-context';
import { useI18n, type I18n } from '../../i18n/I18n';
import { LockIcon } from '../../ui/icons';

/**
 * The journal grid: students × lessons, virtualized in both directions (only the visible cells exist
 * in the DOM), with a sticky header (date, weekday, pair, flags) and a sticky name column with each
 * student's totals. Arrow keys, Home/End and PageUp/PageDown move the active cell.
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

type Props = {
  grid: Grid;
  active: { row: number; col: number };
  onActive: (a: { row: number; col: number }) => void;
  label: string;
};

export function JournalGrid({ grid, active, onActive, label }: Props) {
  const { t, locale } = useI18n();
  const info = useAppInfo();
  const scroller = useRef<HTMLDivElement>(null);
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

  // Keep the active cell in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const x = LEFT_W + active.col * COL_W;
    const y = HEAD_H + active.row * ROW_H;
    if (x < el.scrollLeft + LEFT_W) el.scrollLeft = x - LEFT_W;
    else if (x + COL_W > el.scrollLeft + el.clientWidth) el.scrollLeft = x + COL_W - el.clientWidth;
    if (y < el.scrollTop + HEAD_H) el.scrollTop = y - HEAD_H;
    else if (y + ROW_H > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_H - el.clientHeight;
  }, [active]);

  const firstRow = Math.max(0, Math.floor(view.top / ROW_H) - OVERSCAN);
  const lastRow = Math.min(rows - 1, Math.ceil((view.top + view.height - HEAD_H) / ROW_H) + OVERSCAN);
  const firstCol = Math.max(0, Math.floor(view.left / COL_W) - OVERSCAN);
  const lastCol = Math.min(cols - 1, Math.ceil((view.left + view.width - LEFT_W) / COL_W) + OVERSCAN);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    let { row, col } = active;
    const page = Math.max(1, Math.floor((view.height - HEAD_H) / ROW_H) - 1);
    switch (e.key) {
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
    onActive({ row: Math.max(0, Math.min(rows - 1, row)), col: Math.max(0, Math.min(cols - 1, col)) });
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
        className={`gh${off ? ' off' : ''}${future ? ' future' : ''}${c === active.col ? ' act' : ''}${!off && !future && l.completedAt === null ? ' owed' : ''}`}
        style={{ left: LEFT_W + c * COL_W, width: COL_W }}
        title={`${l.topic ?? l.planTopic ?? ''}${l.conductedBy ? ` — ${l.conductedBy.name}` : ''}`}
        data-lesson={l.id}
        onMouseDown={() => onActive({ row: active.row, col: c })}
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
      const text = m ? cellText(m, t) : '';
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
          aria-selected={r === active.row && c === active.col}
          className={`gc${kind}${off ? ' off' : ''}${l.locked ? ' locked' : ''}${r === active.row && c === active.col ? ' act' : ''}`}
          style={{ top: r * ROW_H, left: LEFT_W + c * COL_W, width: COL_W, height: ROW_H }}
          data-student={s.id}
          data-lesson={l.id}
          onMouseDown={() => onActive({ row: r, col: c })}
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
