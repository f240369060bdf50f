import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { sessionUserOf } from '../db/users.repo';
import { bootTiny, DEMO_NOW, lessonMembers, login } from '../../tests/helpers/replica';

/**
 * Journal entry through the one write path: the row, its audit entry and its outbox mutation are
 * written together or not at all; rights follow the responsible teacher, the lesson's state and locks.
 */
let app: App;
let sql: App['db']['$client'];

beforeAll(() => {
  app = bootTiny();
  sql = app.db.$client;
});
afterAll(() => app.close());

const count = (table: string) => (sql.prepare(`SELECT count(*) n FROM ${table}`).get() as { n: number }).n;
const refused = () =>
  (sql.prepare("SELECT count(*) n FROM audit_log WHERE op = 'refused'").get() as { n: number }).n;
/** What an edit changes; a refused edit adds only its own audit entry (`refused`), counted apart. */
const snapshot = () => ({
  marks: count('marks'),
  audit: count('audit_log') - refused(),
  outbox: count('outbox'),
  // What is stored (a refused batch is rolled back whole: the rows, the audit and the outbox).
  stored: JSON.stringify(
    sql
      .prepare('SELECT lesson_id, student_id, attendance, grade, row_version FROM marks ORDER BY 1, 2')
      .all(),
  ),
});

/** A session for any teacher of the replica (the real session store; their password is central). */
function sessionOfTeacher(teacherId: number): string {
  const userId = (sql.prepare('SELECT id FROM users WHERE teacher_id = ?').get(teacherId) as { id: number })
    .id;
  const found = sessionUserOf(app.db, userId)!;
  return app.deps.sessions.create(found.user, found.grants).token;
}

const membersOf = (lessonId: number) => lessonMembers(app, lessonId);

/** A begun, unlocked, uncovered lesson of a teacher's own offering, with nothing recorded yet. */
function emptyOwnLesson(teacherId: number): number {
  const row = sql
    .prepare(
      `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id
      WHERE o.teacher_id = ? AND l.status = 'scheduled' AND l.date < '2026-11-26' AND l.topic IS NULL
      AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id)
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date LIMIT 1`,
    )
    .get(teacherId) as { id: number } | undefined;
  if (!row) throw new Error(`teacher ${teacherId} has no empty lesson`);
  return row.id;
}

function anyTeacherWithEmptyLesson(): number {
  const r = sql
    .prepare(
      `SELECT o.teacher_id t FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.status = 'scheduled'
      AND l.date < '2026-11-26' AND l.topic IS NULL AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id)
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id)
      LIMIT 1`,
    )
    .get() as { t: number };
  return r.t;
}

describe('journal entry', () => {
  it('writes the marks, their audit and their outbox mutations in one go, and records completion once', async () => {
    const teacherId = anyTeacherWithEmptyLesson();
    const session = sessionOfTeacher(teacherId);
    const lessonId = emptyOwnLesson(teacherId);
    const members = membersOf(lessonId);
    expect(members.length).toBeGreaterThan(2);
    const before = snapshot();

    const topic = await app.dispatch({
      method: 'journal.setTopic',
      input: { lessonId, topic: 'Тема 3. Функции' },
      session,
    });
    expect(topic).toMatchObject({ ok: true, value: { topic: 'Тема 3. Функции', completedAt: null } });
    const marks = members.map((studentId, i) => ({
      studentId,
      attendance: i === 0 ? 'a' : 'p',
      grade: i === 1 ? 5 : null,
    }));
    const r = await app.dispatch({ method: 'journal.setMarks', input: { lessonId, marks }, session });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect((r.value as { completedAt: number }).completedAt).toBe(DEMO_NOW);

    const after = snapshot();
    expect(after.marks - before.marks).toBe(members.length);
    expect(after.outbox - before.outbox).toBe(members.length + 1);
    // One audit row per changed row: the topic, each mark, and the completion.
    expect(after.audit - before.audit).toBe(members.length + 2);
    const outbox = sql
      .prepare('SELECT name, args, base_version baseVersion FROM outbox ORDER BY local_seq')
      .all() as Array<{ name: string; args: string }>;
    expect(outbox[0]).toMatchObject({ name: 'lessons.setTopic' });
    expect(JSON.parse(outbox[2].args)).toEqual({
      lessonId,
      studentId: members[1],
      attendance: 'p',
      grade: 5,
    });
    const audit = sql.prepare("SELECT * FROM audit_log WHERE entity = 'marks' ORDER BY id LIMIT 1").get() as {
      user_id: number;
      op: string;
      new_value: string;
      mutation_id: string;
    };
    expect(audit.op).toBe('insert');
    expect(JSON.parse(audit.new_value)).toMatchObject({
      lesson_id: lessonId,
      attendance: 'a',
      updated_at: DEMO_NOW,
    });
    expect(sql.prepare('SELECT count(*) n FROM outbox WHERE mutation_id = ?').get(audit.mutation_id)).toEqual(
      { n: 1 },
    );
    expect(sql.prepare('SELECT conducted_by FROM lessons WHERE id = ?').get(lessonId)).toEqual({
      conducted_by: teacherId,
    });

    // Clearing a mark makes the lesson incomplete again, but its first completion time is kept.
    const cleared = await app.dispatch({
      method: 'journal.setMarks',
      input: { lessonId, marks: [{ studentId: members[0], attendance: null, grade: null }] },
      session,
    });
    expect(cleared).toMatchObject({ ok: true, value: { completedAt: DEMO_NOW, marks: [] } });
    expect(count('marks')).toBe(after.marks - 1);
  });

  it('writes nothing at all when one cell of a batch is invalid', async () => {
    const teacherId = anyTeacherWithEmptyLesson();
    const session = sessionOfTeacher(teacherId);
    const lessonId = emptyOwnLesson(teacherId);
    const [first] = membersOf(lessonId);
    const stranger = (
      sql
        .prepare(
          'SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM enrolments WHERE group_id = (SELECT o.group_id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.id = ?)) LIMIT 1',
        )
        .get(lessonId) as { id: number }
    ).id;
    const before = snapshot();
    const r = await app.dispatch({
      method: 'journal.setMarks',
      input: {
        lessonId,
        marks: [
          { studentId: first, attendance: 'p', grade: null },
          { studentId: stranger, attendance: 'p', grade: null },
        ],
      },
      session,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'marks.1.studentId' } });
    expect(snapshot()).toEqual(before);
  });

  it('lets a substitute fill exactly the covered lesson, and not the absent teacher', async () => {
    const sub = sql
      .prepare(
        `SELECT s.lesson_id lessonId, s.substitute_teacher_id subId, s.absent_teacher_id absentId, l.offering_id offeringId
      FROM substitutions s JOIN lessons l ON l.id = s.lesson_id WHERE l.date < '2026-11-26' AND l.status = 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = l.offering_id) LIMIT 1`,
      )
      .get() as { lessonId: number; subId: number; absentId: number; offeringId: number };
    const member = membersOf(sub.lessonId)[0];
    const cell = { studentId: member, attendance: 'p', grade: 4 };
    const asSub = sessionOfTeacher(sub.subId);
    expect(
      await app.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: sub.lessonId, marks: [cell] },
        session: asSub,
      }),
    ).toMatchObject({ ok: true });
    const absent = sessionOfTeacher(sub.absentId);
    const before = snapshot();
    expect(
      await app.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: sub.lessonId, marks: [cell] },
        session: absent,
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'EDIT_FORBIDDEN',
        message: 'Вы не можете изменить это занятие: его ведёт другой преподаватель',
      },
    });
    // Another lesson of the same offering, not assigned to the substitute.
    const other = sql
      .prepare(
        `SELECT l.id FROM lessons l WHERE l.offering_id = ? AND l.date < '2026-11-26' AND l.status = 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
      )
      .get(sub.offeringId) as { id: number };
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId: other.id, topic: 'x' },
        session: asSub,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'EDIT_FORBIDDEN' },
    });
    expect(snapshot()).toEqual(before);
  });

  it('refuses locked lessons, lessons not begun and other teachers’ lessons, writing nothing', async () => {
    const locked = sql
      .prepare(
        `SELECT l.id, o.teacher_id t FROM locks k JOIN offerings o ON o.id = k.offering_id
      JOIN lessons l ON l.offering_id = o.id WHERE l.date <= k.closed_on AND l.status = 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
      )
      .get() as { id: number; t: number };
    const owner = sessionOfTeacher(locked.t);
    const before = snapshot();
    const r = await app.dispatch({
      method: 'journal.setMarks',
      input: {
        lessonId: locked.id,
        marks: [{ studentId: membersOf(locked.id)[0], attendance: 'a', grade: null }],
      },
      session: owner,
      locale: 'ky',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'LOCKED', field: 'marks.0' } });
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId: locked.id, topic: 'x' },
        session: owner,
      }),
    ).toMatchObject({ ok: false, error: { code: 'LOCKED' } });

    const future = sql
      .prepare(
        `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE o.teacher_id = ? AND l.date > '2026-11-26'
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
      )
      .get(locked.t) as { id: number };
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId: future.id, topic: 'x' },
        session: owner,
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'EDIT_FORBIDDEN',
        message: 'Вы не можете изменить это занятие: занятие ещё не началось',
      },
    });

    const teacher = await login(app, 'teacher');
    const foreign = sql
      .prepare(
        `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE o.teacher_id <> (SELECT teacher_id FROM users WHERE login = 'teacher')
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id IN (SELECT id FROM lessons WHERE offering_id = o.id)) LIMIT 1`,
      )
      .get() as { id: number };
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId: foreign.id, topic: 'x' },
        session: teacher,
      }),
    ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    // Only teachers enter marks: the deanery may view but not edit.
    const dean = await login(app, 'dean');
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId: locked.id, topic: 'x' },
        session: dean,
      }),
    ).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
    expect(snapshot()).toEqual(before);
  });

  it('keeps the audit log append-only', () => {
    expect(count('audit_log')).toBeGreaterThan(0);
    expect(() => sql.prepare('UPDATE audit_log SET reason = ?').run('x')).toThrow(/append-only/);
    expect(() => sql.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});
