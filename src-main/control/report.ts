import type { ControlLessonRow, ControlReport } from '../../src-shared/contract/control.contract';
import { AppError } from '../../src-shared/contract/errors';
import {
  controlToday,
  addVerdict,
  emptyFigures,
  finishFigures,
  type ControlFigures,
  judgeLesson,
  MAX_PERIOD_DAYS,
  NOT_DUE_REASONS,
  parsePeriod,
  previousWeeks,
  trendOf,
  type ControlPeriod,
  type ControlUnitKind,
  type LessonVerdict,
  type NotDueReason,
} from '../../src-shared/domain/control';
import { isoWeekday } from '../../src-shared/domain/time';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import type { Viewer } from '../db/access';
import {
  controlFigureCounts,
  controlLessons,
  offeringLabels,
  studentNames,
  unitExists,
  unitNames,
  unitVisible,
  type FigureCount,
  type JudgeableLesson,
  type UnitFilter,
} from '../db/control.repo';
import type { Db } from '../db/open';

/**
 * The weekly control as the desktop, web mode, the CLI and the exports compute it: the pure rules of
 * src-shared/domain/control.ts over the lessons the repository reads, limited to the viewer's scope.
 */

/** How many previous weeks the trend compares with. */
export const TREND_WEEKS = 4;

export type PeriodInput = { week?: string; from?: string; to?: string };

/** The period asked for, or an error that says what is wrong with it in the caller's language. */
export function resolvePeriod(input: PeriodInput, now: number, locale: Locale): ControlPeriod {
  if ((input.from === undefined) !== (input.to === undefined))
    throw new AppError(
      'PERIOD_INVALID',
      { reason: translate(locale, 'period.incomplete') },
      input.from === undefined ? 'from' : 'to',
    );
  const r = parsePeriod(input, controlToday(now));
  if (r.ok) return r.period;
  if (r.problem === 'future') {
    const p = input.week ? parsePeriod({ week: input.week }, '9999-12-31') : null;
    const from = p?.ok ? p.period.from : (input.from ?? '');
    const to = p?.ok ? p.period.to : (input.to ?? '');
    throw new AppError('PERIOD_FUTURE', { from, to }, input.week ? 'week' : 'from');
  }
  throw new AppError(
    'PERIOD_INVALID',
    { reason: translate(locale, `period.${r.problem}`, { days: MAX_PERIOD_DAYS }) },
    input.week ? 'week' : 'from',
  );
}

/** Check each `within` unit: it must exist, and the viewer must see something of it. */
function checkUnits(db: Db, v: Viewer, within: readonly UnitFilter[], locale: Locale): void {
  for (const [i, u] of within.entries()) {
    if (!unitExists(db, u))
      throw new AppError(
        'UNIT_UNKNOWN',
        { unit: translate(locale, `unit.${u.kind}`), id: u.id },
        `within.${i}.id`,
      );
    if (!unitVisible(db, v, u)) throw new AppError('SCOPE_FORBIDDEN', {}, `within.${i}.id`);
  }
}

type Judged = { place: JudgeableLesson['place']; verdict: LessonVerdict; item: JudgeableLesson };

function judgeAll(items: readonly JudgeableLesson[], now: number): Judged[] {
  return items.map((item) => ({ place: item.place, verdict: judgeLesson(item.lesson, now), item }));
}

function withNames(db: Db, within: readonly UnitFilter[]): ControlReport['within'] {
  return within.map((u) => ({ ...u, name: unitNames(db, u.kind, [u.id]).get(u.id) ?? { ru: '?', ky: '?' } }));
}

/**
 * Figures of a period per unit of `by`, with a trend against the previous weeks (DOMAIN.md: fill rate
 * and timeliness per teacher, department, group, faculty). Rows are sorted by fill rate, lowest first:
 * the deanery looks at who owes most.
 */
export function controlReport(
  db: Db,
  v: Viewer,
  input: PeriodInput & { within: readonly UnitFilter[]; by: ControlUnitKind },
  now: number,
  locale: Locale,
): ControlReport {
  const period = resolvePeriod(input, now, locale);
  checkUnits(db, v, input.within, locale);
  const weeks = previousWeeks(period, TREND_WEEKS);
  // The fast path: the rule applied in SQL to the cached per-lesson rows, counted per unit and period.
  const counts = controlFigureCounts(db, v, [period, ...weeks], input.within, input.by, now);
  const current = figuresFromCounts(counts, 0);
  const rowsNow = current.byUnit;
  const before = weeks.map((_, i) => figuresFromCounts(counts, i + 1).byUnit);
  const notDue = current.notDue;
  const names = unitNames(db, input.by, [...rowsNow.keys()]);
  const rows = [...rowsNow.entries()]
    .map(([id, figures]) => ({
      kind: input.by,
      id,
      name: names.get(id) ?? { ru: `#${id}`, ky: `#${id}` },
      figures,
      trend: trendOf(
        figures.fillRate,
        before.map((b) => b.get(id)?.fillRate ?? null),
      ),
    }))
    .sort(
      (a, b) =>
        (a.figures.fillRate ?? 2) - (b.figures.fillRate ?? 2) ||
        b.figures.missing - a.figures.missing ||
        a.name.ru.localeCompare(b.name.ru, 'ru'),
    );
  return {
    period,
    checkedAt: now,
    trendWeeks: weeks.map((w) => w.week ?? w.from),
    within: withNames(db, input.within),
    by: input.by,
    total: current.total,
    rows,
    notDue,
  };
}

/** The due lessons of a period inside `within`, with what each is missing (owed ones only, by default). */
export function controlLessonList(
  db: Db,
  v: Viewer,
  input: PeriodInput & { within: readonly UnitFilter[]; onlyOwed: boolean },
  now: number,
  locale: Locale,
): { period: ControlPeriod; within: ControlReport['within']; lessons: ControlLessonRow[] } {
  const period = resolvePeriod(input, now, locale);
  checkUnits(db, v, input.within, locale);
  const judged = judgeAll(controlLessons(db, v, period.from, period.to, input.within), now).filter(
    (j) => j.verdict.due && (!input.onlyOwed || j.verdict.state !== 'on_time'),
  );
  const students = studentNames(
    db,
    judged.flatMap((j) => (j.verdict.due ? j.verdict.missingStudents : [])),
  );
  const teachers = unitNames(
    db,
    'teacher',
    judged.map((j) => (j.verdict.due ? j.verdict.responsibleId : 0)),
  );
  const offerings = offeringLabels(
    db,
    judged.map((j) => j.item.lesson.offeringId),
  );
  const lessons: ControlLessonRow[] = [];
  for (const j of judged) {
    const vd = j.verdict;
    if (!vd.due) continue;
    const o = offerings.get(j.item.lesson.offeringId);
    lessons.push({
      lessonId: j.item.lesson.id,
      offeringId: j.item.lesson.offeringId,
      date: j.item.lesson.date,
      pair: j.item.lesson.pair,
      group: o ? (o.subgroup ? `${o.group}, ${o.subgroup}` : o.group) : '?',
      discipline: o?.discipline ?? { ru: '?', ky: '?' },
      kind: j.item.lesson.kind,
      responsible: { id: vd.responsibleId, name: teachers.get(vd.responsibleId)?.ru ?? '?' },
      substituted: j.item.lesson.substituteId !== null,
      uncovered: vd.uncovered,
      state: vd.state,
      completedAt: j.item.lesson.completedAt,
      missingTopic: vd.missingTopic,
      missingStudents: vd.missingStudents.map((id) => ({ id, name: students.get(id) ?? '?' })),
      members: j.item.lesson.members.length,
    });
  }
  return { period, within: withNames(db, input.within), lessons };
}

/** A department's teachers × ISO weekdays: each teacher's figures on each day of the week. */
export function controlHeatmap(
  db: Db,
  v: Viewer,
  input: PeriodInput & { departmentId: number },
  now: number,
  locale: Locale,
) {
  const period = resolvePeriod(input, now, locale);
  const unit = { kind: 'department' as const, id: input.departmentId };
  checkUnits(db, v, [unit], locale);
  const judged = judgeAll(controlLessons(db, v, period.from, period.to, [unit]), now);
  const cells = new Map<number, ControlFigures[]>();
  for (const j of judged) {
    if (!j.verdict.due) continue;
    let days = cells.get(j.verdict.responsibleId);
    if (!days) cells.set(j.verdict.responsibleId, (days = Array.from({ length: 7 }, emptyFigures)));
    const day = days[isoWeekday(j.item.lesson.date) - 1];
    if (day) addVerdict(day, j.verdict);
  }
  const names = unitNames(db, 'teacher', [...cells.keys()]);
  const teachers = [...cells.entries()]
    .map(([id, days]) => {
      days.forEach(finishFigures);
      const total = emptyFigures();
      for (const d of days)
        for (const k of ['due', 'filled', 'onTime', 'late', 'missing', 'uncovered'] as const)
          total[k] += d[k];
      return { id, name: names.get(id)?.ru ?? `#${id}`, days, total: finishFigures(total) };
    })
    .sort((a, b) => (a.total.fillRate ?? 2) - (b.total.fillRate ?? 2) || a.name.localeCompare(b.name, 'ru'));
  return { period, department: withNames(db, [unit])[0] ?? { ...unit, name: { ru: '', ky: '' } }, teachers };
}

/** Figures per unit, the total and the not-due counts of one period from the SQL counts. */
export function figuresFromCounts(
  counts: readonly FigureCount[],
  bucket: number,
): { byUnit: Map<number, ControlFigures>; total: ControlFigures; notDue: Record<NotDueReason, number> } {
  const byUnit = new Map<number, ControlFigures>();
  const total = emptyFigures();
  const notDue = Object.fromEntries(NOT_DUE_REASONS.map((r) => [r, 0])) as Record<NotDueReason, number>;
  for (const c of counts) {
    if (c.bucket !== bucket) continue;
    if (c.state.startsWith('nd:')) {
      const reason = c.state.slice(3) as NotDueReason;
      notDue[reason] += c.n;
      continue;
    }
    let f = byUnit.get(c.unitId);
    if (!f) byUnit.set(c.unitId, (f = emptyFigures()));
    for (const x of [f, total]) {
      x.due += c.n;
      if (c.state === 'on_time') {
        x.onTime += c.n;
        x.filled += c.n;
      } else if (c.state === 'late') {
        x.late += c.n;
        x.filled += c.n;
      } else x.missing += c.n;
      if (c.uncovered) x.uncovered += c.n;
    }
  }
  for (const f of byUnit.values()) finishFigures(f);
  return { byUnit, total: finishFigures(total), notDue };
}
