import type { LessonKind, LessonOrigin, LessonStatus } from './journal';
import {
  addDays,
  bishkekDate,
  endOfBishkekDay,
  formatIsoWeek,
  isIsoDate,
  isoWeekday,
  isoWeekOf,
  isoWeekRange,
  type IsoDate,
} from './time';

/**
 * The weekly control of journal filling (regulation §3.5 "1 раз в 1 неделю", §4.3, §5.3, §6.2;
 * DOMAIN.md, Filled). Pure: everything — the lessons' facts, the check time — comes in as arguments,
 * so the desktop, the CLI, the SQL fast path's tests and the gateway apply one rule.
 */

/** What the rule needs to know of one lesson row. */
export type ControlLesson = {
  id: number;
  offeringId: number;
  date: IsoDate;
  pair: number;
  /** The instant the lesson's pair begins (its date and the bell schedule, Asia/Bishkek). */
  startsAt: number;
  status: LessonStatus;
  origin: LessonOrigin;
  kind: LessonKind;
  topic: string | null;
  /** When the lesson first became complete (kept when a mark is removed later); null if never. */
  completedAt: number | null;
  /** The offering's teacher. */
  teacherId: number;
  /** The substitute of a substitution in force for this lesson, if any. */
  substituteId: number | null;
  /** The offering's teacher was registered absent for this lesson (day or pair). */
  teacherAbsent: boolean;
  /** The date is a non-teaching day of the university calendar. */
  nonTeachingDay: boolean;
  /** Students of the group or subgroup enrolled on the lesson's date. */
  members: readonly number[];
  /** Students with an attendance mark for this lesson (anyone; only members count). */
  marked: ReadonlySet<number>;
};

/** Why a lesson row is not due (DOMAIN.md's edge-case table). */
export const NOT_DUE_REASONS = [
  'not_begun',
  'cancelled',
  'moved',
  'self_study',
  'non_teaching_day',
  'no_students',
] as const;
export type NotDueReason = (typeof NOT_DUE_REASONS)[number];

export const FILL_STATES = ['on_time', 'late', 'missing'] as const;
/** A due lesson is filled on time, filled late, or missing (still incomplete at the check time). */
export type FillState = (typeof FILL_STATES)[number];

/** What the figures need of a verdict: due or why not, the state, whose, and an absence flag. */
export type FigureVerdict =
  | { due: false; reason: NotDueReason }
  | {
      due: true;
      state: FillState;
      /** Who owes the journal: the substitute for a substituted lesson, else the offering's teacher. */
      responsibleId: number;
      /** The teacher was absent and nobody was assigned: still due, flagged (DOMAIN.md). */
      uncovered: boolean;
    };

export type LessonVerdict =
  | { due: false; reason: NotDueReason }
  | (Extract<FigureVerdict, { due: true }> & {
      /** What is missing now: the topic, and the members without an attendance mark. */
      missingTopic: boolean;
      missingStudents: number[];
    });

/** A lesson with counts instead of lists: members on its date, and how many of them are marked. */
export type CountedLesson = Omit<ControlLesson, 'members' | 'marked'> & {
  memberCount: number;
  markedCount: number;
};

/**
 * The rule on counts (the SQL fast path's input): the same decisions as `judgeLesson`, which is this
 * function applied to the counts of its lists.
 */
export function judgeCounts(l: CountedLesson, now: number): FigureVerdict {
  if (l.status === 'cancelled') return { due: false, reason: 'cancelled' };
  if (l.status === 'moved') return { due: false, reason: 'moved' };
  if (l.kind === 'self_study') return { due: false, reason: 'self_study' };
  if (l.startsAt > now) return { due: false, reason: 'not_begun' };
  if (l.nonTeachingDay && l.origin === 'timetable') return { due: false, reason: 'non_teaching_day' };
  if (l.memberCount === 0) return { due: false, reason: 'no_students' };
  const topicSet = l.topic !== null && l.topic.trim() !== '';
  const complete = topicSet && l.markedCount >= l.memberCount;
  let state: FillState;
  if (!complete || (l.completedAt !== null && l.completedAt > now)) state = 'missing';
  else if (l.completedAt !== null && l.completedAt < endOfBishkekDay(l.date)) state = 'on_time';
  else state = 'late';
  return {
    due: true,
    state,
    responsibleId: l.substituteId ?? l.teacherId,
    uncovered: l.substituteId === null && l.teacherAbsent,
  };
}

/**
 * Judge one lesson at the check time `now` (DOMAIN.md, Due lessons and Filled):
 * - not due when its pair has not begun, when cancelled or moved away (the moved-to row is due on its
 *   own date), for self-study offerings, for a timetable lesson on a non-teaching day, and when no
 *   student was enrolled that day (a data problem the report lists);
 * - filled when the topic is set and every member has an attendance mark; on time when it first became
 *   complete before the end of the lesson's day in Asia/Bishkek (§4.3 "в день проведения занятия"),
 *   late when after; missing when incomplete now, or complete only after the check time. A complete
 *   lesson with no recorded completion time cannot be shown to be on time: late.
 */
export function judgeLesson(l: ControlLesson, now: number): LessonVerdict {
  const members = new Set(l.members);
  let markedCount = 0;
  for (const s of members) if (l.marked.has(s)) markedCount++;
  const v = judgeCounts({ ...l, memberCount: members.size, markedCount }, now);
  if (!v.due) return v;
  return {
    ...v,
    missingTopic: l.topic === null || l.topic.trim() === '',
    missingStudents: [...members].filter((s) => !l.marked.has(s)),
  };
}

/** The figures of a unit for a period. Rates are shares 0…1, null when nothing was due. */
export type ControlFigures = {
  due: number;
  filled: number;
  onTime: number;
  late: number;
  missing: number;
  uncovered: number;
  fillRate: number | null;
  timeliness: number | null;
};

export function emptyFigures(): ControlFigures {
  return {
    due: 0,
    filled: 0,
    onTime: 0,
    late: 0,
    missing: 0,
    uncovered: 0,
    fillRate: null,
    timeliness: null,
  };
}

/** Add one verdict to running figures (rates are set by `finishFigures`). */
export function addVerdict(f: ControlFigures, v: FigureVerdict): void {
  if (!v.due) return;
  f.due++;
  if (v.state === 'on_time') {
    f.onTime++;
    f.filled++;
  } else if (v.state === 'late') {
    f.late++;
    f.filled++;
  } else f.missing++;
  if (v.uncovered) f.uncovered++;
}

/** Fill rate = filled / due; timeliness = on time / due (DOMAIN.md). */
export function finishFigures(f: ControlFigures): ControlFigures {
  f.fillRate = f.due ? f.filled / f.due : null;
  f.timeliness = f.due ? f.onTime / f.due : null;
  return f;
}

/** Figures of a set of verdicts. */
export function tally(verdicts: Iterable<FigureVerdict>): ControlFigures {
  const f = emptyFigures();
  for (const v of verdicts) addVerdict(f, v);
  return finishFigures(f);
}

/** The units the control reports on (DOMAIN.md, Fill rate). */
export const CONTROL_UNITS = ['faculty', 'department', 'teacher', 'group', 'offering'] as const;
export type ControlUnitKind = (typeof CONTROL_UNITS)[number];

/** Where a lesson belongs, for grouping: its offering's faculty (by group), department and group. */
export type LessonPlace = { facultyId: number; departmentId: number; groupId: number; offeringId: number };

/** The id of the unit of `kind` a judged lesson counts for (teacher: the responsible person). */
export function unitOf(kind: ControlUnitKind, place: LessonPlace, v: FigureVerdict & { due: true }): number {
  switch (kind) {
    case 'faculty':
      return place.facultyId;
    case 'department':
      return place.departmentId;
    case 'teacher':
      return v.responsibleId;
    case 'group':
      return place.groupId;
    case 'offering':
      return place.offeringId;
  }
}

/** Figures per unit id of one kind. */
export function figuresBy(
  kind: ControlUnitKind,
  judged: Iterable<{ place: LessonPlace; verdict: FigureVerdict }>,
): Map<number, ControlFigures> {
  const out = new Map<number, ControlFigures>();
  for (const { place, verdict } of judged) {
    if (!verdict.due) continue;
    const id = unitOf(kind, place, verdict);
    let f = out.get(id);
    if (!f) out.set(id, (f = emptyFigures()));
    addVerdict(f, verdict);
  }
  for (const f of out.values()) finishFigures(f);
  return out;
}

/** A period of the control: dates from–to, both included, as a week or a range. */
export type ControlPeriod = { from: IsoDate; to: IsoDate; week: string | null };

export type PeriodProblem = 'malformed' | 'reversed' | 'future' | 'too_long';

/** The longest period a control report covers (a whole academic year and a bit). */
export const MAX_PERIOD_DAYS = 400;

/**
 * The last full ISO week before `today` (Monday–Sunday, ended): the control's default period. On a
 * Sunday the current week has not ended yet, so it is the week before.
 */
export function lastFullWeek(today: IsoDate): ControlPeriod {
  const monday = addDays(today, 1 - isoWeekday(today));
  const from = addDays(monday, -7);
  return { from, to: addDays(from, 6), week: formatIsoWeek(isoWeekOf(from)) };
}

/** The ISO weeks just before a period's first day, oldest first (for the trend). */
export function previousWeeks(period: ControlPeriod, count: number): ControlPeriod[] {
  const monday = addDays(period.from, 1 - isoWeekday(period.from));
  const out: ControlPeriod[] = [];
  for (let i = count; i >= 1; i--) {
    const from = addDays(monday, -7 * i);
    out.push({ from, to: addDays(from, 6), week: formatIsoWeek(isoWeekOf(from)) });
  }
  return out;
}

/**
 * A period from what a person typed: an ISO week ('2026-W47') or a date range; or what is wrong with
 * it. A period that starts after `today` is in the future (nothing can be due); one that ends after
 * today is fine — lessons not yet begun are simply not due.
 */
export function parsePeriod(
  input: { week?: string | null; from?: string | null; to?: string | null },
  today: IsoDate,
): { ok: true; period: ControlPeriod } | { ok: false; problem: PeriodProblem } {
  let period: ControlPeriod;
  if (input.week) {
    const r = isoWeekRange(input.week);
    if (!r) return { ok: false, problem: 'malformed' };
    period = { ...r, week: input.week };
  } else if (input.from && input.to) {
    if (!isIsoDate(input.from) || !isIsoDate(input.to)) return { ok: false, problem: 'malformed' };
    period = { from: input.from, to: input.to, week: null };
  } else {
    return { ok: true, period: lastFullWeek(today) };
  }
  if (period.from > period.to) return { ok: false, problem: 'reversed' };
  if (period.from > today) return { ok: false, problem: 'future' };
  if (Date.parse(period.to) - Date.parse(period.from) > MAX_PERIOD_DAYS * 86_400_000)
    return { ok: false, problem: 'too_long' };
  return { ok: true, period };
}

/** The check's date today in Asia/Bishkek. */
export function controlToday(now: number): IsoDate {
  return bishkekDate(now);
}

/**
 * Trend of a unit: its fill rate this period against the previous weeks' (oldest first), and the
 * change against the mean of those that had anything due; null when there is nothing to compare.
 */
export function trendOf(
  current: number | null,
  previous: ReadonlyArray<number | null>,
): { change: number | null; previous: Array<number | null> } {
  const known = previous.filter((x): x is number => x !== null);
  const change =
    current === null || known.length === 0 ? null : current - known.reduce((a, b) => a + b, 0) / known.length;
  return { change, previous: [...previous] };
}
