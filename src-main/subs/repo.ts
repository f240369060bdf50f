import { sql } from 'drizzle-orm';
import type { AbsenceSummary, AffectedLesson } from '../../src-shared/contract/subs.contract';
import type { AbsenceReason, LessonKind, LessonStatus } from '../../src-shared/domain/journal';
import { shortName } from '../../src-shared/domain/people';
import type { RoleGrant } from '../../src-shared/domain/roles';
import {
  affectedLessons,
  type AbsenceSpan,
  type ActiveSubstitution,
  type DayFacts,
  type SlotLesson,
} from '../../src-shared/domain/substitutions';
import { isoWeekday, weekParity, type IsoDate } from '../../src-shared/domain/time';
import type { Db } from '../db/open';

/**
 * Read side of substitutions: departments a person may manage or look at, absences, the lessons an
 * absence affects with their covers, and the facts of a date and pair that the clash rule needs.
 */

export type Names = { ru: string; ky: string };
type NameCols = { lastName: string; firstName: string; patronymic: string | null };

/** Departments the viewer heads (may assign in) and those they may look at (a deanery: its faculty's). */
export function departmentsOf(db: Db, grants: readonly RoleGrant[]): { headed: number[]; visible: number[] } {
  const headed = grants
    .filter((g) => g.role === 'departmentHead' && g.scopeKind === 'department' && g.scopeId !== null)
    .map((g) => g.scopeId as number);
  const visible = new Set(headed);
  for (const g of grants) {
    if (g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId !== null)
      for (const d of db.all<{ id: number }>(sql`SELECT id FROM departments WHERE faculty_id = ${g.scopeId}`))
        visible.add(d.id);
  }
  return { headed, visible: [...visible].sort((a, b) => a - b) };
}

export function departmentNames(db: Db, ids: readonly number[]): Map<number, Names> {
  const list = JSON.stringify(ids);
  return new Map(
    db
      .all<{ id: number; ru: string; ky: string }>(
        sql`SELECT id, name_ru AS ru, name_ky AS ky FROM departments WHERE id IN (SELECT value FROM json_each(${list}))`,
      )
      .map((d) => [d.id, { ru: d.ru, ky: d.ky }]),
  );
}

/** The departments a teacher belongs to. */
export function teacherDepartments(db: Db, teacherId: number): number[] {
  return db
    .all<{ d: number }>(
      sql`SELECT department_id AS d FROM teacher_departments WHERE teacher_id = ${teacherId}`,
    )
    .map((r) => r.d);
}

export function teacherName(db: Db, teacherId: number): string | null {
  const t = db.get<NameCols>(
    sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM teachers WHERE id = ${teacherId}`,
  );
  return t ? shortName(t) : null;
}

export function departmentTeachers(db: Db, departmentId: number): Array<{ id: number; name: string }> {
  return db
    .all<NameCols & { id: number }>(
      sql`SELECT t.id, t.last_name AS lastName, t.first_name AS firstName, t.patronymic FROM teachers t
        JOIN teacher_departments td ON td.teacher_id = t.id WHERE td.department_id = ${departmentId}
        ORDER BY t.last_name, t.first_name, t.id`,
    )
    .map((t) => ({ id: t.id, name: shortName(t) }));
}

type AbsenceRow = NameCols & {
  id: string;
  teacherId: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  pairs: string | null;
  reason: AbsenceReason;
  documentRef: string | null;
  createdBy: string | null;
  rowVersion: number;
};

const ABSENCE_SELECT = sql`SELECT a.id, a.teacher_id AS teacherId, a.starts_on AS startsOn, a.ends_on AS endsOn, a.pairs,
  a.reason, a.document_ref AS documentRef, u.display_name AS createdBy, a.row_version AS rowVersion,
  t.last_name AS lastName, t.first_name AS firstName, t.patronymic
  FROM absences a JOIN teachers t ON t.id = a.teacher_id LEFT JOIN users u ON u.id = a.created_by`;

export type Absence = AbsenceSpan & {
  reason: AbsenceReason;
  documentRef: string | null;
  createdBy: string | null;
  teacherName: string;
  pending: boolean;
};

function absenceOf(r: AbsenceRow): Absence {
  return {
    id: r.id,
    teacherId: r.teacherId,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    pairs: r.pairs === null ? null : (JSON.parse(r.pairs) as number[]),
    reason: r.reason,
    documentRef: r.documentRef,
    createdBy: r.createdBy,
    teacherName: shortName(r),
    pending: r.rowVersion === 0,
  };
}

export function getAbsence(db: Db, id: string): Absence | null {
  const r = db.get<AbsenceRow>(sql`${ABSENCE_SELECT} WHERE a.id = ${id}`);
  return r ? absenceOf(r) : null;
}

/** Absences of the department's teachers, newest first. */
export function departmentAbsences(db: Db, departmentId: number, limit = 200): Absence[] {
  return db
    .all<AbsenceRow>(
      sql`${ABSENCE_SELECT} WHERE a.teacher_id IN (SELECT teacher_id FROM teacher_departments WHERE department_id = ${departmentId})
      ORDER BY a.starts_on DESC, a.id DESC LIMIT ${limit}`,
    )
    .map(absenceOf);
}

/** Absences of one teacher that overlap a date range. */
export function teacherAbsences(db: Db, teacherId: number, from: IsoDate, to: IsoDate): Absence[] {
  return db
    .all<AbsenceRow>(
      sql`${ABSENCE_SELECT} WHERE a.teacher_id = ${teacherId} AND a.starts_on <= ${to} AND a.ends_on >= ${from}`,
    )
    .map(absenceOf);
}

export type LessonRow = SlotLesson & {
  offeringId: number;
  kind: LessonKind;
  discipline: Names;
  disciplineId: number;
  departmentId: number;
  groupId: number;
  group: string;
  startsAt: string | null;
  completedAt: number | null;
};

const LESSON_SELECT = sql`SELECT l.id AS lessonId, o.teacher_id AS teacherId, l.date, l.pair, l.status,
  o.id AS offeringId, o.lesson_kind AS kind, d.id AS disciplineId, d.name_ru AS dRu, d.name_ky AS dKy,
  o.department_id AS departmentId, o.group_id AS groupId, g.code AS groupCode, sg.name AS subgroup,
  b.starts_at AS startsAt, l.completed_at AS completedAt
  FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN disciplines d ON d.id = o.discipline_id
  JOIN groups g ON g.id = o.group_id LEFT JOIN subgroups sg ON sg.id = o.subgroup_id
  LEFT JOIN bell_pairs b ON b.number = l.pair`;

type LessonSqlRow = Omit<LessonRow, 'discipline' | 'group'> & {
  dRu: string;
  dKy: string;
  groupCode: string;
  subgroup: string | null;
  status: LessonStatus;
};

function lessonOf(r: LessonSqlRow): LessonRow {
  const { dRu, dKy, groupCode, subgroup, ...rest } = r;
  return {
    ...rest,
    status: r.status === 'scheduled' ? 'scheduled' : r.status === 'cancelled' ? 'cancelled' : 'moved',
    discipline: { ru: dRu, ky: dKy },
    group: subgroup ? `${groupCode} (${subgroup})` : groupCode,
  };
}

export function lessonRow(db: Db, lessonId: number): LessonRow | null {
  const r = db.get<LessonSqlRow>(sql`${LESSON_SELECT} WHERE l.id = ${lessonId}`);
  return r ? lessonOf(r) : null;
}

/** The lessons (held in this replica) an absence affects, by date and pair. */
export function absenceLessons(db: Db, a: AbsenceSpan): LessonRow[] {
  const rows = db
    .all<LessonSqlRow>(
      sql`${LESSON_SELECT} WHERE o.teacher_id = ${a.teacherId} AND l.date BETWEEN ${a.startsOn} AND ${a.endsOn}`,
    )
    .map(lessonOf);
  return affectedLessons(a, rows);
}

export type Cover = {
  id: string;
  lessonId: number;
  substituteId: number;
  substituteName: string;
  assignedAt: number;
  assignedBy: string | null;
  pending: boolean;
};

/** The substitution in force for each of the lessons (the latest one not cancelled). */
export function coversOf(db: Db, lessonIds: readonly number[]): Map<number, Cover> {
  const list = JSON.stringify(lessonIds);
  const out = new Map<number, Cover>();
  for (const r of db.all<
    NameCols & {
      id: string;
      lessonId: number;
      substituteId: number;
      assignedAt: number;
      assignedBy: string | null;
      rowVersion: number;
    }
  >(sql`SELECT s.id, s.lesson_id AS lessonId, s.substitute_teacher_id AS substituteId, s.assigned_at AS assignedAt,
      u.display_name AS assignedBy, s.row_version AS rowVersion,
      t.last_name AS lastName, t.first_name AS firstName, t.patronymic
    FROM substitutions s JOIN teachers t ON t.id = s.substitute_teacher_id LEFT JOIN users u ON u.id = s.assigned_by
    WHERE s.cancelled_at IS NULL AND s.lesson_id IN (SELECT value FROM json_each(${list}))
    ORDER BY s.assigned_at, s.id`)) {
    out.set(r.lessonId, {
      id: r.id,
      lessonId: r.lessonId,
      substituteId: r.substituteId,
      substituteName: shortName(r),
      assignedAt: r.assignedAt,
      assignedBy: r.assignedBy,
      pending: r.rowVersion === 0,
    });
  }
  return out;
}

export function affectedView(l: LessonRow, cover: Cover | undefined): AffectedLesson {
  return {
    lessonId: l.lessonId,
    date: l.date,
    pair: l.pair,
    startsAt: l.startsAt,
    discipline: l.discipline,
    kind: l.kind,
    group: l.group,
    offeringId: l.offeringId,
    cover: cover
      ? {
          id: cover.id,
          substitute: { id: cover.substituteId, name: cover.substituteName },
          assignedAt: cover.assignedAt,
          assignedBy: cover.assignedBy,
          pending: cover.pending,
        }
      : null,
    filled: l.completedAt !== null,
  };
}

export function absenceSummaryOf(db: Db, a: Absence): AbsenceSummary {
  const lessons = absenceLessons(db, a);
  const covers = coversOf(
    db,
    lessons.map((l) => l.lessonId),
  );
  return {
    id: a.id,
    teacher: { id: a.teacherId, name: a.teacherName },
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    pairs: a.pairs === null ? null : [...a.pairs],
    reason: a.reason,
    documentRef: a.documentRef,
    createdBy: a.createdBy,
    lessons: lessons.length,
    covered: lessons.filter((l) => covers.has(l.lessonId)).length,
    pending: a.pending,
  };
}

/**
 * What the clash rule needs of a date and pair: every scheduled lesson then, whoever teaches it — the
 * replica's lesson rows, and for offerings whose lessons this replica does not hold (another
 * department's) their timetable slots, which every replica has (DOMAIN.md, Scopes) — the substitutions
 * in force then and the absences of that date. A slot-derived lesson has the id `-offeringId`. The
 * gateway checks again against every lesson and substitution of the university.
 */
export function dayFacts(db: Db, date: IsoDate, pair: number): DayFacts {
  const lessons: SlotLesson[] = db
    .all<SlotLesson>(
      sql`SELECT l.id AS lessonId, o.teacher_id AS teacherId, l.date, l.pair, l.status FROM lessons l
        JOIN offerings o ON o.id = l.offering_id WHERE l.date = ${date} AND l.pair = ${pair}`,
    )
    .map((l) => ({ ...l, status: l.status === 'scheduled' ? 'scheduled' : 'cancelled' }));
  const holiday = db.get(
    sql`SELECT 1 AS x FROM calendar_days WHERE date = ${date} AND kind IN ('holiday', 'non_teaching')`,
  );
  if (!holiday) {
    const weekday = isoWeekday(date);
    for (const s of db.all<{ offeringId: number; teacherId: number; parity: string; semesterStart: IsoDate }>(
      sql`SELECT ts.offering_id AS offeringId, o.teacher_id AS teacherId, ts.parity, se.starts_on AS semesterStart
        FROM timetable_slots ts JOIN offerings o ON o.id = ts.offering_id JOIN semesters se ON se.id = o.semester_id
        WHERE ts.weekday = ${weekday} AND ts.pair = ${pair} AND ts.starts_on <= ${date} AND ts.ends_on >= ${date}
          AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.offering_id = ts.offering_id)`,
    )) {
      if (s.parity !== 'all' && weekParity(date, s.semesterStart) !== s.parity) continue;
      lessons.push({ lessonId: -s.offeringId, teacherId: s.teacherId, date, pair, status: 'scheduled' });
    }
  }
  const substitutions = db.all<ActiveSubstitution>(
    sql`SELECT s.lesson_id AS lessonId, s.substitute_teacher_id AS substituteId, l.date, l.pair
      FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
      WHERE s.cancelled_at IS NULL AND l.date = ${date} AND l.pair = ${pair}`,
  );
  const absences = db
    .all<{ id: string; teacherId: number; startsOn: IsoDate; endsOn: IsoDate; pairs: string | null }>(
      sql`SELECT id, teacher_id AS teacherId, starts_on AS startsOn, ends_on AS endsOn, pairs FROM absences
        WHERE starts_on <= ${date} AND ends_on >= ${date}`,
    )
    .map((a) => ({ ...a, pairs: a.pairs === null ? null : (JSON.parse(a.pairs) as number[]) }));
  return { lessons, substitutions, absences };
}

/** A lesson or, for a slot-derived one (negative id), its offering: discipline and group, for words. */
export function describeLesson(db: Db, lessonId: number): { discipline: Names; group: string } | null {
  if (lessonId > 0) {
    const l = lessonRow(db, lessonId);
    return l ? { discipline: l.discipline, group: l.group } : null;
  }
  const o = db.get<{ dRu: string; dKy: string; groupCode: string; subgroup: string | null }>(
    sql`SELECT d.name_ru AS dRu, d.name_ky AS dKy, g.code AS groupCode, sg.name AS subgroup FROM offerings o
      JOIN disciplines d ON d.id = o.discipline_id JOIN groups g ON g.id = o.group_id
      LEFT JOIN subgroups sg ON sg.id = o.subgroup_id WHERE o.id = ${-lessonId}`,
  );
  return o
    ? {
        discipline: { ru: o.dRu, ky: o.dKy },
        group: o.subgroup ? `${o.groupCode} (${o.subgroup})` : o.groupCode,
      }
    : null;
}

/** Possible substitutes of a lesson: teachers of its faculty's departments and whoever teaches its discipline or group. */
export function candidatePool(
  db: Db,
  l: LessonRow,
  monthFrom: IsoDate,
  monthTo: IsoDate,
): Array<{
  teacherId: number;
  name: string;
  departmentIds: number[];
  disciplineIds: number[];
  groupIds: number[];
  coversThisMonth: number;
}> {
  const rows = db.all<NameCols & { id: number; deps: string; discipline: number; grp: number }>(sql`
    SELECT t.id, t.last_name AS lastName, t.first_name AS firstName, t.patronymic,
      (SELECT json_group_array(department_id) FROM teacher_departments WHERE teacher_id = t.id) AS deps,
      EXISTS (SELECT 1 FROM offerings o WHERE o.teacher_id = t.id AND o.discipline_id = ${l.disciplineId}) AS discipline,
      EXISTS (SELECT 1 FROM offerings o WHERE o.teacher_id = t.id AND o.group_id = ${l.groupId}) AS grp
    FROM teachers t
    WHERE t.id IN (SELECT td.teacher_id FROM teacher_departments td JOIN departments d ON d.id = td.department_id
        WHERE d.faculty_id = (SELECT faculty_id FROM departments WHERE id = ${l.departmentId}))
      OR t.id IN (SELECT teacher_id FROM offerings WHERE discipline_id = ${l.disciplineId} OR group_id = ${l.groupId})`);
  const covers = new Map(
    db
      .all<{ t: number; n: number }>(
        sql`SELECT s.substitute_teacher_id AS t, count(*) AS n FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
        WHERE s.cancelled_at IS NULL AND l.date BETWEEN ${monthFrom} AND ${monthTo} GROUP BY 1`,
      )
      .map((r) => [r.t, r.n]),
  );
  return rows.map((r) => ({
    teacherId: r.id,
    name: shortName(r),
    departmentIds: JSON.parse(r.deps) as number[],
    disciplineIds: r.discipline ? [l.disciplineId] : [],
    groupIds: r.grp ? [l.groupId] : [],
    coversThisMonth: covers.get(r.id) ?? 0,
  }));
}

/** The user account of a teacher (for messages), if they have one. */
export function teacherUser(db: Db, teacherId: number): { id: number; locale: 'ru' | 'ky' } | null {
  return (
    db.get<{ id: number; locale: 'ru' | 'ky' }>(
      sql`SELECT id, locale FROM users WHERE teacher_id = ${teacherId} AND active = 1 ORDER BY id LIMIT 1`,
    ) ?? null
  );
}

export type SubstitutionRow = {
  id: string;
  lessonId: number;
  absenceId: string | null;
  absentTeacherId: number;
  substituteId: number;
  cancelledAt: number | null;
};

export function substitutionRow(db: Db, id: string): SubstitutionRow | null {
  return (
    db.get<SubstitutionRow>(
      sql`SELECT id, lesson_id AS lessonId, absence_id AS absenceId, absent_teacher_id AS absentTeacherId,
        substitute_teacher_id AS substituteId, cancelled_at AS cancelledAt FROM substitutions WHERE id = ${id}`,
    ) ?? null
  );
}

/** Every lesson a department's absences made a teacher miss in a period, with its substitute if covered. */
export function missedLessons(
  db: Db,
  departmentId: number,
  from: IsoDate,
  to: IsoDate,
): Array<LessonRow & { reason: AbsenceReason; absentTeacherId: number; cover: Cover | undefined }> {
  const absences = db
    .all<AbsenceRow>(
      sql`${ABSENCE_SELECT} WHERE a.teacher_id IN (SELECT teacher_id FROM teacher_departments WHERE department_id = ${departmentId})
      AND a.starts_on <= ${to} AND a.ends_on >= ${from} ORDER BY a.starts_on, a.id`,
    )
    .map(absenceOf);
  const out: Array<LessonRow & { reason: AbsenceReason; absentTeacherId: number; cover: Cover | undefined }> =
    [];
  for (const a of absences) {
    const lessons = absenceLessons(db, {
      ...a,
      startsOn: a.startsOn < from ? from : a.startsOn,
      endsOn: a.endsOn > to ? to : a.endsOn,
    });
    const covers = coversOf(
      db,
      lessons.map((l) => l.lessonId),
    );
    for (const l of lessons)
      out.push({ ...l, reason: a.reason, absentTeacherId: a.teacherId, cover: covers.get(l.lessonId) });
  }
  return out;
}
