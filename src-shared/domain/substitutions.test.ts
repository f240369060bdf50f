import { describe, expect, it } from 'vitest';
import {
  ACADEMIC_HOURS_PER_LESSON,
  affectedLessons,
  coverClashes,
  coverTotals,
  rankCandidates,
  type AbsenceSpan,
  type MissedLesson,
  type CandidateFacts,
  type DayFacts,
  type SlotLesson,
} from './substitutions';
import { slotDates } from './timetable';

/**
 * Substitution rules on hand-built fixtures (issue 5, Must show): every clash — an own lesson at the
 * same pair in odd and even weeks, another substitution, an absent candidate, a lesson outside the
 * absence — and the ranking with its reasons. The semester starts on Monday 2026-09-07 (week 1, odd).
 */
const SEMESTER = '2026-09-07';
const ABSENT = 7;
const absence: AbsenceSpan = {
  id: 'abs-1',
  teacherId: ABSENT,
  startsOn: '2026-11-16',
  endsOn: '2026-11-25',
  pairs: null,
};

/** Teacher 7's lessons: Mondays and Wednesdays at pair 2 in the two weeks around the absence. */
const own: SlotLesson[] = ['2026-11-16', '2026-11-18', '2026-11-23', '2026-11-25', '2026-11-30'].map(
  (date, i) => ({ lessonId: 100 + i, teacherId: ABSENT, date, pair: 2, status: 'scheduled' }),
);

/** Candidate 8 teaches on Mondays at pair 2 in odd weeks only (a числитель slot). */
const oddMondays: SlotLesson[] = slotDates(
  { weekday: 1, parity: 'odd', startsOn: SEMESTER, endsOn: '2026-12-31' },
  SEMESTER,
  new Set(),
).map((date, i) => ({ lessonId: 800 + i, teacherId: 8, date, pair: 2, status: 'scheduled' }));

const day = (over: Partial<DayFacts> = {}): DayFacts => ({
  lessons: [...own, ...oddMondays],
  substitutions: [],
  absences: [absence],
  ...over,
});

describe('affected lessons', () => {
  it('are the absent teacher’s scheduled lessons inside the absence, by date and pair', () => {
    expect(affectedLessons(absence, own).map((l) => l.lessonId)).toEqual([100, 101, 102, 103]);
    const someP: AbsenceSpan = { ...absence, pairs: [3] };
    expect(affectedLessons(someP, own)).toEqual([]);
    const cancelled = own.map((l, i) => (i === 0 ? { ...l, status: 'cancelled' as const } : l));
    expect(affectedLessons(absence, cancelled).map((l) => l.lessonId)).toEqual([101, 102, 103]);
  });
});

describe('clashes', () => {
  it('an own lesson at the same pair clashes in an odd week and not in the even one', () => {
    // 2026-11-16 is in week 11 (odd), 2026-11-23 in week 12 (even).
    const odd = own[0];
    const even = own[2];
    const clash = coverClashes(8, odd, absence, day());
    expect(clash).toEqual([
      { kind: 'own_lesson', lessonId: oddMondays.find((l) => l.date === odd.date)?.lessonId },
    ]);
    expect(coverClashes(8, even, absence, day())).toEqual([]);
  });

  it('another substitution at the same date and pair clashes', () => {
    const l = own[1];
    const busy = day({ substitutions: [{ lessonId: 555, substituteId: 9, date: l.date, pair: l.pair }] });
    expect(coverClashes(9, l, absence, busy)).toEqual([{ kind: 'other_substitution', lessonId: 555 }]);
    // The same lesson's own assignment is not a clash with itself (changing a cover).
    const mine = day({
      substitutions: [{ lessonId: l.lessonId, substituteId: 9, date: l.date, pair: l.pair }],
    });
    expect(coverClashes(9, l, absence, mine)).toEqual([]);
  });

  it('an absent candidate clashes — a whole-day absence, or one of the very pair', () => {
    const l = own[1];
    const ill: AbsenceSpan = { id: 'abs-9', teacherId: 9, startsOn: l.date, endsOn: l.date, pairs: null };
    expect(coverClashes(9, l, absence, day({ absences: [absence, ill] }))).toEqual([
      { kind: 'absent', absenceId: 'abs-9' },
    ]);
    const otherPair = { ...ill, pairs: [4] };
    expect(coverClashes(9, l, absence, day({ absences: [absence, otherPair] }))).toEqual([]);
    expect(coverClashes(9, l, absence, day({ absences: [absence, { ...ill, pairs: [2] }] }))).toEqual([
      { kind: 'absent', absenceId: 'abs-9' },
    ]);
  });

  it('a lesson outside the absence, or the absent teacher themself, is refused', () => {
    const after = own[4]; // 30 November, after the absence
    expect(coverClashes(9, after, absence, day())).toEqual([{ kind: 'not_in_absence' }]);
    const someone: SlotLesson = {
      lessonId: 999,
      teacherId: 12,
      date: '2026-11-18',
      pair: 2,
      status: 'scheduled',
    };
    expect(coverClashes(9, someone, absence, day())).toEqual([{ kind: 'not_in_absence' }]);
    expect(coverClashes(ABSENT, own[0], absence, day())).toContainEqual({
      kind: 'same_teacher',
    });
  });
});

describe('ranking', () => {
  const lesson = { ...own[0], departmentId: 3, disciplineId: 40, groupId: 50 };
  const c = (teacherId: number, over: Partial<CandidateFacts> = {}): CandidateFacts => ({
    teacherId,
    departmentIds: [4],
    disciplineIds: [],
    groupIds: [],
    coversThisMonth: 0,
    ...over,
  });

  it('free first, then the same department, then who teaches the discipline or group, then fewest covers', () => {
    const ranked = rankCandidates(
      lesson,
      absence,
      [
        c(8, { departmentIds: [3], disciplineIds: [40] }), // same department but busy (odd Monday)
        c(20, { coversThisMonth: 0 }),
        c(21, { departmentIds: [3], coversThisMonth: 5 }),
        c(22, { departmentIds: [3], groupIds: [50], coversThisMonth: 6 }),
        c(23, { departmentIds: [3], coversThisMonth: 1 }),
        c(ABSENT, { departmentIds: [3] }),
      ],
      day(),
    );
    expect(ranked.map((r) => r.teacherId)).toEqual([22, 23, 21, 20, 8]);
    expect(ranked[0]).toEqual({
      teacherId: 22,
      free: true,
      clashes: [],
      reasons: [
        { kind: 'same_department' },
        { kind: 'taught_group' },
        { kind: 'covers_this_month', count: 6 },
      ],
    });
    expect(ranked.at(-1)).toMatchObject({ teacherId: 8, free: false, clashes: [{ kind: 'own_lesson' }] });
  });
});

describe('coverTotals (the cover report)', () => {
  // By hand: teacher 1 ill (lessons 11, 12, 13; 11 and 12 covered by 5, 13 not), teacher 2 on a
  // business trip (lessons 21, 22 covered by 5 and 6), teacher 1 again in training (lesson 14 by 6).
  // Lesson 12 appears twice (two overlapping absences): it counts once.
  const missed: MissedLesson[] = [
    { lessonId: 11, absentTeacherId: 1, reason: 'illness', substituteId: 5 },
    { lessonId: 12, absentTeacherId: 1, reason: 'illness', substituteId: 5 },
    { lessonId: 13, absentTeacherId: 1, reason: 'illness', substituteId: null },
    { lessonId: 21, absentTeacherId: 2, reason: 'business_trip', substituteId: 5 },
    { lessonId: 22, absentTeacherId: 2, reason: 'business_trip', substituteId: 6 },
    { lessonId: 14, absentTeacherId: 1, reason: 'training', substituteId: 6 },
    { lessonId: 12, absentTeacherId: 1, reason: 'training', substituteId: 5 },
  ];
  const r = coverTotals(missed);

  it('counts the hours of the covered lessons: two academic hours each', () => {
    expect(ACADEMIC_HOURS_PER_LESSON).toBe(2);
    // Covered: 11, 12, 21 (by 5) and 22, 14 (by 6) = 5 lessons = 10 hours.
    expect(r.total).toEqual({ missed: 6, covered: 5, hours: 10 });
    expect(r.substitutes.map((s) => [s.teacherId, s.lessons, s.hours])).toEqual([
      [5, 3, 6],
      [6, 2, 4],
    ]);
    expect(r.substitutes.reduce((s, x) => s + x.hours, 0)).toBe(r.total.hours);
    expect([...(r.substitutes[0]?.byReason ?? [])]).toEqual([
      ['illness', 2],
      ['business_trip', 1],
    ]);
  });

  it('splits the absent teachers by reason, covered or not', () => {
    expect(r.absent).toEqual([
      { teacherId: 1, reason: 'illness', missed: 3, covered: 2, uncovered: 1, hoursCovered: 4 },
      { teacherId: 2, reason: 'business_trip', missed: 2, covered: 2, uncovered: 0, hoursCovered: 4 },
      { teacherId: 1, reason: 'training', missed: 1, covered: 1, uncovered: 0, hoursCovered: 2 },
    ]);
    expect(r.byReason).toEqual([
      { reason: 'illness', missed: 3, covered: 2, hours: 4 },
      { reason: 'business_trip', missed: 2, covered: 2, hours: 4 },
      { reason: 'training', missed: 1, covered: 1, hours: 2 },
    ]);
  });
});
