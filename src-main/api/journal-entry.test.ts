import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridLesson, HistoryEntry, JournalGrid } from '../../src-shared/contract/journal.contract';
import { lessonEditRefusal } from '../../src-shared/domain/edit-rights';
import type { App } from '../boot';
import { lessonEditContext } from '../db/lesson-edit.repo';
import { bootTiny, DEMO_NOW, login } from '../../tests/helpers/replica';

/**
 * What the entry screen reads: each lesson's edit refusal for the caller in the grid, and the history
 * of a cell or a topic from the audit log — on a real tiny replica, through the real dispatcher.
 */
let app: App;
let sql: App['db']['$client'];
let teacher: string;
let teacherId: number;
let empty: { lessonId: number; offeringId: number; members: number[] };

beforeAll(async () => {
  app = bootTiny();
  sql = app.db.$client;
  teacher = await login(app, 'teacher');
  teacherId = (sql.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number })
    .t;
  empty = emptyLesson();
});
afterAll(() => app.close());

async function ok<T>(method: string, input: unknown, session: string): Promise<T> {
  const r = await app.dispatch({ method, input, session });
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const grid = (session: string, offeringId: number) =>
  ok<JournalGrid>('journal.grid', { offeringId }, session);

/**
 * A begun (by the demo's 13:30), unlocked, uncovered lesson of the `teacher` account with nothing
 * recorded, and its students. The demo leaves today's morning lessons empty.
 */
function emptyLesson(): { lessonId: number; offeringId: number; members: number[] } {
  const l = sql
    .prepare(
      `SELECT l.id, l.offering_id o FROM lessons l JOIN offerings o ON o.id = l.offering_id
      JOIN bell_pairs b ON b.number = l.pair
      WHERE o.teacher_id = ? AND l.status = 'scheduled' AND (l.date < '2026-11-26' OR (l.date = '2026-11-26' AND b.starts_at <= '13:30'))
      AND l.topic IS NULL AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id)
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date DESC LIMIT 1`,
    )
    .get(teacherId) as { id: number; o: number } | undefined;
  if (!l) throw new Error('the teacher has no empty begun lesson');
  return { lessonId: l.id, offeringId: l.o, members: membersOf(l.id) };
}

function membersOf(lessonId: number): number[] {
  const c = lessonEditContext(app.db, lessonId);
  if (!c) throw new Error(`no lesson ${lessonId}`);
  return c.members;
}

const userName = (login: string) =>
  (sql.prepare('SELECT display_name n FROM users WHERE login = ?').get(login) as { n: string }).n;

describe('journal.cellHistory', () => {
  it('lists a cell’s edits oldest first — who, old and new — and whether they wait for AVN', async () => {
    const { lessonId, members } = empty;
    const [first, second] = members;
    if (first === undefined || second === undefined) throw new Error('lesson with fewer than 2 students');
    const setMark = (studentId: number, attendance: 'p' | 'a' | 'e' | null, grade: 5 | 4 | 3 | 2 | null) =>
      ok('journal.setMarks', { lessonId, marks: [{ studentId, attendance, grade }] }, teacher);
    expect(await ok('journal.cellHistory', { lessonId, studentId: first }, teacher)).toEqual([]);
    await setMark(first, 'p', null);
    await setMark(first, 'p', 5);
    await setMark(second, 'e', null);
    await setMark(first, 'p', 5); // the same value again: audited, but no change of the cell
    await setMark(first, 'a', null);
    await setMark(first, null, null);

    const history = await ok<HistoryEntry[]>('journal.cellHistory', { lessonId, studentId: first }, teacher);
    const who = userName('teacher');
    expect(history).toEqual([
      {
        at: DEMO_NOW,
        who,
        old: null,
        new: { attendance: 'p', grade: null },
        reason: null,
        pending: true,
        refused: false,
      },
      expect.objectContaining({ old: { attendance: 'p', grade: null }, new: { attendance: 'p', grade: 5 } }),
      expect.objectContaining({ old: { attendance: 'p', grade: 5 }, new: { attendance: 'a', grade: null } }),
      expect.objectContaining({ old: { attendance: 'a', grade: null }, new: null, who }),
    ]);
    // The other student's cell has its own history; the deanery reads the same as the teacher.
    const dean = await login(app, 'dean');
    expect(await ok('journal.cellHistory', { lessonId, studentId: second }, dean)).toEqual([
      expect.objectContaining({ old: null, new: { attendance: 'e', grade: null }, who }),
    ]);
    // Acknowledged by AVN: no longer pending.
    sql.prepare('UPDATE outbox SET acked_seq = 1').run();
    const acked = await ok<HistoryEntry[]>('journal.cellHistory', { lessonId, studentId: first }, teacher);
    expect(acked.every((e) => !e.pending)).toBe(true);
  });

  it('lists the topic’s changes without the lesson’s other changes (completion)', async () => {
    const { lessonId, members } = empty;
    await ok('journal.setTopic', { lessonId, topic: 'Тема 1' }, teacher);
    // Completing the lesson writes its row again (completed_at) with the same topic: not a topic change.
    await ok(
      'journal.setMarks',
      { lessonId, marks: members.map((studentId) => ({ studentId, attendance: 'p', grade: null })) },
      teacher,
    );
    await ok('journal.setTopic', { lessonId, topic: 'Тема 1. Введение' }, teacher);
    await ok('journal.setTopic', { lessonId, topic: null }, teacher);
    const history = await ok<HistoryEntry[]>('journal.cellHistory', { lessonId }, teacher);
    expect(history.map((e) => [e.old, e.new])).toEqual([
      [null, 'Тема 1'],
      ['Тема 1', 'Тема 1. Введение'],
      ['Тема 1. Введение', null],
    ]);
    expect(history.every((e) => e.who === userName('teacher'))).toBe(true);
  });

  it('is refused outside the caller’s scope', async () => {
    const foreign = sql
      .prepare(
        `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id
        WHERE g.faculty_id <> 1 LIMIT 1`,
      )
      .get() as { id: number };
    const dean = await login(app, 'dean');
    expect(
      await app.dispatch({ method: 'journal.cellHistory', input: { lessonId: foreign.id }, session: dean }),
    ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
  });
});

describe('the grid states the caller’s edit refusal per lesson', () => {
  const byId = (g: JournalGrid, id: number): GridLesson => {
    const l = g.lessons.find((x) => x.id === id);
    if (!l) throw new Error(`lesson ${id} not in the grid`);
    return l;
  };

  it('null for the teacher’s begun lesson, not_begun for a future one', async () => {
    const { lessonId, offeringId } = empty;
    const g = await grid(teacher, offeringId);
    expect(byId(g, lessonId).editRefusal).toBeNull();
    const future = g.lessons.find((l) => l.date > '2026-11-26' && l.status === 'scheduled');
    expect(future?.editRefusal).toBe('not_begun');
    // Today's lesson: begun at its pair's start, not at midnight.
    const today = sql
      .prepare(
        `SELECT l.id, l.offering_id o, b.starts_at s FROM lessons l JOIN offerings o ON o.id = l.offering_id
        JOIN bell_pairs b ON b.number = l.pair WHERE l.date = '2026-11-26' AND l.status = 'scheduled' AND o.teacher_id = ?`,
      )
      .all(teacherId) as Array<{ id: number; o: number; s: string }>;
    for (const t of today) {
      expect(byId(await grid(teacher, t.o), t.id).editRefusal).toBe(t.s <= '13:30' ? null : 'not_begun');
    }
  });

  it('locked for a closed offering’s lessons up to the closing date; a student unlock opens that student’s cells', async () => {
    const lock = sql
      .prepare(
        `SELECT k.offering_id o, k.closed_on c, u.login FROM locks k JOIN offerings o ON o.id = k.offering_id
        JOIN users u ON u.teacher_id = o.teacher_id WHERE u.login IN ('head', 'teacher', 'curator') LIMIT 1`,
      )
      .get() as { o: number; c: string; login: string };
    const owner = await login(app, lock.login);
    const g = await grid(owner, lock.o);
    const frozen = g.lessons.filter((l) => l.date <= lock.c && l.status === 'scheduled' && !l.substitute);
    const after = g.lessons.filter(
      (l) => l.date > lock.c && l.date < '2026-11-26' && l.status === 'scheduled',
    );
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every((l) => l.editRefusal === 'locked' && l.unlockedStudentIds.length === 0)).toBe(true);
    expect(after.filter((l) => !l.substitute).every((l) => l.editRefusal === null)).toBe(true);
    const cancelled = g.lessons.find((l) => l.status !== 'scheduled');
    if (cancelled) expect(cancelled.editRefusal).toBe('not_held');

    // The deanery unlocks one student of one frozen lesson.
    const target = frozen[0];
    const student = membersOf(target.id)[0];
    const other = membersOf(target.id)[1];
    const dean = await login(app, 'dean');
    await ok(
      'journal.unlock',
      { offeringId: lock.o, lessonId: target.id, studentId: student, days: 2, reason: 'исправление' },
      dean,
    );
    const opened = byId(await grid(owner, lock.o), target.id);
    expect(opened).toMatchObject({ editRefusal: 'locked', unlockedStudentIds: [student] });
    // What the grid says is what the write accepts: that student's cell, not another's.
    expect(
      await app.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: target.id, marks: [{ studentId: student, attendance: 'e', grade: null }] },
        session: owner,
      }),
    ).toMatchObject({ ok: true });
    expect(
      await app.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: target.id, marks: [{ studentId: other, attendance: 'e', grade: null }] },
        session: owner,
      }),
    ).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });

  it('not_responsible for every lesson of a deanery user, and for a lesson someone else covers', async () => {
    const dean = await login(app, 'dean');
    const { offeringId } = empty;
    const g = await grid(dean, offeringId);
    expect(g.lessons.length).toBeGreaterThan(0);
    expect(g.lessons.every((l) => l.editRefusal === 'not_responsible')).toBe(true);

    const cover = sql
      .prepare(
        `SELECT s.lesson_id l, l.offering_id o, s.absent_teacher_id a, s.substitute_teacher_id s FROM substitutions s
        JOIN lessons l ON l.id = s.lesson_id WHERE s.substitute_teacher_id = ? AND s.cancelled_at IS NULL LIMIT 1`,
      )
      .get(teacherId) as { l: number; o: number; a: number; s: number } | undefined;
    if (!cover) return;
    // The substitute may fill the covered lesson (the demo's covers are begun and unlocked or not).
    const asSub = byId(await grid(teacher, cover.o), cover.l);
    expect(asSub.editRefusal).not.toBe('not_responsible');
    const absentLogin = sql.prepare('SELECT login FROM users WHERE teacher_id = ?').get(cover.a) as
      { login: string } | undefined;
    if (!absentLogin || !['head', 'curator'].includes(absentLogin.login)) return;
    const absent = await login(app, absentLogin.login);
    expect(byId(await grid(absent, cover.o), cover.l).editRefusal).toBe('not_responsible');
  });

  it('agrees with the rule the writes apply, for every lesson the teacher can see', async () => {
    const offerings = sql
      .prepare(
        `SELECT DISTINCT o.id FROM offerings o WHERE o.teacher_id = @t OR EXISTS (SELECT 1 FROM substitutions s
        JOIN lessons l ON l.id = s.lesson_id WHERE l.offering_id = o.id AND s.substitute_teacher_id = @t)`,
      )
      .all({ t: teacherId }) as Array<{ id: number }>;
    let checked = 0;
    for (const o of offerings) {
      for (const l of (await grid(teacher, o.id)).lessons) {
        const c = lessonEditContext(app.db, l.id)!;
        expect(l.editRefusal, `lesson ${l.id}`).toBe(
          lessonEditRefusal(teacherId, c.facts, null, c.lock, c.unlocks, DEMO_NOW),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
