import { getTableColumns } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/contract/errors';
import type { ArchivePeriod, ArchiveUnit } from '../../src-shared/contract/archive.contract';
import { SYNCED_TABLES } from '../../src-shared/sync/tables';
import { translate } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { auditLog } from '../db/schema';
import { semesterToPrint, unitOfferingsWhere } from '../print/batch';
import { replicaColumns } from '../sync/rows';

/**
 * What an archive package of a unit and period holds (issue 7): every record of the unit's offerings of
 * the period — lessons, marks, topics, assessments, locks, unlocks, substitutions, the paper register —
 * with the groups, students and enrolments they need, the absences behind the substitutions, the weekly
 * checks of the period, the replica's audit log of those records, and the university's reference data
 * (faculties, departments, teachers, disciplines, rooms, bells, staff accounts without password hashes),
 * so that the package alone opens as a replica. The archive and purge registers are not records of the
 * period and stay out.
 *
 * Every selection is closed under itself: run on a replica opened from the package it selects the same
 * rows, so packaging an opened package again gives the same data files byte for byte.
 */

export type ResolvedScope = {
  unit: ArchiveUnit;
  period: ArchivePeriod;
  academicYearId: number;
  academicYear: string;
  /** The period's first and last day. */
  from: string;
  to: string;
  semesterIds: number[];
  offeringIds: number[];
  unitName: { ru: string; ky: string };
  periodName: string;
  /** The unit's faculty and department, for the role rule (canArchive). */
  target: { faculty: number | null; department: number | null };
};

/** The faculty and department of a unit (null where none), or null when the unit does not exist. */
export function unitFacts(
  db: Db,
  unit: ArchiveUnit,
): { target: ResolvedScope['target']; name: { ru: string; ky: string } } | null {
  if (unit.kind === 'university')
    return unit.id === null
      ? {
          target: { faculty: null, department: null },
          name: { ru: translate('ru', 'retention.university'), ky: translate('ky', 'retention.university') },
        }
      : null;
  if (unit.id === null) return null;
  if (unit.kind === 'faculty') {
    const f = db.get<{ ru: string; ky: string }>(
      sql`SELECT name_ru AS ru, name_ky AS ky FROM faculties WHERE id = ${unit.id}`,
    );
    return f ? { target: { faculty: unit.id, department: null }, name: f } : null;
  }
  if (unit.kind === 'department') {
    const d = db.get<{ ru: string; ky: string; faculty: number }>(
      sql`SELECT name_ru AS ru, name_ky AS ky, faculty_id AS faculty FROM departments WHERE id = ${unit.id}`,
    );
    return d ? { target: { faculty: d.faculty, department: unit.id }, name: { ru: d.ru, ky: d.ky } } : null;
  }
  const g = db.get<{ code: string; faculty: number }>(
    sql`SELECT code, faculty_id AS faculty FROM groups WHERE id = ${unit.id}`,
  );
  return g ? { target: { faculty: g.faculty, department: null }, name: { ru: g.code, ky: g.code } } : null;
}

/** Resolve a unit and period (the current semester when none is given) against the replica. */
export function resolveScope(
  db: Db,
  unit: ArchiveUnit,
  period: ArchivePeriod | null,
  now: number,
): ResolvedScope {
  const facts = unitFacts(db, unit);
  if (!facts) throw new AppError('UNIT_UNKNOWN', {}, 'unit');
  const p: ArchivePeriod = period ?? { kind: 'semester', id: semesterToPrint(db, now) };
  const semesters =
    p.kind === 'semester'
      ? db.all<{ id: number; year: number; from: string; to: string; number: number }>(
          sql`SELECT id, academic_year_id AS year, starts_on AS "from", ends_on AS "to", number FROM semesters WHERE id = ${p.id}`,
        )
      : db.all<{ id: number; year: number; from: string; to: string; number: number }>(
          sql`SELECT id, academic_year_id AS year, starts_on AS "from", ends_on AS "to", number FROM semesters
            WHERE academic_year_id = ${p.id} ORDER BY starts_on`,
        );
  const year = db.get<{ id: number; name: string; from: string; to: string }>(
    sql`SELECT id, name, starts_on AS "from", ends_on AS "to" FROM academic_years
      WHERE id = ${p.kind === 'year' ? p.id : (semesters[0]?.year ?? -1)}`,
  );
  if (!year || (p.kind === 'semester' && semesters.length === 0))
    throw new AppError('NOT_FOUND', {}, 'period');
  const semesterIds = semesters.map((s) => s.id);
  const where = unitOfferingsWhere(
    unit.kind === 'university' || unit.id === null ? null : { kind: unit.kind, id: unit.id },
  );
  const offeringIds = db
    .all<{ id: number }>(
      sql`SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id
        WHERE o.semester_id IN (SELECT value FROM json_each(${JSON.stringify(semesterIds)})) AND ${where}
        ORDER BY o.id`,
    )
    .map((r) => r.id);
  const from = p.kind === 'year' ? year.from : semesters[0].from;
  const to = p.kind === 'year' ? year.to : semesters[0].to;
  return {
    unit,
    period: p,
    academicYearId: year.id,
    academicYear: year.name,
    from,
    to,
    semesterIds,
    offeringIds,
    unitName: facts.name,
    periodName: p.kind === 'year' ? year.name : `${year.name}, ${semesters[0].number}`,
    target: facts.target,
  };
}

/** One data file of a package: a table's rows as NDJSON, in primary-key order. */
export type DataSelection = {
  table: string;
  file: string;
  columns: string[];
  /** SQL producing one JSON text per row (compact, keys in column order), and its parameters. */
  sql: string;
  params: unknown[];
};

const q = (c: string) => `"${c}"`;

/** The tables of a package (synced tables without the registers, and the audit log), in load order. */
export const PACKAGE_TABLES: readonly string[] = [
  ...SYNCED_TABLES.map((t) => t.name).filter((n) => n !== 'archive_packages' && n !== 'archive_purges'),
  'audit_log',
];

const AUDIT_COLUMNS = Object.values(getTableColumns(auditLog)).map((c) => c.name);

export function packageColumns(table: string): string[] {
  if (table === 'audit_log') return AUDIT_COLUMNS;
  const t = SYNCED_TABLES.find((s) => s.name === table);
  if (!t) throw new Error(`not a package table: ${table}`);
  return replicaColumns(t);
}

/** The selections of every data file of a resolved scope. */
export function dataSelections(s: ResolvedScope): DataSelection[] {
  const O = JSON.stringify(s.offeringIds);
  const inO = `(SELECT value FROM json_each(:O))`;
  const L = `(SELECT id FROM lessons WHERE offering_id IN ${inO})`;
  const G = `(SELECT group_id FROM offerings WHERE id IN ${inO}${s.unit.kind === 'group' ? ' UNION SELECT :unit' : ''})`;
  const SG = `(SELECT id FROM subgroups WHERE group_id IN ${G})`;
  const ST = `(SELECT student_id FROM enrolments WHERE group_id IN ${G})`;
  const T = `(SELECT teacher_id FROM offerings WHERE id IN ${inO})`;
  const SUBS = `(SELECT id FROM substitutions WHERE lesson_id IN ${L})`;
  const ABS = `(SELECT absence_id FROM substitutions WHERE lesson_id IN ${L}
    UNION SELECT id FROM absences WHERE teacher_id IN ${T} AND starts_on <= :to AND ends_on >= :from)`;
  const depts =
    s.unit.kind === 'university'
      ? `(SELECT id FROM departments)`
      : s.unit.kind === 'faculty'
        ? `(SELECT id FROM departments WHERE faculty_id = :unit)`
        : s.unit.kind === 'department'
          ? `(SELECT :unit)`
          : `(SELECT NULL WHERE 0)`;
  const faculties =
    s.unit.kind === 'university'
      ? `(SELECT id FROM faculties)`
      : s.unit.kind === 'faculty'
        ? `(SELECT :unit)`
        : `(SELECT NULL WHERE 0)`;
  const CHECKS = `(SELECT id FROM weekly_checks WHERE period_from <= :to AND period_to >= :from AND (
    (unit_kind = 'faculty' AND unit_id IN ${faculties}) OR (unit_kind = 'department' AND unit_id IN ${depts})
    OR (unit_kind = 'group' AND unit_id IN ${G}) OR (unit_kind = 'offering' AND unit_id IN ${inO})
    OR (unit_kind = 'teacher' AND unit_id IN ${T})))`;
  const byOffering = (t: string) => `(SELECT id FROM ${t} WHERE offering_id IN ${inO})`;
  // The document register: the journals of the offerings, and the other documents about the unit and
  // what lies in it that were printed in the period (a Bishkek date).
  const DOCS = `(SELECT id FROM documents WHERE (subject_kind = 'offering' AND subject_id IN ${inO})
    OR (date(printed_at / 1000 + 21600, 'unixepoch') BETWEEN :from AND :to AND (
      (subject_kind = 'faculty' AND subject_id IN ${faculties}) OR (subject_kind = 'department' AND subject_id IN ${depts})
      OR (subject_kind = 'group' AND subject_id IN ${G})${s.unit.kind === 'university' ? " OR subject_kind = 'university'" : ''})))`;
  const where: Record<string, string> = {
    academic_years: `id = :year`,
    semesters: `id IN (SELECT value FROM json_each(:S))`,
    calendar_days: `date BETWEEN :from AND :to`,
    groups: `id IN ${G}`,
    subgroups: `group_id IN ${G}`,
    students: `id IN ${ST}`,
    enrolments: `group_id IN ${G}`,
    subgroup_members: `subgroup_id IN ${SG}`,
    parent_contacts: `student_id IN ${ST}`,
    users: `student_id IS NULL`,
    user_roles: `user_id IN (SELECT id FROM users WHERE student_id IS NULL)`,
    offerings: `id IN ${inO}`,
    timetable_slots: `offering_id IN ${inO}`,
    absences: `id IN ${ABS}`,
    plan_topics: `offering_id IN ${inO}`,
    lessons: `offering_id IN ${inO}`,
    marks: `lesson_id IN ${L}`,
    assessments: `offering_id IN ${inO}`,
    locks: `offering_id IN ${inO}`,
    unlocks: `offering_id IN ${inO}`,
    substitutions: `lesson_id IN ${L}`,
    weekly_checks: `id IN ${CHECKS}`,
    paper_journals: `offering_id IN ${inO}`,
    documents: `id IN ${DOCS}`,
    // The replica's audit of those records, and the edits of them it refused.
    audit_log: `(entity = 'marks' AND json_extract(entity_key, '$.lesson_id') IN ${L})
      OR (entity = 'lessons' AND json_extract(entity_key, '$.id') IN ${L})
      OR (entity = 'locks' AND json_extract(entity_key, '$.id') IN ${byOffering('locks')})
      OR (entity = 'unlocks' AND json_extract(entity_key, '$.id') IN ${byOffering('unlocks')})
      OR (entity = 'assessments' AND json_extract(entity_key, '$.id') IN ${byOffering('assessments')})
      OR (entity = 'plan_topics' AND json_extract(entity_key, '$.id') IN ${byOffering('plan_topics')})
      OR (entity = 'paper_journals' AND json_extract(entity_key, '$.id') IN ${byOffering('paper_journals')})
      OR (entity = 'substitutions' AND json_extract(entity_key, '$.id') IN ${SUBS})
      OR (entity = 'absences' AND json_extract(entity_key, '$.id') IN ${ABS})
      OR (entity = 'weekly_checks' AND json_extract(entity_key, '$.id') IN ${CHECKS})
      OR (entity = 'documents' AND json_extract(entity_key, '$.id') IN ${DOCS})
      OR (op = 'refused' AND (json_extract(entity_key, '$.lessonId') IN ${L}
        OR json_extract(entity_key, '$.offeringId') IN ${inO}))`,
  };
  const named: Record<string, unknown> = {
    O,
    S: JSON.stringify(s.semesterIds),
    year: s.academicYearId,
    from: s.from,
    to: s.to,
    unit: s.unit.id,
  };
  return PACKAGE_TABLES.map((table) => {
    const columns = packageColumns(table);
    const pk = table === 'audit_log' ? ['id'] : SYNCED_TABLES.find((t) => t.name === table)!.pk;
    const body = columns.map((c) => `'${c}', ${q(c)}`).join(', ');
    const cond = where[table] ?? '1 = 1';
    // Named parameters become positional ones, in the order they appear.
    const params: unknown[] = [];
    const text =
      `SELECT json_object(${body}) FROM ${q(table)} WHERE ${cond} ORDER BY ${pk.map(q).join(', ')}`.replace(
        /:(O|S|year|from|to|unit)\b/g,
        (_m, name: string) => {
          params.push(named[name]);
          return '?';
        },
      );
    return { table, file: `data/${table}.ndjson`, columns, sql: text, params };
  });
}
