import { randomUUID } from 'node:crypto';
import type { CentralDb } from '../../src-gateway/db/client';
import { centralEdit } from '../helpers/sync';

/**
 * Rows of the tiny demo's centre that the security tests aim at, found or made once per gateway
 * (through the central write path, as AVN web would): rows of the attackers' own units to act on
 * honestly, and rows of other units — another faculty, another department, another teacher — to reach
 * out to. Every test asks `next()` for rows it has not used before, so the cases do not meet.
 */
export type Cell = { lessonId: number; studentId: number; offeringId: number; date: string };

export type Fixtures = {
  users: Record<'teacher' | 'head' | 'dean' | 'dean2' | 'archivist' | 'curator' | 'study', number>;
  /** The demo teacher's own cells (begun, held, unlocked, uncovered), newest lessons first. */
  cells: Cell[];
  /** A lesson of another teacher (the curator) and a student of it. */
  foreignCell: Cell;
  /** A student who is not in the group of the demo teacher's lessons. */
  stranger: number;
  /** The demo teacher's offerings with every intermediate result, ready to close. */
  closable: number[];
  /** An offering of another teacher. */
  othersOffering: number;
  /** Closed offerings of faculty 1 (the dean's), and an offering of faculty 2. */
  closedF1: number[];
  offeringF2: number;
  /** Offerings of faculty 1 (the dean prints them). */
  offeringsF1: number[];
  /** Teachers of department 1 (the head's) and of department 4 (faculty 2). */
  dept1Teachers: number[];
  dept4Teacher: number;
  /** An absence of a department-1 teacher with lessons to cover, and who is free at each of them. */
  absence: { id: string; teacherId: number; lessons: Array<{ lessonId: number; free: number }> };
  /** Substitutions of department 1 to cancel, and one of department 4. */
  dept1Substitutions: string[];
  /** Rows of other units whose ids a create may try to take. */
  foreign: {
    lock: string;
    unlock: string;
    check: string;
    absence: string;
    substitution: string;
    paper: string;
    package: string;
    purge: string;
    /** An entry of the document register: the act of faculty 2's weekly check. */
    document: string;
    /** A message another user sent (set by the test: messages exist only centrally, sent by push). */
    message: string;
  };
  /** Paper journals of faculty 1, and registered packages of faculty 1 (digest DIGEST). */
  papersF1: string[];
  packagesF1: string[];
  /** The expired year and the faculty-1 groups with a verified year package of it (purges). */
  oldYear: number;
  purgeGroups: Array<{ group: number; packageId: string }>;
  /** A faculty-2 group with a verified package of the old year. */
  purgeGroupF2: number;
};

export const DIGEST = 'ab'.repeat(32);
export const OLD_YEAR = 90;

const one = async <T extends Record<string, unknown>>(db: CentralDb, sql: string, p: unknown[] = []) => {
  const [r] = await db.query<T>(sql, p);
  if (!r) throw new Error(`fixture not found: ${sql}`);
  return r;
};

/** Find and make the fixtures on a fresh tiny-demo centre. */
export async function makeFixtures(url: string, db: CentralDb): Promise<Fixtures> {
  const user = async (login: string) =>
    Number((await one<{ id: number }>(db, 'SELECT id FROM users WHERE login = $1', [login])).id);
  const users = {
    teacher: await user('teacher'),
    head: await user('head'),
    dean: await user('dean'),
    dean2: await user('dean2'),
    archivist: await user('archivist'),
    curator: await user('curator'),
    study: await user('study'),
  };
  const teacherOf = async (u: number) =>
    Number((await one<{ t: number }>(db, 'SELECT teacher_id AS t FROM users WHERE id = $1', [u])).t);
  const teacherId = await teacherOf(users.teacher);
  const curatorTeacher = await teacherOf(users.curator);
  const cellsOf = (t: number) =>
    db.query<Cell>(
      `SELECT l.id AS "lessonId", e.student_id AS "studentId", o.id AS "offeringId", l.date
       FROM lessons l JOIN offerings o ON o.id = l.offering_id
       JOIN enrolments e ON e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
       WHERE o.teacher_id = $1 AND o.subgroup_id IS NULL AND l.status = 'scheduled' AND l.date < '2026-11-26'
         AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
         AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id)
       ORDER BY l.date DESC, l.id, e.student_id`,
      [t],
    );
  const cells = (await cellsOf(teacherId)).map((c) => ({ ...c, lessonId: Number(c.lessonId) }));
  const [foreignCell] = await cellsOf(curatorTeacher);
  if (!foreignCell || cells.length < 12) throw new Error('not enough lessons in the tiny demo');
  const stranger = Number(
    (
      await one<{ id: number }>(
        db,
        `SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM enrolments WHERE group_id =
          (SELECT group_id FROM offerings WHERE id = $1)) ORDER BY id LIMIT 1`,
        [cells[0]?.offeringId],
      )
    ).id,
  );
  // Offerings of the demo teacher not holding the cells used above: closable once results are in.
  const used = new Set(cells.slice(0, 12).map((c) => Number(c.offeringId)));
  const own = (
    await db.query<{ id: number; g: number }>(
      `SELECT o.id, o.group_id AS g FROM offerings o WHERE o.teacher_id = $1 AND o.subgroup_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) ORDER BY o.id`,
      [teacherId],
    )
  ).map((o) => ({ id: Number(o.id), g: Number(o.g) }));
  // Closed and reopened by the tests of closing (each undoes its lock): best one whose cells are unused.
  const closableRows = [...own.filter((o) => !used.has(o.id)), ...own].slice(0, 1);
  const assessments: unknown[] = [];
  let n = 0;
  for (const o of closableRows) {
    const members = await db.query<{ s: number }>(
      `SELECT student_id AS s FROM enrolments WHERE group_id = $1 AND starts_on <= '2026-11-26'
       AND (ends_on IS NULL OR ends_on >= '2026-11-26')`,
      [o.g],
    );
    for (const m of members)
      assessments.push({
        table: 'assessments',
        key: { id: 810000 + n++ },
        set: {
          offering_id: o.id,
          student_id: m.s,
          kind: 'intermediate',
          ordinal: 1,
          date: '2026-11-25',
          grade: 4,
        },
      });
  }
  const othersOffering = Number(
    (
      await one<{ id: number }>(db, 'SELECT id FROM offerings WHERE teacher_id <> $1 ORDER BY id LIMIT 1', [
        teacherId,
      ])
    ).id,
  );
  const f1 = (
    await db.query<{ id: number }>(
      `SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.teacher_id <> $1
       AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) ORDER BY o.id`,
      [teacherId],
    )
  ).map((o) => Number(o.id));
  const closedF1 = f1.slice(0, 4);
  const offeringsF1 = f1.slice(4, 14);
  const offeringF2 = Number(
    (
      await one<{ id: number }>(
        db,
        'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 2 ORDER BY o.id LIMIT 1',
      )
    ).id,
  );
  const deptTeachers = async (d: number) =>
    (
      await db.query<{ t: number }>(
        'SELECT teacher_id AS t FROM teacher_departments WHERE department_id = $1 ORDER BY teacher_id',
        [d],
      )
    ).map((r) => Number(r.t));
  const dept1Teachers = await deptTeachers(1);
  const [dept4Teacher] = await deptTeachers(4);
  if (dept4Teacher === undefined) throw new Error('no teacher in department 4');

  // An absence of a department-1 teacher over December and January; who is free at each of its lessons.
  const absentTeacher = dept1Teachers.find((t) => t !== teacherId) ?? teacherId;
  const absenceId = randomUUID();
  const absLessons = await db.query<{ id: number; date: string; pair: number }>(
    `SELECT l.id, l.date, l.pair FROM lessons l JOIN offerings o ON o.id = l.offering_id
     WHERE o.teacher_id = $1 AND l.status = 'scheduled' AND l.date BETWEEN '2026-12-01' AND '2027-01-20'
     AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date, l.pair`,
    [absentTeacher],
  );
  const lessons: Array<{ lessonId: number; free: number; date: string; pair: number }> = [];
  for (const l of absLessons) {
    const [free] = await db.query<{ id: number }>(
      `SELECT t.id FROM teachers t WHERE t.id <> $1 AND t.id <> $4
       AND NOT EXISTS (SELECT 1 FROM lessons x JOIN offerings o ON o.id = x.offering_id
                       WHERE o.teacher_id = t.id AND x.date = $2 AND x.pair = $3)
       AND NOT EXISTS (SELECT 1 FROM substitutions s JOIN lessons x ON x.id = s.lesson_id
                       WHERE s.substitute_teacher_id = t.id AND s.cancelled_at IS NULL AND x.date = $2 AND x.pair = $3)
       AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.teacher_id = t.id AND a.starts_on <= $2 AND a.ends_on >= $2)
       ORDER BY t.id LIMIT 1`,
      [absentTeacher, l.date, l.pair, dept4Teacher],
    );
    if (free)
      lessons.push({ lessonId: Number(l.id), free: Number(free.id), date: l.date, pair: Number(l.pair) });
  }
  // Lessons at distinct pairs only: two assignments of one person at one pair would clash.
  const seen = new Set<string>();
  const distinct = lessons.filter((l) => {
    const k = `${l.date}|${l.pair}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (distinct.length < 12) throw new Error('not enough lessons to cover in the tiny demo');
  const toCancel = distinct.slice(8, 12);
  const dept1Substitutions = toCancel.map(() => randomUUID());
  const dept4Absence = randomUUID();
  const [dept4Lesson] = await db.query<{ id: number }>(
    `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE o.teacher_id = $1 ORDER BY l.id LIMIT 1`,
    [dept4Teacher],
  );
  const foreign = {
    lock: randomUUID(),
    unlock: randomUUID(),
    check: randomUUID(),
    absence: dept4Absence,
    substitution: randomUUID(),
    paper: randomUUID(),
    package: randomUUID(),
    purge: randomUUID(),
    document: randomUUID(),
    message: '',
  };
  const papersF1 = Array.from({ length: 8 }, () => randomUUID());
  const packagesF1 = Array.from({ length: 4 }, () => randomUUID());
  const purgeGroups = [1, 2, 3].map((group) => ({ group, packageId: randomUUID() }));
  const purgeGroupF2 = 4;
  const row = (table: string, key: Record<string, unknown>, set: Record<string, unknown>) => ({
    table,
    key,
    set,
  });
  const paper = (id: string, offeringId: number) =>
    row(
      'paper_journals',
      { id },
      {
        offering_id: offeringId,
        number: `ЖУР-${offeringId}-20261120-120000`,
        code: 'AAAA-BBBB-CCCC',
        locale: 'ru',
        pages: 3,
        printed_at: 1_700_000_000_000,
        printed_by: null,
        signed_on: null,
        archived_on: null,
        transfer_act: null,
      },
    );
  const pkg = (
    id: string,
    unitKind: string,
    unitId: number,
    periodKind: string,
    periodId: number,
    year: number,
    verified: boolean,
  ) =>
    row(
      'archive_packages',
      { id },
      {
        unit_kind: unitKind,
        unit_id: unitId,
        period_kind: periodKind,
        period_id: periodId,
        academic_year_id: year,
        file_name: `${id}.zip`,
        size_bytes: 10,
        digest: DIGEST,
        counts: '{}',
        made_at: 1_700_000_000_000,
        made_by: null,
        verified_at: verified ? 1_700_000_000_000 : null,
        verified_by: null,
      },
    );
  await centralEdit(url, [
    ...assessments,
    // Closed offerings of faculty 1, and an absence of department 1 over December.
    ...closedF1.map((o) =>
      row(
        'locks',
        { id: randomUUID() },
        { offering_id: o, closed_on: '2026-11-20', closed_at: 1_700_000_000_000, closed_by: null },
      ),
    ),
    row(
      'locks',
      { id: foreign.lock },
      { offering_id: offeringF2, closed_on: '2026-11-20', closed_at: 1_700_000_000_000, closed_by: null },
    ),
    row(
      'unlocks',
      { id: foreign.unlock },
      {
        offering_id: offeringF2,
        lesson_id: null,
        student_id: null,
        reason: 'fixture',
        granted_by: users.dean2,
        granted_at: 1_700_000_000_000,
        expires_at: 1_700_000_100_000,
      },
    ),
    row(
      'weekly_checks',
      { id: foreign.check },
      {
        unit_kind: 'faculty',
        unit_id: 2,
        period_from: '2026-11-16',
        period_to: '2026-11-22',
        week: '2026-W47',
        checked_by: users.dean2,
        checked_at: 1_700_000_000_000,
        comment: 'fixture',
        snapshot: '{}',
      },
    ),
    row(
      'absences',
      { id: absenceId },
      {
        teacher_id: absentTeacher,
        starts_on: '2026-12-01',
        ends_on: '2027-01-20',
        pairs: null,
        reason: 'illness',
        document_ref: null,
        created_by: users.head,
      },
    ),
    row(
      'absences',
      { id: dept4Absence },
      {
        teacher_id: dept4Teacher,
        starts_on: '2026-12-01',
        ends_on: '2027-01-20',
        pairs: null,
        reason: 'illness',
        document_ref: null,
        created_by: null,
      },
    ),
    ...toCancel.map((l, i) =>
      row(
        'substitutions',
        { id: dept1Substitutions[i] },
        {
          lesson_id: l.lessonId,
          absence_id: absenceId,
          absent_teacher_id: absentTeacher,
          substitute_teacher_id: l.free,
          assigned_by: users.head,
          assigned_at: 1_700_000_000_000,
          cancelled_at: null,
        },
      ),
    ),
    row(
      'substitutions',
      { id: foreign.substitution },
      {
        lesson_id: dept4Lesson?.id,
        absence_id: dept4Absence,
        absent_teacher_id: dept4Teacher,
        substitute_teacher_id: dept1Teachers[0],
        assigned_by: null,
        assigned_at: 1_700_000_000_000,
        cancelled_at: null,
      },
    ),
    ...papersF1.map((id, i) => paper(id, offeringsF1[i % offeringsF1.length] ?? 0)),
    paper(foreign.paper, offeringF2),
    ...packagesF1.map((id) => pkg(id, 'faculty', 1, 'semester', 1, 1, false)),
    pkg(foreign.package, 'faculty', 2, 'semester', 1, 1, false),
    // An expired year: verified packages of it for faculty-1 groups and a faculty-2 group.
    row(
      'academic_years',
      { id: OLD_YEAR },
      { name: '2019–2020', starts_on: '2019-09-01', ends_on: '2020-08-31' },
    ),
    row(
      'semesters',
      { id: 9901 },
      { academic_year_id: OLD_YEAR, number: 1, starts_on: '2019-09-01', ends_on: '2020-01-31' },
    ),
    row(
      'semesters',
      { id: 9902 },
      { academic_year_id: OLD_YEAR, number: 2, starts_on: '2020-02-01', ends_on: '2020-06-30' },
    ),
    ...purgeGroups.map((g) => pkg(g.packageId, 'group', g.group, 'year', OLD_YEAR, OLD_YEAR, true)),
    pkg(randomUUID(), 'group', purgeGroupF2, 'year', OLD_YEAR, OLD_YEAR, true),
    row(
      'documents',
      { id: foreign.document },
      {
        number: 'АКТ-20261120-120000',
        kind: 'act',
        locale: 'ru',
        code: 'AAAA-BBBB-CCCC',
        canon: 2,
        pages: 2,
        subject_kind: 'faculty',
        subject_id: 2,
        twin: null,
        printed_at: 1_700_000_000_000,
        printed_by: users.dean2,
      },
    ),
    row(
      'archive_purges',
      { id: foreign.purge },
      {
        academic_year_id: OLD_YEAR,
        unit_kind: 'group',
        unit_id: 5,
        package_id: foreign.package,
        requested_at: 1_700_000_000_000,
        requested_by: null,
        purged_at: null,
        counts: null,
      },
    ),
  ]);
  return {
    users,
    cells,
    foreignCell: { ...foreignCell, lessonId: Number(foreignCell.lessonId) },
    stranger,
    closable: closableRows.map((o) => o.id),
    othersOffering,
    closedF1,
    offeringF2,
    offeringsF1,
    dept1Teachers,
    dept4Teacher,
    absence: { id: absenceId, teacherId: absentTeacher, lessons: distinct.slice(0, 8) },
    dept1Substitutions,
    foreign,
    papersF1,
    packagesF1,
    oldYear: OLD_YEAR,
    purgeGroups,
    purgeGroupF2,
  };
}
