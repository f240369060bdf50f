import { isLocked, type LockFacts, type UnlockFacts } from './locks';
import type { LessonStatus } from './journal';
import type { IsoDate } from './time';

/** What decides whether a teacher may change a lesson's topic or a student's mark at it. */
export type LessonEditFacts = {
  id: number;
  date: IsoDate;
  status: LessonStatus;
  /** The instant the lesson's pair begins. */
  beginsAt: number;
  offeringTeacherId: number;
  /** The assigned substitute, if the lesson is covered (§3.4). */
  substituteTeacherId: number | null;
};

export const EDIT_REFUSALS = ['not_responsible', 'not_held', 'not_begun', 'locked'] as const;
export type EditRefusal = (typeof EDIT_REFUSALS)[number];

/**
 * Why a teacher may not edit a lesson (or one student's cell of it, with `studentId`), or null when
 * they may. The responsible teacher is the substitute of a covered lesson, else the offering's
 * teacher (§3.4, §4.3); a lesson can be filled once it has begun, unless it was cancelled or moved;
 * locked data stays locked (DOMAIN.md, Locks).
 */
export function lessonEditRefusal(
  teacherId: number | null,
  lesson: LessonEditFacts,
  studentId: number | null,
  lock: LockFacts | null,
  unlocks: readonly UnlockFacts[],
  now: number,
): EditRefusal | null {
  const responsible = lesson.substituteTeacherId ?? lesson.offeringTeacherId;
  if (teacherId === null || teacherId !== responsible) return 'not_responsible';
  if (lesson.status !== 'scheduled') return 'not_held';
  if (lesson.beginsAt > now) return 'not_begun';
  if (isLocked(lesson, studentId, lock, unlocks, now)) return 'locked';
  return null;
}

/**
 * A lesson is complete when its topic is set and every student enrolled that day has attendance
 * (DOMAIN.md, Filled). A lesson with nobody enrolled is never complete (it is a data problem).
 */
export function isLessonComplete(
  topic: string | null,
  members: readonly number[],
  marked: ReadonlySet<number>,
): boolean {
  return topic !== null && topic.trim() !== '' && members.length > 0 && members.every((s) => marked.has(s));
}
