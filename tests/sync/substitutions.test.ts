import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { queueUnjudged } from '../helpers/outbox';
import { callOk, DEMO_NOW } from '../helpers/replica';
import { BACKENDS, testGateway } from '../helpers/central';
import {
  centralEdit,
  centralOutcomes,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * Substitutions reach the centre through the outbox and are judged there again: the head's absence and
 * assignment are applied once; a double booking, an assignment by someone who is not the head, and the
 * substitute's edit after the assignment was revoked are refused centrally even when they bypass the
 * desktop's checks (written straight into the outbox). Tiny demo: teacher 15 absent 18–20 Nov (lessons
 * 589 and 605); teacher 16 (`teacher`) teaches lesson 621 at 605's pair.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

const userOf = (app: App, login: string) =>
  (app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number }).id;

const ok = callOk;

describe.each(BACKENDS)('substitutions through sync on %s', (backend) => {
  it('absence and cover applied once; double booking, a non-head and a revoked substitute refused centrally', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'head', 'demo');
    await a.deps.sync.sync();
    const head = await desktopLogin(a, 'head');
    const sub = await desktopLogin(a, 'teacher');
    // The deanery's central token, for the forged assignment below.
    await desktopLogin(a, 'dean');
    const reg = await ok<{ absence: { id: string } }>(
      a,
      'subs.registerAbsence',
      {
        teacherId: 15,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'illness',
        documentRef: '№ 12',
      },
      head,
    );
    const absenceId = reg.absence.id;
    await ok(a, 'subs.assign', { absenceId, lessonIds: [589], substituteId: 16 }, head);
    expect(await a.deps.sync.sync()).toMatchObject({ pushed: 3, applied: 3, conflicts: 0 });
    const central = await gw.db.query<{
      lesson_id: number;
      substitute_teacher_id: number;
      assigned_by: number;
    }>('SELECT lesson_id, substitute_teacher_id, assigned_by FROM substitutions WHERE absence_id = $1', [
      absenceId,
    ]);
    expect(central).toEqual([{ lesson_id: 589, substitute_teacher_id: 16, assigned_by: userOf(a, 'head') }]);
    const messages = await gw.db.query<{ to_user_id: number; kind: string }>(
      "SELECT to_user_id, kind FROM messages WHERE kind = 'substitution'",
    );
    expect(messages).toEqual([{ to_user_id: userOf(a, 'teacher'), kind: 'substitution' }]);

    // The substitute fills the covered lesson; the centre takes it from them.
    await ok(a, 'journal.setTopic', { lessonId: 589, topic: 'Проведено на замене' }, sub);
    expect(await a.deps.sync.sync()).toMatchObject({ applied: 1, conflicts: 0 });
    const [lesson] = await gw.db.query<{ topic: string; conducted_by: number }>(
      'SELECT topic, conducted_by FROM lessons WHERE id = 589',
    );
    expect(lesson).toEqual({ topic: 'Проведено на замене', conducted_by: 16 });

    // Forged past the desktop's checks: teacher 16 at 605's pair (they teach lesson 621 then), and an
    // assignment by the deanery, which may only look.
    const forged = (login: string, substitutionId: string, lessonId: number, substituteTeacherId: number) =>
      queueUnjudged(a.db, { userId: userOf(a, login), deviceId: a.deps.deviceId, now: DEMO_NOW }, [
        {
          name: 'substitutions.assign',
          args: { substitutionId, lessonId, absenceId, substituteTeacherId },
          baseVersion: null,
          changes: [],
        },
      ]);
    forged('head', '0192d0a0-0000-7000-8000-00000000aa01', 605, 16);
    forged('dean', '0192d0a0-0000-7000-8000-00000000aa02', 605, 17);
    expect(await a.deps.sync.sync()).toMatchObject({ pushed: 2, applied: 0, conflicts: 2 });
    const outcomes = await gw.db.query<{ outcome: string; reason: string }>(
      `SELECT outcome, reason FROM mutations WHERE name = 'substitutions.assign' AND outcome <> 'APPLIED' ORDER BY local_seq`,
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['CONFLICT', 'FORBIDDEN']);
    expect(outcomes[0]?.reason).toContain('own_lesson');
    expect(await gw.db.query('SELECT 1 FROM substitutions WHERE lesson_id = 605')).toHaveLength(0);

    // Revoked: the cancellation reaches the centre; a later edit by the substitute, forged into the
    // outbox, is refused there and audited.
    const coverId = (
      a.db.$client
        .prepare('SELECT id FROM substitutions WHERE lesson_id = 589 AND cancelled_at IS NULL')
        .get() as {
        id: string;
      }
    ).id;
    await ok(a, 'subs.cancel', { substitutionIds: [coverId] }, head);
    expect(await a.deps.sync.sync()).toMatchObject({ applied: 1, conflicts: 0 });
    queueUnjudged(a.db, { userId: userOf(a, 'teacher'), deviceId: a.deps.deviceId, now: DEMO_NOW }, [
      {
        name: 'lessons.setTopic',
        args: { lessonId: 589, topic: 'После отмены замены' },
        baseVersion: Number(
          (a.db.$client.prepare('SELECT row_version v FROM lessons WHERE id = 589').get() as { v: number }).v,
        ),
        changes: [],
      },
    ]);
    expect(await a.deps.sync.sync()).toMatchObject({ pushed: 1, applied: 0, conflicts: 1 });
    const [after] = await gw.db.query<{ topic: string }>('SELECT topic FROM lessons WHERE id = 589');
    expect(after?.topic).toBe('Проведено на замене');
    const audit = await gw.db.query<{ outcome: string; entity: string }>(
      "SELECT outcome, entity FROM central_audit WHERE entity = 'lessons.setTopic' AND outcome <> 'APPLIED'",
    );
    expect(audit).toEqual([{ outcome: 'FORBIDDEN', entity: 'lessons.setTopic' }]);
    expect((await centralOutcomes(gw.db, a.deps.deviceId)).byOutcome).toMatchObject({
      FORBIDDEN: 2,
      CONFLICT: 1,
    });
    await expectReplicaEqualsCentral(a, gw.db, 'department:1');
  });

  it('pending absences and covers survive a new download (MUST_RESYNC) and reach the centre after it', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    // The deanery's account connected the replica (it pulls); the head pushes their own edits.
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await a.deps.sync.sync();
    const head = await desktopLogin(a, 'head');
    const reg = await ok<{ absence: { id: string } }>(
      a,
      'subs.registerAbsence',
      {
        teacherId: 15,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'training',
        documentRef: null,
      },
      head,
    );
    const absenceId = reg.absence.id;
    await ok(a, 'subs.assign', { absenceId, lessonIds: [589], substituteId: 16, notify: false }, head);
    await ok(a, 'subs.assign', { absenceId, lessonIds: [605], substituteId: 17, notify: false }, head);
    const first = (
      a.db.$client
        .prepare('SELECT id FROM substitutions WHERE lesson_id = 605 AND cancelled_at IS NULL')
        .get() as {
        id: string;
      }
    ).id;
    await ok(a, 'subs.cancel', { substitutionIds: [first] }, head);
    // The centre prunes its log past this replica's cursor: the replica downloads its scope again and
    // re-applies its pending edits on top before pushing them.
    await centralEdit(gw.url, [
      {
        table: 'calendar_days',
        key: { id: 999 },
        set: { date: '2027-01-02', kind: 'non_teaching', name_ru: 'Каникулы', name_ky: 'Каникул' },
      },
    ]);
    await gw.db.query('UPDATE sync_counter SET pruned_through = seq WHERE id = 1');
    // The head's gateway token is gone (they must log in online again): the outbox waits, so the
    // rows after the new download are the re-applied pending edits alone.
    a.deps.sync.dropTokens(userOf(a, 'head'));
    const held = await a.deps.sync.sync();
    expect(held).toMatchObject({ resynced: true, applied: 0 });
    const local = a.db.$client
      .prepare(
        'SELECT s.lesson_id l, s.substitute_teacher_id t, s.cancelled_at IS NOT NULL c, s.row_version v FROM substitutions s WHERE absence_id = ? ORDER BY l, c',
      )
      .all(absenceId);
    expect(local).toEqual([
      { l: 589, t: 16, c: 0, v: 0 },
      { l: 605, t: 17, c: 1, v: 0 },
    ]);
    expect(a.db.$client.prepare('SELECT reason FROM absences WHERE id = ?').get(absenceId)).toEqual({
      reason: 'training',
    });
    await desktopLogin(a, 'head');
    const r = await a.deps.sync.sync();
    expect(r).toMatchObject({ applied: 4, conflicts: 0 });
    const central = await gw.db.query<{
      lesson_id: number;
      substitute_teacher_id: number;
      cancelled: boolean;
    }>(
      'SELECT lesson_id, substitute_teacher_id, cancelled_at IS NOT NULL AS cancelled FROM substitutions WHERE absence_id = $1 ORDER BY lesson_id',
      [absenceId],
    );
    expect(central).toEqual([
      { lesson_id: 589, substitute_teacher_id: 16, cancelled: false },
      { lesson_id: 605, substitute_teacher_id: 17, cancelled: true },
    ]);
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
  });
});
