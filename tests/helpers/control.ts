import type Database from 'better-sqlite3';
import { judgeLesson, type ControlLesson } from '../../src-shared/domain/control';
import { bishkekInstant } from '../../src-shared/domain/time';

/**
 * The weekly control's reference: lessons of a faculty in a period, each fact read row by row straight
 * from the replica file and judged by the pure rule — what the API, the screen and the exports must
 * equal.
 */
export function referenceVerdicts(
  sql: Database.Database,
  facultyId: number,
  from: string,
  to: string,
  now: number,
) {
  const lessons = sql
    .prepare(
      `SELECT l.id, l.offering_id o, l.date, l.pair, l.status, l.origin, l.topic, l.completed_at c,
         o.lesson_kind kind, o.teacher_id t, o.group_id g, o.subgroup_id sg, o.department_id d, b.starts_at s
       FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN groups gr ON gr.id = o.group_id
       JOIN bell_pairs b ON b.number = l.pair
       WHERE gr.faculty_id = ? AND l.date BETWEEN ? AND ?`,
    )
    .all(facultyId, from, to) as Array<{
    id: number;
    o: number;
    date: string;
    pair: number;
    status: 'scheduled';
    origin: 'timetable';
    topic: string | null;
    c: number | null;
    kind: 'lecture';
    t: number;
    g: number;
    sg: number | null;
    d: number;
    s: string;
  }>;
  return lessons.map((l) => {
    const members = (
      l.sg === null
        ? sql
            .prepare(
              'SELECT student_id s FROM enrolments WHERE group_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)',
            )
            .all(l.g, l.date, l.date)
        : sql
            .prepare(
              'SELECT student_id s FROM subgroup_members WHERE subgroup_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)',
            )
            .all(l.sg, l.date, l.date)
    ).map((r) => (r as { s: number }).s);
    const marked = new Set(
      sql
        .prepare('SELECT student_id s FROM marks WHERE lesson_id = ?')
        .all(l.id)
        .map((r) => (r as { s: number }).s),
    );
    const sub = sql
      .prepare(
        'SELECT substitute_teacher_id s FROM substitutions WHERE lesson_id = ? AND cancelled_at IS NULL ORDER BY assigned_at DESC LIMIT 1',
      )
      .get(l.id) as { s: number } | undefined;
    const absent = sql
      .prepare(
        `SELECT 1 FROM absences WHERE teacher_id = ? AND ? BETWEEN starts_on AND ends_on
         AND (pairs IS NULL OR EXISTS (SELECT 1 FROM json_each(pairs) WHERE value = ?))`,
      )
      .get(l.t, l.date, l.pair);
    const holiday = sql
      .prepare("SELECT 1 FROM calendar_days WHERE date = ? AND kind IN ('holiday', 'non_teaching')")
      .get(l.date);
    const lesson: ControlLesson = {
      id: l.id,
      offeringId: l.o,
      date: l.date,
      pair: l.pair,
      startsAt: bishkekInstant(l.date, l.s),
      status: l.status,
      origin: l.origin,
      kind: l.kind,
      topic: l.topic,
      completedAt: l.c,
      teacherId: l.t,
      substituteId: sub?.s ?? null,
      teacherAbsent: absent !== undefined,
      nonTeachingDay: holiday !== undefined,
      members,
      marked,
    };
    return { lesson, departmentId: l.d, verdict: judgeLesson(lesson, now) };
  });
}
