import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { sessionUserOf } from '../db/users.repo';
import { bootTiny, DEMO_NOW, login } from '../../tests/helpers/replica';

/**
 * Closing an offering (§4.3) and the deanery's time-limited unlock, and messages to AVN: each through the
 * one write path with its outbox mutation.
 */
let app: App;
let sql: App['db']['$client'];

beforeAll(() => {
  app = bootTiny();
  sql = app.db.$client;
});
afterAll(() => app.close());

function sessionOfTeacher(teacherId: number): string {
  const userId = (sql.prepare('SELECT id FROM users WHERE teacher_id = ?').get(teacherId) as { id: number })
    .id;
  const found = sessionUserOf(app.db, userId);
  if (!found) throw new Error('no user');
  return app.deps.sessions.create(found.user, found.grants).token;
}

/** An open whole-group offering of faculty 1 with begun lessons, and its teacher. */
function openOffering(): { offeringId: number; teacherId: number; members: number[] } {
  const o = sql
    .prepare(
      `SELECT o.id offeringId, o.teacher_id teacherId, o.group_id g FROM offerings o JOIN groups g ON g.id = o.group_id
      WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL AND o.lesson_kind = 'practice'
      AND o.teacher_id <> (SELECT teacher_id FROM users WHERE login = 'teacher')
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM substitutions s JOIN lessons l ON l.id = s.lesson_id WHERE l.offering_id = o.id)
      ORDER BY o.id LIMIT 1`,
    )
    .get() as { offeringId: number; teacherId: number; g: number };
  const members = (
    sql
      .prepare(
        "SELECT student_id s FROM enrolments WHERE group_id = ? AND starts_on <= '2026-11-26' AND (ends_on IS NULL OR ends_on >= '2026-11-26')",
      )
      .all(o.g) as Array<{ s: number }>
  ).map((r) => r.s);
  return { ...o, members };
}

describe('closing and unlocking', () => {
  it('closes only with every result in, locks the lessons, and the deanery can unlock for a while', async () => {
    const { offeringId, teacherId, members } = openOffering();
    const session = sessionOfTeacher(teacherId);
    // Not all results yet: refused, nothing written.
    const outbox = () => (sql.prepare('SELECT count(*) n FROM outbox').get() as { n: number }).n;
    const before = outbox();
    expect(await app.dispatch({ method: 'journal.close', input: { offeringId }, session })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('итоговый балл') as string },
    });
    expect(outbox()).toBe(before);
    // The intermediate results arrive (as sync would bring them from AVN).
    const ins =
      sql.prepare(`INSERT INTO assessments (id, offering_id, student_id, kind, ordinal, date, grade, row_version, updated_at)
      VALUES (?, ?, ?, 'intermediate', 1, '2026-11-25', 4, 1, 0)`);
    members.forEach((s, i) => ins.run(900000 + i, offeringId, s));
    // Somebody else's offering: refused.
    const other = await login(app, 'teacher');
    const foreign = await app.dispatch({ method: 'journal.close', input: { offeringId }, session: other });
    expect(foreign.ok).toBe(false);

    const closed = await app.dispatch({ method: 'journal.close', input: { offeringId }, session });
    expect(closed).toMatchObject({ ok: true, value: { closedOn: '2026-11-26', closedAt: DEMO_NOW } });
    expect(sql.prepare('SELECT name FROM outbox ORDER BY local_seq DESC LIMIT 1').get()).toEqual({
      name: 'locks.close',
    });
    expect(await app.dispatch({ method: 'journal.close', input: { offeringId }, session })).toMatchObject({
      ok: false,
      error: { code: 'LOCKED' },
    });

    // A lesson before the closing can no longer be changed by the teacher…
    const lesson = sql
      .prepare(
        "SELECT id FROM lessons WHERE offering_id = ? AND status = 'scheduled' AND date < '2026-11-26' ORDER BY date DESC LIMIT 1",
      )
      .get(offeringId) as { id: number };
    const edit = () =>
      app.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: lesson.id, marks: [{ studentId: members[0], attendance: 'e', grade: null }] },
        session,
      });
    expect(await edit()).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    // …until the deanery of the faculty grants a time-limited unlock with a reason.
    const dean = await login(app, 'dean');
    const dean2 = await login(app, 'dean2');
    expect(
      await app.dispatch({
        method: 'journal.unlock',
        input: { offeringId, days: 3, reason: 'Ошибка в ведомости' },
        session: dean2,
      }),
    ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    const unlocked = await app.dispatch({
      method: 'journal.unlock',
      input: { offeringId, lessonId: lesson.id, days: 3, reason: 'Ошибка в ведомости' },
      session: dean,
    });
    expect(unlocked).toMatchObject({ ok: true, value: { expiresAt: DEMO_NOW + 3 * 86_400_000 } });
    expect(
      sql.prepare('SELECT reason FROM audit_log WHERE entity = ? ORDER BY id DESC LIMIT 1').get('unlocks'),
    ).toEqual({ reason: 'Ошибка в ведомости' });
    expect((await edit()).ok).toBe(true);
  });

  it('refuses an unlock of an open offering', async () => {
    const { offeringId } = openOffering();
    const dean = await login(app, 'dean');
    expect(
      await app.dispatch({
        method: 'journal.unlock',
        input: { offeringId, days: 2, reason: 'просто так' },
        session: dean,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'offeringId' },
    });
  });
});

describe('messages to AVN', () => {
  it('queue a mutation in the outbox and nothing else', async () => {
    const dean = await login(app, 'dean');
    const to = (sql.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }).id;
    const r = await app.dispatch({
      method: 'messages.send',
      input: { toUserId: to, kind: 'notice', subject: 'Журнал', body: 'Заполните занятия за неделю 47' },
      session: dean,
    });
    expect(r.ok).toBe(true);
    const last = sql.prepare('SELECT name, args FROM outbox ORDER BY local_seq DESC LIMIT 1').get() as {
      name: string;
      args: string;
    };
    expect(last.name).toBe('messages.send');
    expect(JSON.parse(last.args)).toMatchObject({ toUserId: to, kind: 'notice', subject: 'Журнал' });
    expect(
      await app.dispatch({
        method: 'messages.send',
        input: { toUserId: 999999, kind: 'notice', subject: 'x', body: 'y' },
        session: dean,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
