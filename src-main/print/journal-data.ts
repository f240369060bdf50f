import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { canonicalLines, verificationCode, type PrintedJournal } from '../../src-shared/domain/print';
import { ACADEMIC_HOURS_PER_LESSON } from '../../src-shared/domain/substitutions';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { journalGrid } from '../db/journal.repo';
import type { Db } from '../db/open';

/**
 * The printed journal of one offering, read from the replica: what the paper will show, in the
 * language asked for. Lessons are the held ones (not cancelled or moved away), in date order.
 */
export function printedJournal(
  db: Db,
  offeringId: number,
  now: number,
  locale: Locale,
): PrintedJournal | null {
  const grid = journalGrid(db, offeringId, undefined, now);
  if (!grid) return null;
  const o = grid.offering;
  const t = (k: MessageKey) => translate(locale, k);
  const facts = db.get<{
    fRu: string;
    fKy: string;
    year: string;
    head: string | null;
  }>(sql`SELECT f.name_ru AS fRu, f.name_ky AS fKy, y.name AS year,
      (SELECT u.display_name FROM user_roles r JOIN users u ON u.id = r.user_id
        WHERE r.role = 'departmentHead' AND r.scope_kind = 'department' AND r.scope_id = o.department_id
        ORDER BY u.id LIMIT 1) AS head
    FROM offerings o JOIN groups g ON g.id = o.group_id JOIN faculties f ON f.id = g.faculty_id
    JOIN semesters s ON s.id = o.semester_id JOIN academic_years y ON y.id = s.academic_year_id
    WHERE o.id = ${offeringId}`);
  const results = db.all<{
    studentId: number;
    kind: string;
    ordinal: number;
    grade: number | null;
    points: number | null;
    passed: number | null;
    outcome: string | null;
  }>(sql`SELECT student_id AS studentId, kind, ordinal, grade, points, passed, outcome FROM assessments
    WHERE offering_id = ${offeringId} AND kind IN ('intermediate', 'exam') ORDER BY kind DESC, ordinal`);
  const students = new Set(grid.students.map((s) => s.id));
  const lessons = grid.lessons.filter((l) => l.status === 'scheduled');
  const held = new Set(lessons.map((l) => l.id));
  return {
    offeringId,
    subgroup: o.subgroup?.name ?? null,
    university: t('doc.university'),
    faculty: locale === 'ky' ? (facts?.fKy ?? '') : (facts?.fRu ?? ''),
    department: o.department[locale],
    group: o.group.code,
    discipline: o.discipline[locale],
    kind: t(`kind.${o.kind}`),
    teacher: o.teacher.name,
    head: facts?.head ?? '',
    dean: '',
    semester: String(o.semester.number),
    year: facts?.year ?? '',
    plannedHours: o.plannedHours,
    students: grid.students.map((s) => ({ id: s.id, name: s.name, recordBookNo: s.recordBookNo })),
    lessons: lessons.map((l) => ({
      id: l.id,
      date: l.date,
      pair: l.pair,
      topic: l.topic ?? '',
      hours: ACADEMIC_HOURS_PER_LESSON,
      conductedBy: l.conductedBy?.name ?? '',
      substitute: l.substitute !== null,
    })),
    marks: grid.marks
      .filter((m) => held.has(m.lessonId))
      .map((m) => ({
        lessonId: m.lessonId,
        studentId: m.studentId,
        attendance: m.attendance,
        grade: m.grade,
      })),
    results: results
      .filter((r) => students.has(r.studentId))
      .map((r) => ({
        studentId: r.studentId,
        kind: r.kind,
        text:
          r.outcome !== null
            ? t(`result.${r.outcome}` as MessageKey)
            : r.grade !== null
              ? String(r.grade)
              : r.points !== null
                ? String(r.points)
                : r.passed !== null
                  ? t(r.passed ? 'result.passed' : 'result.failed')
                  : '',
      })),
  };
}

/** The digest of a journal's canonical text in a language, and its verification code. */
export function journalCode(j: PrintedJournal, locale: Locale): { code: string; lines: string[] } {
  const lines = [`locale|${locale}`, ...canonicalLines(j)];
  const digest = createHash('sha256').update(lines.join('\n')).digest();
  return { code: verificationCode(digest), lines };
}
