import { sql } from 'drizzle-orm';
import type { GroupSummary, JournalGrid, OfferingSummary } from '../../src-shared/contract/journal.contract';
import type { ScopedKind } from '../../src-shared/contract/common';
import type {
  Attendance,
  Grade,
  LessonKind,
  LessonOrigin,
  LessonStatus,
} from '../../src-shared/domain/journal';
import { lessonEditRefusal, type LessonEditFacts } from '../../src-shared/domain/edit-rights';
import { isLocked, type UnlockFacts } from '../../src-shared/domain/locks';
import { fullName, shortName } from '../../src-shared/domain/people';
import { bishkekInstant, type IsoDate } from '../../src-shared/domain/time';
import { groupVisible, offeringVisible, type Viewer } from './access';
import type { Db } from './open';

/** Read side of the journal viewer. Every list is limited to the viewer's access scope. */

type GroupRow = {
  id: number;
  code: string;
  course: number;
  language: 'ru' | 'ky';
  facultyId: number;
  facultyCode: string;
  students: number;
};

const groupSelect = (today: IsoDate) => sql`
  SELECT groups.id, groups.code, groups.course, groups.language, groups.faculty_id AS facultyId, faculties.code AS facultyCode,
    (SELECT count(*) FROM enrolments e WHERE e.group_id = groups.id AND e.starts_on <= ${today}
       AND (e.ends_on IS NULL OR e.ends_on >= ${today})) AS students
  FROM groups JOIN faculties ON faculties.id = groups.faculty_id`;

function toGroupSummary(r: GroupRow): GroupSummary {
  return {
    id: r.id,
    code: r.code,
    course: r.course,
    language: r.language,
    faculty: { id: r.facultyId, code: r.facultyCode },
    students: r.students,
  };
}

/** Groups the viewer may see, by faculty and code; `search` matches the group code. */
export function listGroups(
  db: Db,
  v: Viewer,
  today: IsoDate,
  opts: { search?: string; facultyId?: number },
): GroupSummary[] {
  const filters = [groupVisible(v)];
  if (opts.facultyId !== undefined) filters.push(sql`groups.faculty_id = ${opts.facultyId}`);
  if (opts.search)
    filters.push(sql`groups.code LIKE ${`%${opts.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`);
  const rows = db.all<GroupRow>(sql`${groupSelect(today)} WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY groups.faculty_id, groups.course, groups.code`);
  return rows.map(toGroupSummary);
}

export function getGroup(db: Db, groupId: number, today: IsoDate): GroupSummary | null {
  const row = db.get<GroupRow>(sql`${groupSelect(today)} WHERE groups.id = ${groupId}`);
  return row ? toGroupSummary(row) : null;
}

type OfferingRow = {
  id: number;
  kind: LessonKind;
  disciplineRu: string;
  disciplineKy: string;
  departmentRu: string;
  departmentKy: string;
  subgroupId: number | null;
  subgroupName: string | null;
  subgroupKind: 'lab' | 'language' | null;
  teacherId: number;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  lessons: number;
  locked: number;
  plannedHours: number;
  groupId: number;
  groupCode: string;
  facultyId: number;
  semesterNumber: number;
  semesterStartsOn: IsoDate;
  semesterEndsOn: IsoDate;
};

const offeringSelect = sql`
  SELECT offerings.id, offerings.lesson_kind AS kind, disciplines.name_ru AS disciplineRu, disciplines.name_ky AS disciplineKy,
    departments.name_ru AS departmentRu, departments.name_ky AS departmentKy,
    subgroups.id AS subgroupId, subgroups.name AS subgroupName, subgroups.kind AS subgroupKind,
    teachers.id AS teacherId, teachers.last_name AS lastName, teachers.first_name AS firstName, teachers.patronymic AS patronymic,
    (SELECT count(*) FROM lessons l WHERE l.offering_id = offerings.id AND l.status = 'scheduled') AS lessons,
    EXISTS (SELECT 1 FROM locks WHERE locks.offering_id = offerings.id) AS locked,
    offerings.planned_hours AS plannedHours, groups.id AS groupId, groups.code AS groupCode, groups.faculty_id AS facultyId,
    semesters.number AS semesterNumber, semesters.starts_on AS semesterStartsOn, semesters.ends_on AS semesterEndsOn
  FROM offerings
  JOIN groups ON groups.id = offerings.group_id
  JOIN disciplines ON disciplines.id = offerings.discipline_id
  JOIN departments ON departments.id = offerings.department_id
  JOIN teachers ON teachers.id = offerings.teacher_id
  JOIN semesters ON semesters.id = offerings.semester_id
  LEFT JOIN subgroups ON subgroups.id = offerings.subgroup_id`;

function toOfferingSummary(r: OfferingRow): OfferingSummary {
  return {
    id: r.id,
    discipline: { ru: r.disciplineRu, ky: r.disciplineKy },
    kind: r.kind,
    subgroup:
      r.subgroupId !== null && r.subgroupName !== null && r.subgroupKind !== null
        ? { id: r.subgroupId, name: r.subgroupName, kind: r.subgroupKind }
        : null,
    teacher: { id: r.teacherId, name: shortName(r) },
    department: { ru: r.departmentRu, ky: r.departmentKy },
    lessons: r.lessons,
    locked: r.locked === 1,
  };
}

/** The group's offerings of the current semester that the viewer may see. */
export function listOfferings(db: Db, v: Viewer, groupId: number, today: IsoDate): OfferingSummary[] {
  const rows = db.all<OfferingRow>(sql`${offeringSelect}
    WHERE offerings.group_id = ${groupId} AND ${offeringVisible(v)}
      AND semesters.starts_on <= ${today}
      AND semesters.id = (SELECT max(s2.id) FROM semesters s2 WHERE s2.starts_on <= ${today})
    ORDER BY disciplines.name_ru, CASE offerings.lesson_kind WHEN 'lecture' THEN 0 WHEN 'practice' THEN 1 WHEN 'lab' THEN 2 ELSE 3 END,
      subgroups.name`);
  return rows.map(toOfferingSummary);
}

/** Whether a row named by an API input exists and lies in the viewer's access scope. */
export function scopeCheck(db: Db, v: Viewer, kind: ScopedKind, id: number): 'ok' | 'forbidden' | 'missing' {
  const row =
    kind === 'group'
      ? db.get<{ ok: number }>(sql`SELECT ${groupVisible(v)} AS ok FROM groups WHERE groups.id = ${id}`)
      : kind === 'offering'
        ? db.get<{
            ok: number;
          }>(sql`SELECT ${offeringVisible(v)} AS ok FROM offerings JOIN groups ON groups.id = offerings.group_id
            WHERE offerings.id = ${id}`)
        : db.get<{
            ok: number;
          }>(sql`SELECT ${offeringVisible(v)} AS ok FROM lessons JOIN offerings ON offerings.id = lessons.offering_id
            JOIN groups ON groups.id = offerings.group_id WHERE lessons.id = ${id}`);
  if (!row) return 'missing';
  return row.ok ? 'ok' : 'forbidden';
}

type LessonRow = {
  id: number;
  date: IsoDate;
  pair: number;
  status: LessonStatus;
  origin: LessonOrigin;
  topic: string | null;
  planTopic: string | null;
  completedAt: number | null;
  rowVersion: number;
  startsAt: string | null;
  cbId: number | null;
  cbLast: string | null;
  cbFirst: string | null;
  cbPatronymic: string | null;
  subId: number | null;
  subLast: string | null;
  subFirst: string | null;
  subPatronymic: string | null;
};

type MemberRow = {
  studentId: number;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  recordBookNo: string;
  from: IsoDate;
  to: IsoDate | null;
};

/**
 * One offering's journal. Students are those who belonged to the offering's group (or subgroup) at any
 * time in the semester, each with the periods of membership — a transferred student keeps their past
 * rows in the old group's journal and has none before joining the new one. Each lesson says why
 * `editor` (the caller's teacher, null for anyone else) may not change it, by the edit rule at `now`.
 */
export function journalGrid(
  db: Db,
  offeringId: number,
  subgroupId: number | undefined,
  now: number,
  editor: number | null = null,
): JournalGrid | null {
  const o = db.get<OfferingRow>(sql`${offeringSelect} WHERE offerings.id = ${offeringId}`);
  if (!o) return null;
  const lock =
    db.get<{ closedOn: IsoDate; closedAt: number }>(
      sql`SELECT closed_on AS closedOn, closed_at AS closedAt FROM locks WHERE offering_id = ${offeringId}`,
    ) ?? null;
  const unlocks = db.all<
    UnlockFacts & { reason: string }
  >(sql`SELECT lesson_id AS lessonId, student_id AS studentId,
    granted_at AS grantedAt, expires_at AS expiresAt, reason FROM unlocks WHERE offering_id = ${offeringId}`);
  const subgroups = db.all<{ id: number; name: string; kind: 'lab' | 'language' }>(
    sql`SELECT id, name, kind FROM subgroups WHERE group_id = ${o.groupId} ORDER BY kind, name`,
  );
  const lessons = db.all<LessonRow>(sql`
    SELECT l.id, l.date, l.pair, l.status, l.origin, l.topic, pt.title AS planTopic, l.completed_at AS completedAt, l.row_version AS rowVersion,
      b.starts_at AS startsAt, cb.id AS cbId, cb.last_name AS cbLast, cb.first_name AS cbFirst, cb.patronymic AS cbPatronymic,
      st.id AS subId, st.last_name AS subLast, st.first_name AS subFirst, st.patronymic AS subPatronymic
    FROM lessons l
    LEFT JOIN plan_topics pt ON pt.id = l.plan_topic_id
    LEFT JOIN teachers cb ON cb.id = l.conducted_by
    LEFT JOIN bell_pairs b ON b.number = l.pair
    LEFT JOIN substitutions s ON s.id = (SELECT s2.id FROM substitutions s2 WHERE s2.lesson_id = l.id
      AND s2.cancelled_at IS NULL ORDER BY s2.assigned_at DESC LIMIT 1)
    LEFT JOIN teachers st ON st.id = s.substitute_teacher_id
    WHERE l.offering_id = ${offeringId}
    ORDER BY l.date, l.pair, l.id`);
  const from = o.semesterStartsOn;
  const to = o.semesterEndsOn;
  const members =
    o.subgroupId !== null
      ? db.all<MemberRow>(sql`SELECT m.student_id AS studentId, st.last_name AS lastName, st.first_name AS firstName, st.patronymic,
        st.record_book_no AS recordBookNo, m.starts_on AS "from", m.ends_on AS "to"
        FROM subgroup_members m JOIN students st ON st.id = m.student_id
        WHERE m.subgroup_id = ${o.subgroupId} AND m.starts_on <= ${to} AND (m.ends_on IS NULL OR m.ends_on >= ${from})`)
      : db.all<MemberRow>(sql`SELECT e.student_id AS studentId, st.last_name AS lastName, st.first_name AS firstName, st.patronymic,
        st.record_book_no AS recordBookNo, e.starts_on AS "from", e.ends_on AS "to"
        FROM enrolments e JOIN students st ON st.id = e.student_id
        WHERE e.group_id = ${o.groupId} AND e.starts_on <= ${to} AND (e.ends_on IS NULL OR e.ends_on >= ${from})`);
  const subOf = new Map<number, number[]>();
  for (const r of db.all<{ studentId: number; subgroupId: number }>(sql`
    SELECT m.student_id AS studentId, m.subgroup_id AS subgroupId FROM subgroup_members m JOIN subgroups sg ON sg.id = m.subgroup_id
    WHERE sg.group_id = ${o.groupId} AND m.starts_on <= ${to} AND (m.ends_on IS NULL OR m.ends_on >= ${from})`)) {
    const list = subOf.get(r.studentId) ?? [];
    if (!list.includes(r.subgroupId)) list.push(r.subgroupId);
    subOf.set(r.studentId, list);
  }
  const byStudent = new Map<number, JournalGrid['students'][number]>();
  for (const m of members) {
    const existing = byStudent.get(m.studentId);
    if (existing) existing.periods.push({ from: m.from, to: m.to });
    else {
      byStudent.set(m.studentId, {
        id: m.studentId,
        name: fullName(m),
        recordBookNo: m.recordBookNo,
        periods: [{ from: m.from, to: m.to }],
        subgroupIds: (subOf.get(m.studentId) ?? []).sort((a, b) => a - b),
      });
    }
  }
  let students = [...byStudent.values()].sort((a, b) => a.name.localeCompare(b.name, 'ru') || a.id - b.id);
  if (subgroupId !== undefined) students = students.filter((s) => s.subgroupIds.includes(subgroupId));
  for (const s of students) s.periods.sort((a, b) => (a.from < b.from ? -1 : 1));
  const wanted = new Set(students.map((s) => s.id));
  const marks = db
    .all<{
      lessonId: number;
      studentId: number;
      attendance: Attendance;
      grade: Grade | null;
      rowVersion: number;
    }>(
      sql`
      SELECT m.lesson_id AS lessonId, m.student_id AS studentId, m.attendance, m.grade, m.row_version AS rowVersion
      FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE l.offering_id = ${offeringId}`,
    )
    .filter((m) => wanted.has(m.studentId));
  const studentUnlocks = [
    ...new Set(
      unlocks.flatMap((u) => (u.studentId !== null && wanted.has(u.studentId) ? [u.studentId] : [])),
    ),
  ].sort((a, b) => a - b);
  const editRights = (l: LessonRow) => {
    const facts: LessonEditFacts = {
      id: l.id,
      date: l.date,
      status: l.status,
      beginsAt: bishkekInstant(l.date, l.startsAt ?? '00:00'),
      offeringTeacherId: o.teacherId,
      substituteTeacherId: l.subId,
    };
    const editRefusal = lessonEditRefusal(editor, facts, null, lock, unlocks, now);
    const unlockedStudentIds =
      editRefusal === 'locked'
        ? studentUnlocks.filter((s) => lessonEditRefusal(editor, facts, s, lock, unlocks, now) === null)
        : [];
    return { editRefusal, unlockedStudentIds };
  };
  const person = (id: number | null, last: string | null, first: string | null, patronymic: string | null) =>
    id !== null && last !== null && first !== null
      ? { id, name: shortName({ lastName: last, firstName: first, patronymic }) }
      : null;
  return {
    offering: {
      ...toOfferingSummary(o),
      plannedHours: o.plannedHours,
      group: { id: o.groupId, code: o.groupCode, facultyId: o.facultyId },
      semester: { number: o.semesterNumber, startsOn: o.semesterStartsOn, endsOn: o.semesterEndsOn },
    },
    lock,
    unlocks: unlocks
      .filter((u) => u.grantedAt <= now && now < u.expiresAt)
      .map((u) => ({
        lessonId: u.lessonId,
        studentId: u.studentId,
        expiresAt: u.expiresAt,
        reason: u.reason,
      })),
    subgroups,
    lessons: lessons.map((l) => ({
      id: l.id,
      date: l.date,
      pair: l.pair,
      status: l.status,
      origin: l.origin,
      topic: l.topic,
      planTopic: l.planTopic,
      conductedBy: person(l.cbId, l.cbLast, l.cbFirst, l.cbPatronymic),
      substitute: person(l.subId, l.subLast, l.subFirst, l.subPatronymic),
      completedAt: l.completedAt,
      locked: isLocked(l, null, lock, unlocks, now),
      ...editRights(l),
      rowVersion: l.rowVersion,
    })),
    students,
    marks,
  };
}
