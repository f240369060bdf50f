import { sql } from 'drizzle-orm';
import type { LessonEditFacts } from '../../src-shared/domain/edit-rights';
import type { LockFacts, UnlockFacts } from '../../src-shared/domain/locks';
import type { Attendance, Grade, LessonStatus } from '../../src-shared/domain/journal';
import { bishkekInstant, type IsoDate } from '../../src-shared/domain/time';
import type { Db } from './open';

/** Everything an edit of one lesson needs to know, read in one place. */
export type LessonEditContext = {
  facts: LessonEditFacts;
  offeringId: number;
  topic: string | null;
  completedAt: number | null;
  conductedBy: number | null;
  rowVersion: number;
  lock: LockFacts | null;
  unlocks: UnlockFacts[];
  /** Students of the lesson's group or subgroup on its date (DOMAIN.md, Filled). */
  members: number[];
  marks: Map<number, { attendance: Attendance; grade: Grade | null; rowVersion: number }>;
};

export function lessonEditContext(db: Db, lessonId: number): LessonEditContext | null {
  const l = db.get<{
    id: number;
    offeringId: number;
    date: IsoDate;
    pair: number;
    status: LessonStatus;
    topic: string | null;
    completedAt: number | null;
    conductedBy: number | null;
    rowVersion: number;
    teacherId: number;
    groupId: number;
    subgroupId: number | null;
    startsAt: string | null;
    substituteId: number | null;
  }>(sql`SELECT l.id, l.offering_id AS offeringId, l.date, l.pair, l.status, l.topic, l.completed_at AS completedAt,
      l.conducted_by AS conductedBy, l.row_version AS rowVersion, o.teacher_id AS teacherId, o.group_id AS groupId,
      o.subgroup_id AS subgroupId, b.starts_at AS startsAt,
      (SELECT s.substitute_teacher_id FROM substitutions s WHERE s.lesson_id = l.id AND s.cancelled_at IS NULL
         ORDER BY s.assigned_at DESC LIMIT 1) AS substituteId
    FROM lessons l JOIN offerings o ON o.id = l.offering_id LEFT JOIN bell_pairs b ON b.number = l.pair
    WHERE l.id = ${lessonId}`);
  if (!l) return null;
  const lock =
    db.get<LockFacts>(
      sql`SELECT closed_on AS closedOn, closed_at AS closedAt FROM locks WHERE offering_id = ${l.offeringId}`,
    ) ?? null;
  const unlocks =
    db.all<UnlockFacts>(sql`SELECT lesson_id AS lessonId, student_id AS studentId, granted_at AS grantedAt,
    expires_at AS expiresAt FROM unlocks WHERE offering_id = ${l.offeringId}`);
  const members = (
    l.subgroupId !== null
      ? db.all<{
          id: number;
        }>(sql`SELECT student_id AS id FROM subgroup_members WHERE subgroup_id = ${l.subgroupId}
          AND starts_on <= ${l.date} AND (ends_on IS NULL OR ends_on >= ${l.date})`)
      : db.all<{ id: number }>(sql`SELECT student_id AS id FROM enrolments WHERE group_id = ${l.groupId}
          AND starts_on <= ${l.date} AND (ends_on IS NULL OR ends_on >= ${l.date})`)
  ).map((r) => r.id);
  const marks = new Map(
    db
      .all<{ studentId: number; attendance: Attendance; grade: Grade | null; rowVersion: number }>(
        sql`SELECT student_id AS studentId, attendance, grade, row_version AS rowVersion FROM marks WHERE lesson_id = ${lessonId}`,
      )
      .map(
        (m) => [m.studentId, { attendance: m.attendance, grade: m.grade, rowVersion: m.rowVersion }] as const,
      ),
  );
  return {
    facts: {
      id: l.id,
      date: l.date,
      status: l.status,
      beginsAt: bishkekInstant(l.date, l.startsAt ?? '00:00'),
      offeringTeacherId: l.teacherId,
      substituteTeacherId: l.substituteId,
    },
    offeringId: l.offeringId,
    topic: l.topic,
    completedAt: l.completedAt,
    conductedBy: l.conductedBy,
    rowVersion: l.rowVersion,
    lock,
    unlocks,
    members,
    marks,
  };
}
