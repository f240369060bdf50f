import { describe, expect, it } from 'vitest';
import { bishkekInstant } from './time';
import { isLessonComplete, lessonEditRefusal, type LessonEditFacts } from './edit-rights';

const lesson: LessonEditFacts = {
  id: 10,
  date: '2026-11-23',
  status: 'scheduled',
  beginsAt: bishkekInstant('2026-11-23', '09:30'),
  offeringTeacherId: 1,
  substituteTeacherId: null,
};
const now = bishkekInstant('2026-11-26', '13:30');

describe('who may edit a lesson', () => {
  it('is the offering’s teacher, or only the substitute of a covered lesson', () => {
    expect(lessonEditRefusal(1, lesson, null, null, [], now)).toBeNull();
    expect(lessonEditRefusal(2, lesson, null, null, [], now)).toBe('not_responsible');
    expect(lessonEditRefusal(null, lesson, null, null, [], now)).toBe('not_responsible');
    const covered = { ...lesson, substituteTeacherId: 2 };
    expect(lessonEditRefusal(2, covered, 5, null, [], now)).toBeNull();
    expect(lessonEditRefusal(1, covered, 5, null, [], now)).toBe('not_responsible');
  });

  it('refuses cancelled, future and locked lessons', () => {
    expect(lessonEditRefusal(1, { ...lesson, status: 'cancelled' }, null, null, [], now)).toBe('not_held');
    expect(lessonEditRefusal(1, { ...lesson, beginsAt: now + 1 }, null, null, [], now)).toBe('not_begun');
    const lock = { closedOn: '2026-11-24', closedAt: bishkekInstant('2026-11-24', '16:00') };
    expect(lessonEditRefusal(1, lesson, 5, lock, [], now)).toBe('locked');
    const unlock = { lessonId: 10, studentId: null, grantedAt: now - 1000, expiresAt: now + 1000 };
    expect(lessonEditRefusal(1, lesson, 5, lock, [unlock], now)).toBeNull();
  });
});

describe('a complete lesson', () => {
  it('needs a topic and every enrolled student’s attendance', () => {
    expect(isLessonComplete('Тема 1', [1, 2], new Set([1, 2]))).toBe(true);
    expect(isLessonComplete('Тема 1', [1, 2], new Set([1]))).toBe(false);
    expect(isLessonComplete(null, [1, 2], new Set([1, 2]))).toBe(false);
    expect(isLessonComplete('  ', [1], new Set([1]))).toBe(false);
    expect(isLessonComplete('Тема 1', [], new Set())).toBe(false);
  });
});
