import { ABSENCE_REASONS, type AbsenceReason } from './journal';
import type { IsoDate } from './time';

/**
 * Substitutions (regulation §3.4): which lessons a teacher's absence affects, who may cover each one
 * and in what order to offer them, and why a proposed cover is refused. Pure: the lessons, absences
 * and assignments of the day come in as arguments.
 */

/** A registered absence: whole days from–to, or only the listed pairs of those days. */
export type AbsenceSpan = {
  id: string;
  teacherId: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  pairs: readonly number[] | null;
};

/** A lesson at a date and pair, and whose it is by the timetable (the offering's teacher). */
export type SlotLesson = {
  lessonId: number;
  teacherId: number;
  date: IsoDate;
  pair: number;
  status: 'scheduled' | 'cancelled' | 'moved';
};

/** A substitution in force (not cancelled). */
export type ActiveSubstitution = { lessonId: number; substituteId: number; date: IsoDate; pair: number };

/** Whether an absence covers a date and pair. */
export function absenceCovers(a: AbsenceSpan, date: IsoDate, pair: number): boolean {
  return a.startsOn <= date && date <= a.endsOn && (a.pairs === null || a.pairs.includes(pair));
}

/** The lessons an absence affects: the absent teacher's scheduled lessons it covers, by date and pair. */
export function affectedLessons<L extends SlotLesson>(absence: AbsenceSpan, lessons: readonly L[]): L[] {
  return lessons
    .filter(
      (l) =>
        l.teacherId === absence.teacherId &&
        l.status === 'scheduled' &&
        absenceCovers(absence, l.date, l.pair),
    )
    .sort((a, b) => (a.date === b.date ? a.pair - b.pair : a.date < b.date ? -1 : 1));
}

/** Why a teacher cannot cover a lesson; each names what it clashes with. */
export type Clash =
  | { kind: 'same_teacher' }
  | { kind: 'not_in_absence' }
  | { kind: 'own_lesson'; lessonId: number }
  | { kind: 'other_substitution'; lessonId: number }
  | { kind: 'absent'; absenceId: string };

/** What the clash check needs to know of the lesson's day. */
export type DayFacts = {
  /** Every scheduled lesson of that date, whoever teaches it (the timetable as rows). */
  lessons: readonly SlotLesson[];
  substitutions: readonly ActiveSubstitution[];
  absences: readonly AbsenceSpan[];
};

/**
 * The clashes of covering `lesson` (of the absence `absence`) by teacher `candidateId`: the absent
 * teacher themself, a lesson the absence does not cover, the candidate's own lesson at that date and
 * pair (the rows already reflect odd and even weeks), another substitution at that pair, or the
 * candidate's own absence. Empty: free.
 */
export function coverClashes(
  candidateId: number,
  lesson: SlotLesson,
  absence: AbsenceSpan,
  day: DayFacts,
): Clash[] {
  const out: Clash[] = [];
  if (candidateId === absence.teacherId || candidateId === lesson.teacherId)
    out.push({ kind: 'same_teacher' });
  if (lesson.teacherId !== absence.teacherId || !absenceCovers(absence, lesson.date, lesson.pair))
    out.push({ kind: 'not_in_absence' });
  const own = day.lessons.find(
    (l) =>
      l.teacherId === candidateId &&
      l.status === 'scheduled' &&
      l.date === lesson.date &&
      l.pair === lesson.pair &&
      l.lessonId !== lesson.lessonId,
  );
  if (own) out.push({ kind: 'own_lesson', lessonId: own.lessonId });
  const other = day.substitutions.find(
    (s) =>
      s.substituteId === candidateId &&
      s.date === lesson.date &&
      s.pair === lesson.pair &&
      s.lessonId !== lesson.lessonId,
  );
  if (other) out.push({ kind: 'other_substitution', lessonId: other.lessonId });
  const away = day.absences.find(
    (a) => a.teacherId === candidateId && absenceCovers(a, lesson.date, lesson.pair),
  );
  if (away) out.push({ kind: 'absent', absenceId: away.id });
  return out;
}

/** What ranking knows of a possible substitute. */
export type CandidateFacts = {
  teacherId: number;
  departmentIds: readonly number[];
  /** Disciplines and groups they teach this year (their own offerings). */
  disciplineIds: readonly number[];
  groupIds: readonly number[];
  /** Lessons they already cover this month. */
  coversThisMonth: number;
};

export type RankReason =
  | { kind: 'same_department' }
  | { kind: 'taught_discipline' }
  | { kind: 'taught_group' }
  | { kind: 'covers_this_month'; count: number };

export type RankedCandidate = {
  teacherId: number;
  free: boolean;
  clashes: Clash[];
  reasons: RankReason[];
};

/**
 * Candidates for one lesson, best first, each with the reasons for its place: free ones first (no own
 * lesson, no other substitution, not absent), then the same department as the lesson's offering, then
 * who teaches this discipline or this group, then who covers fewest lessons this month.
 */
export function rankCandidates(
  lesson: SlotLesson & { departmentId: number; disciplineId: number; groupId: number },
  absence: AbsenceSpan,
  candidates: readonly CandidateFacts[],
  day: DayFacts,
): RankedCandidate[] {
  const scored = candidates
    .filter((c) => c.teacherId !== absence.teacherId && c.teacherId !== lesson.teacherId)
    .map((c) => {
      const clashes = coverClashes(c.teacherId, lesson, absence, day);
      const sameDepartment = c.departmentIds.includes(lesson.departmentId);
      const discipline = c.disciplineIds.includes(lesson.disciplineId);
      const group = c.groupIds.includes(lesson.groupId);
      const reasons: RankReason[] = [
        ...(sameDepartment ? [{ kind: 'same_department' } as const] : []),
        ...(discipline ? [{ kind: 'taught_discipline' } as const] : []),
        ...(group ? [{ kind: 'taught_group' } as const] : []),
        { kind: 'covers_this_month', count: c.coversThisMonth },
      ];
      const key = [
        clashes.length === 0 ? 0 : 1,
        sameDepartment ? 0 : 1,
        discipline || group ? 0 : 1,
        c.coversThisMonth,
        c.teacherId,
      ];
      return { ranked: { teacherId: c.teacherId, free: clashes.length === 0, clashes, reasons }, key };
    });
  scored.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const d = (a.key[i] ?? 0) - (b.key[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
  return scored.map((s) => s.ranked);
}

/** A lesson is one pair, two academic hours (DOMAIN.md, Time units). */
export const ACADEMIC_HOURS_PER_LESSON = 2;

/** One lesson an absence made the teacher miss, and its substitute if it was covered. */
export type MissedLesson = {
  lessonId: number;
  absentTeacherId: number;
  reason: AbsenceReason;
  substituteId: number | null;
};

export type CoverTotals = {
  substitutes: Array<{
    teacherId: number;
    lessons: number;
    hours: number;
    byReason: Map<AbsenceReason, number>;
  }>;
  absent: Array<{
    teacherId: number;
    reason: AbsenceReason;
    missed: number;
    covered: number;
    uncovered: number;
    hoursCovered: number;
  }>;
  byReason: Array<{ reason: AbsenceReason; missed: number; covered: number; hours: number }>;
  total: { missed: number; covered: number; hours: number };
};

/**
 * The month's cover figures (for the timesheet): per substitute the lessons and academic hours covered,
 * per absent teacher and reason the lessons missed, covered and not, and the same by reason. Each
 * lesson counts once (the first absence that covers it, if two overlap).
 */
export function coverTotals(missed: readonly MissedLesson[]): CoverTotals {
  const seen = new Set<number>();
  const subs = new Map<number, CoverTotals['substitutes'][number]>();
  const absent = new Map<string, CoverTotals['absent'][number]>();
  const reasons = new Map<AbsenceReason, CoverTotals['byReason'][number]>();
  const total = { missed: 0, covered: 0, hours: 0 };
  for (const m of missed) {
    if (seen.has(m.lessonId)) continue;
    seen.add(m.lessonId);
    const covered = m.substituteId !== null;
    const hours = covered ? ACADEMIC_HOURS_PER_LESSON : 0;
    const key = `${m.absentTeacherId}|${m.reason}`;
    const a = absent.get(key) ?? {
      teacherId: m.absentTeacherId,
      reason: m.reason,
      missed: 0,
      covered: 0,
      uncovered: 0,
      hoursCovered: 0,
    };
    a.missed++;
    if (covered) a.covered++;
    else a.uncovered++;
    a.hoursCovered += hours;
    absent.set(key, a);
    const r = reasons.get(m.reason) ?? { reason: m.reason, missed: 0, covered: 0, hours: 0 };
    r.missed++;
    if (covered) r.covered++;
    r.hours += hours;
    reasons.set(m.reason, r);
    total.missed++;
    if (covered) total.covered++;
    total.hours += hours;
    if (m.substituteId !== null) {
      const s = subs.get(m.substituteId) ?? {
        teacherId: m.substituteId,
        lessons: 0,
        hours: 0,
        byReason: new Map<AbsenceReason, number>(),
      };
      s.lessons++;
      s.hours += hours;
      s.byReason.set(m.reason, (s.byReason.get(m.reason) ?? 0) + 1);
      subs.set(m.substituteId, s);
    }
  }
  return {
    substitutes: [...subs.values()],
    absent: [...absent.values()],
    byReason: ABSENCE_REASONS.flatMap((r) => {
      const x = reasons.get(r);
      return x ? [x] : [];
    }),
    total,
  };
}
