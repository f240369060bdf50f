import { describe, expect, it } from 'vitest';
import {
  affectedLessons,
  coverClashes,
  rankCandidates,
  type AbsenceSpan,
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
