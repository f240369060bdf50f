import { sql } from 'drizzle-orm';
import type { HistoryEntry } from '../../src-shared/contract/journal.contract';
import type { Attendance, Grade } from '../../src-shared/domain/journal';
import type { Db } from './open';

/**
 * The history of one journal cell, read from the local audit log (every edit of this replica goes
 * through the one write path, which audits whole rows): a mark is audited as table `marks` with the key
 * `{"lesson_id":L,"student_id":S}`, a topic as table `lessons` with the key `{"id":L}` — the key objects
 * `journal.setMarks` and `journal.setTopic` hand to `writeLocal`, serialized by `JSON.stringify`.
 */

type AuditRow = {
  at: number;
  who: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
  pending: number;
  refused: number;
};

type MarkRow = { attendance: Attendance; grade: Grade | null };
type Value = HistoryEntry['old'];

function auditRows(db: Db, entity: string, key: string): AuditRow[] {
  return db.all<AuditRow>(sql`
    SELECT a.at, u.display_name AS who, a.old_value AS oldValue, a.new_value AS newValue, a.reason,
      EXISTS (SELECT 1 FROM outbox o WHERE o.mutation_id = a.mutation_id AND o.acked_seq IS NULL) AS pending,
      EXISTS (SELECT 1 FROM sync_conflicts c WHERE c.mutation_id = a.mutation_id) AS refused
    FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
    WHERE a.entity = ${entity} AND a.entity_key = ${key}
    ORDER BY a.id`);
}

/** Entries whose value changed (a row written again with the same value, or a completion time, is no change). */
function entries(rows: AuditRow[], valueOf: (row: string | null) => Value): HistoryEntry[] {
  return rows.flatMap((r) => {
    const old = valueOf(r.oldValue);
    const now = valueOf(r.newValue);
    if (JSON.stringify(old) === JSON.stringify(now)) return [];
    return [
      {
        at: r.at,
        who: r.who,
        old,
        new: now,
        reason: r.reason,
        pending: r.pending === 1,
        refused: r.refused === 1,
      },
    ];
  });
}

/** Changes of a student's mark at a lesson, oldest first. */
export function markHistory(db: Db, lessonId: number, studentId: number): HistoryEntry[] {
  const key = JSON.stringify({ lesson_id: lessonId, student_id: studentId });
  return entries(auditRows(db, 'marks', key), (text) => {
    if (text === null) return null;
    const row = JSON.parse(text) as MarkRow;
    return { attendance: row.attendance, grade: row.grade };
  });
}

/** Changes of a lesson's topic, oldest first (other changes of the lesson row are left out). */
export function topicHistory(db: Db, lessonId: number): HistoryEntry[] {
  const key = JSON.stringify({ id: lessonId });
  return entries(auditRows(db, 'lessons', key), (text) =>
    text === null ? null : ((JSON.parse(text) as { topic: string | null }).topic ?? null),
  );
}
