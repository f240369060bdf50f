import { describe, expect, it } from 'vitest';
import {
  figuresBy,
  judgeLesson,
  lastFullWeek,
  parsePeriod,
  previousWeeks,
  tally,
  trendOf,
  type ControlLesson,
  type LessonPlace,
} from './control';
import { bishkekInstant } from './time';
import { membersOn, slotDates, type Membership } from './timetable';

/**
 * The weekly control's rules on small hand-built fixtures (DOMAIN.md, Due lessons, Filled and its
 * edge-case table). The semester starts on Monday 2026-09-07 (week 1, odd).
 */
const SEMESTER = '2026-09-07';
const NOW = bishkekInstant('2026-11-26', '13:30');

/** A due-looking lecture of teacher 7 for students 1–3, topic set, everyone marked, done that day. */
function lesson(over: Partial<ControlLesson> = {}): ControlLesson {
  const date = over.date ?? '2026-11-16';
  return {
    id: 1,
    offeringId: 10,
    date,
    pair: 1,
    startsAt: bishkekInstant(date, '08:00'),
    status: 'scheduled',
    origin: 'timetable',
    kind: 'lecture',
    topic: 'Тема 1',
    completedAt: bishkekInstant(date, '10:00'),
    teacherId: 7,
    substituteId: null,
    teacherAbsent: false,
    nonTeachingDay: false,
    members: [1, 2, 3],
    marked: new Set([1, 2, 3]),
    ...over,
  };
}

describe('due lessons from the timetable', () => {
  it('odd and even weeks: week 1 of the semester is odd', () => {
    const range = { startsOn: SEMESTER, endsOn: '2026-10-04' };
    expect(slotDates({ weekday: 3, parity: 'odd', ...range }, SEMESTER, new Set())).toEqual([
      '2026-09-09',
      '2026-09-23',
    ]);
    expect(slotDates({ weekday: 3, parity: 'even', ...range }, SEMESTER, new Set())).toEqual([
      '2026-09-16',
      '2026-09-30',
    ]);
    expect(slotDates({ weekday: 3, parity: 'all', ...range }, SEMESTER, new Set())).toHaveLength(4);
  });

  it('a slot gives no lesson on a holiday, nor outside its date range', () => {
    // A Monday the university declared non-teaching.
    const holidays = new Set(['2026-11-09']);
    const dates = slotDates(
      { weekday: 1, parity: 'all', startsOn: '2026-11-02', endsOn: '2026-11-20' },
      SEMESTER,
      holidays,
    );
    expect(dates).toEqual(['2026-11-02', '2026-11-16']);
  });

  it('a timetable lesson left on a non-teaching day is not due; an extra one added that day is', () => {
    expect(judgeLesson(lesson({ nonTeachingDay: true }), NOW)).toEqual({
      due: false,
      reason: 'non_teaching_day',
    });
    expect(judgeLesson(lesson({ nonTeachingDay: true, origin: 'extra' }), NOW).due).toBe(true);
  });

  it('cancelled and moved lessons are not due on their date; the moved-to lesson is due on its own', () => {
    expect(judgeLesson(lesson({ status: 'cancelled', topic: null, marked: new Set() }), NOW)).toEqual({
      due: false,
      reason: 'cancelled',
    });
    expect(judgeLesson(lesson({ status: 'moved' }), NOW)).toEqual({ due: false, reason: 'moved' });
    const movedTo = judgeLesson(
      lesson({ origin: 'moved', date: '2026-11-18', completedAt: null, topic: null }),
      NOW,
    );
    expect(movedTo).toMatchObject({ due: true, state: 'missing', missingTopic: true });
  });

  it('a lesson today whose pair has not begun is not due; once begun it is', () => {
    const today = lesson({
      date: '2026-11-26',
      startsAt: bishkekInstant('2026-11-26', '14:30'),
      topic: null,
      completedAt: null,
      marked: new Set(),
    });
    expect(judgeLesson(today, NOW)).toEqual({ due: false, reason: 'not_begun' });
    expect(judgeLesson({ ...today, startsAt: bishkekInstant('2026-11-26', '11:40') }, NOW)).toMatchObject({
      due: true,
      state: 'missing',
    });
  });

  it('self-study offerings and lessons with nobody enrolled are not due', () => {
    expect(judgeLesson(lesson({ kind: 'self_study' }), NOW)).toEqual({ due: false, reason: 'self_study' });
    expect(judgeLesson(lesson({ members: [] }), NOW)).toEqual({ due: false, reason: 'no_students' });
  });
});

describe('filled, on time, late, missing', () => {
  it('completed at 23:59 on the lesson day is on time; at 00:01 the next day, late (Asia/Bishkek)', () => {
    const at2359 = bishkekInstant('2026-11-16', '23:59');
    const at0001 = bishkekInstant('2026-11-17', '00:01');
    expect(judgeLesson(lesson({ completedAt: at2359 }), NOW)).toMatchObject({ due: true, state: 'on_time' });
    expect(judgeLesson(lesson({ completedAt: at0001 }), NOW)).toMatchObject({ due: true, state: 'late' });
    // 23:59 in Bishkek is 17:59 UTC the same day; 00:01 is 18:01 UTC the day before in UTC terms.
    expect(new Date(at0001).toISOString()).toBe('2026-11-16T18:01:00.000Z');
  });

  it('a lesson with its topic but one mark missing is missing, and says whose', () => {
    const v = judgeLesson(lesson({ marked: new Set([1, 3]), completedAt: null }), NOW);
    expect(v).toEqual({
      due: true,
      state: 'missing',
      responsibleId: 7,
      uncovered: false,
      missingTopic: false,
      missingStudents: [2],
    });
  });

  it('a mark removed after completion: missing again (the first completion time is kept for later)', () => {
    const v = judgeLesson(lesson({ marked: new Set([1, 2]) }), NOW);
    expect(v).toMatchObject({ due: true, state: 'missing', missingStudents: [3] });
  });

  it('a blank topic is no topic', () => {
    expect(judgeLesson(lesson({ topic: '  ', completedAt: null }), NOW)).toMatchObject({
      state: 'missing',
      missingTopic: true,
      missingStudents: [],
    });
  });

  it('complete with no recorded completion time cannot be shown on time: late', () => {
    expect(judgeLesson(lesson({ completedAt: null }), NOW)).toMatchObject({ state: 'late' });
  });

  it('completed only after the check time is missing at that time', () => {
    expect(judgeLesson(lesson({ completedAt: NOW + 1 }), NOW)).toMatchObject({ state: 'missing' });
  });
});

describe('who is counted', () => {
  it('subgroup lessons count only that subgroup’s students', () => {
    // Group of students 1–4; subgroup A = 1, 2. Students 3 and 4 have no mark and do not matter.
    const subgroupA: Membership[] = [
      { studentId: 1, from: SEMESTER, to: null },
      { studentId: 2, from: SEMESTER, to: null },
    ];
    const v = judgeLesson(
      lesson({ members: membersOn(subgroupA, '2026-11-16'), marked: new Set([1, 2]) }),
      NOW,
    );
    expect(v).toMatchObject({ due: true, state: 'on_time' });
  });

  it('a student who joins mid-week counts only from their first day', () => {
    const group: Membership[] = [
      { studentId: 1, from: SEMESTER, to: null },
      { studentId: 2, from: SEMESTER, to: '2026-11-17' }, // transferred out on Tuesday
      { studentId: 3, from: '2026-11-18', to: null }, // joined on Wednesday
    ];
    expect(membersOn(group, '2026-11-16')).toEqual([1, 2]);
    expect(membersOn(group, '2026-11-18')).toEqual([1, 3]);
    const monday = judgeLesson(
      lesson({ members: membersOn(group, '2026-11-16'), marked: new Set([1, 2]) }),
      NOW,
    );
    expect(monday).toMatchObject({ state: 'on_time' });
    const thursday = lesson({
      date: '2026-11-19',
      startsAt: bishkekInstant('2026-11-19', '08:00'),
      completedAt: null,
      members: membersOn(group, '2026-11-19'),
      marked: new Set([1, 2]), // a mark for the student who left does not make up for the newcomer
    });
    expect(judgeLesson(thursday, NOW)).toMatchObject({ state: 'missing', missingStudents: [3] });
  });

  it('a substituted lesson is owed by the substitute; an absence with nobody assigned is flagged', () => {
    const covered = judgeLesson(
      lesson({ substituteId: 9, teacherAbsent: true, completedAt: null, topic: null }),
      NOW,
    );
    expect(covered).toMatchObject({ due: true, responsibleId: 9, uncovered: false, state: 'missing' });
    const uncovered = judgeLesson(lesson({ teacherAbsent: true, completedAt: null, topic: null }), NOW);
    expect(uncovered).toMatchObject({ due: true, responsibleId: 7, uncovered: true });
  });

  it('a substitute assigned after the lesson’s day: still judged by the lesson’s day', () => {
    const v = judgeLesson(
      lesson({ substituteId: 9, completedAt: bishkekInstant('2026-11-18', '09:00') }),
      NOW,
    );
    expect(v).toMatchObject({ responsibleId: 9, state: 'late' });
  });
});

describe('figures', () => {
  const place = (o: Partial<LessonPlace> = {}): LessonPlace => ({
    facultyId: 1,
    departmentId: 2,
    groupId: 3,
    offeringId: 10,
    ...o,
  });

  it('fill rate = filled / due, timeliness = on time / due, per unit; a covered lesson counts for the substitute', () => {
    const judged = [
      { place: place(), verdict: judgeLesson(lesson(), NOW) }, // on time, teacher 7
      { place: place(), verdict: judgeLesson(lesson({ completedAt: null }), NOW) }, // late, 7
      { place: place(), verdict: judgeLesson(lesson({ topic: null, completedAt: null }), NOW) }, // missing, 7
      { place: place({ departmentId: 5 }), verdict: judgeLesson(lesson({ substituteId: 9 }), NOW) }, // on time, 9
      { place: place(), verdict: judgeLesson(lesson({ status: 'cancelled' }), NOW) }, // not due
    ];
    const all = tally(judged.map((j) => j.verdict));
    expect(all).toEqual({
      due: 4,
      filled: 3,
      onTime: 2,
      late: 1,
      missing: 1,
      uncovered: 0,
      fillRate: 0.75,
      timeliness: 0.5,
    });
    const byTeacher = figuresBy('teacher', judged);
    expect(byTeacher.get(7)).toMatchObject({ due: 3, filled: 2, onTime: 1, missing: 1 });
    expect(byTeacher.get(9)).toMatchObject({ due: 1, onTime: 1, fillRate: 1 });
    expect([...figuresBy('department', judged).keys()].sort()).toEqual([2, 5]);
    expect(tally([])).toMatchObject({ due: 0, fillRate: null, timeliness: null });
  });

  it('trend against the previous weeks', () => {
    expect(trendOf(0.9, [0.7, null, 0.8])).toEqual({ change: 0.9 - 0.75, previous: [0.7, null, 0.8] });
    expect(trendOf(null, [0.5]).change).toBeNull();
    expect(trendOf(0.5, [null, null]).change).toBeNull();
  });
});

describe('periods', () => {
  it('the default is the last full ISO week (on a Sunday, still the week before)', () => {
    expect(lastFullWeek('2026-11-26')).toEqual({ from: '2026-11-16', to: '2026-11-22', week: '2026-W47' });
    expect(lastFullWeek('2026-11-29')).toEqual({ from: '2026-11-16', to: '2026-11-22', week: '2026-W47' });
    expect(lastFullWeek('2026-11-30')).toEqual({ from: '2026-11-23', to: '2026-11-29', week: '2026-W48' });
    expect(lastFullWeek('2027-01-06').week).toBe('2026-W53');
  });

  it('parses weeks and ranges, and says what is wrong with a bad one', () => {
    const today = '2026-11-26';
    expect(parsePeriod({ week: '2026-W47' }, today)).toEqual({
      ok: true,
      period: { from: '2026-11-16', to: '2026-11-22', week: '2026-W47' },
    });
    expect(parsePeriod({}, today)).toEqual({ ok: true, period: lastFullWeek(today) });
    expect(parsePeriod({ week: '2026-W48' }, today).ok).toBe(true); // this week, partly to come
    expect(parsePeriod({ week: '2026-W49' }, today)).toEqual({ ok: false, problem: 'future' });
    expect(parsePeriod({ week: '2026-47' }, today)).toEqual({ ok: false, problem: 'malformed' });
    expect(parsePeriod({ week: '2026-W54' }, today)).toEqual({ ok: false, problem: 'malformed' });
    expect(parsePeriod({ from: '2026-11-20', to: '2026-11-10' }, today)).toEqual({
      ok: false,
      problem: 'reversed',
    });
    expect(parsePeriod({ from: '2026-02-30', to: '2026-03-10' }, today)).toEqual({
      ok: false,
      problem: 'malformed',
    });
    expect(parsePeriod({ from: '2024-01-01', to: '2026-11-01' }, today)).toEqual({
      ok: false,
      problem: 'too_long',
    });
  });

  it('previous weeks for the trend, oldest first', () => {
    expect(previousWeeks({ from: '2026-11-16', to: '2026-11-22', week: '2026-W47' }, 2)).toEqual([
      { from: '2026-11-02', to: '2026-11-08', week: '2026-W45' },
      { from: '2026-11-09', to: '2026-11-15', week: '2026-W46' },
    ]);
  });
});
