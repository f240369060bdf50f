import type { IsoDate } from './time';

/** An offering's closing (§4.3): lessons dated on or before `closedOn` are frozen. */
export type LockFacts = { closedOn: IsoDate; closedAt: number };
/** A time-limited unlock of one lesson, one student, or (both null) the whole offering. */
export type UnlockFacts = {
  lessonId: number | null;
  studentId: number | null;
  grantedAt: number;
  expiresAt: number;
};

/**
 * Is one cell (a lesson, or a lesson × student) frozen at `at`? Locked when the offering was closed at
 * or before `at`, the lesson is dated on or before the closing date, and no unlock covering the cell is
 * in force at `at` (DOMAIN.md, Locks). With `studentId` null the question is about the lesson row
 * itself (topic), which only a lesson-wide or offering-wide unlock opens.
 */
export function isLocked(
  lesson: { id: number; date: IsoDate },
  studentId: number | null,
  lock: LockFacts | null,
  unlocks: readonly UnlockFacts[],
  at: number,
): boolean {
  if (!lock || lock.closedAt > at || lesson.date > lock.closedOn) return false;
  return !unlocks.some(
    (u) =>
      u.grantedAt <= at &&
      at < u.expiresAt &&
      (u.lessonId === null || u.lessonId === lesson.id) &&
      (u.studentId === null || (studentId !== null && u.studentId === studentId)),
  );
}

export type CloseRefusal = 'not_yours' | 'already_closed' | 'no_students' | 'results_missing';

/**
 * May a teacher close an offering's intermediate assessment (§4.3)? Only the offering's own teacher,
 * once, and only when every student of the group (or subgroup) on the closing day has a result.
 */
export function closeRefusal(
  teacherId: number | null,
  offeringTeacherId: number,
  members: readonly number[],
  withResult: ReadonlySet<number>,
  alreadyLocked: boolean,
): CloseRefusal | null {
  if (teacherId === null || teacherId !== offeringTeacherId) return 'not_yours';
  if (alreadyLocked) return 'already_closed';
  if (members.length === 0) return 'no_students';
  if (members.some((s) => !withResult.has(s))) return 'results_missing';
  return null;
}

/** The longest time-limited unlock the deanery may grant, in days. */
export const UNLOCK_MAX_DAYS = 14;
