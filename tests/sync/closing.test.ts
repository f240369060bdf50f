import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { queueUnjudged } from '../helpers/outbox';
import { DEMO_NOW } from '../helpers/replica';
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
 * Closing, unlocking and messages reach the centre through the outbox like marks do: applied once,
 * audited, refused durably when another closing came first.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

/** An open offering of the demo teacher in faculty 1, with every intermediate result entered centrally. */
async function closable(gatewayUrl: string, app: App): Promise<number> {
  const sql = app.db.$client;
  const o = sql
    .prepare(
      `SELECT o.id, o.group_id g FROM offerings o JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher'
      JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) ORDER BY o.id LIMIT 1`,
    )
    .get() as { id: number; g: number };
  const members = sql
    .prepare(
      "SELECT student_id s FROM enrolments WHERE group_id = ? AND starts_on <= '2026-11-26' AND (ends_on IS NULL OR ends_on >= '2026-11-26')",
    )
    .all(o.g) as Array<{ s: number }>;
  await centralEdit(
    gatewayUrl,
    members.map((m, i) => ({
      table: 'assessments',
      key: { id: 800000 + i },
      set: {
        offering_id: o.id,
        student_id: m.s,
        kind: 'intermediate',
        ordinal: 1,
        date: '2026-11-25',
        grade: 4,
      },
    })),
  );
  return o.id;
}

describe.each(BACKENDS)('closing through sync on %s', (backend) => {
  it('a closing, an unlock and a message are applied centrally once; a second closing elsewhere is a stored conflict', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    const b = track(emptyReplica());
    for (const app of [a, b]) {
      await app.deps.sync.connect(gw.url, 'dean', 'demo');
      await app.deps.sync.sync();
    }
    const offeringId = await closable(gw.url, a);
    for (const app of [a, b]) await app.deps.sync.sync();
    const ta = await desktopLogin(a, 'teacher');
    const tb = await desktopLogin(b, 'teacher');
    // Both PCs close the same offering while offline; A syncs first.
    expect((await a.dispatch({ method: 'journal.close', input: { offeringId }, session: ta })).ok).toBe(true);
    expect((await b.dispatch({ method: 'journal.close', input: { offeringId }, session: tb })).ok).toBe(true);
    await a.deps.sync.sync();
    const rb = await b.deps.sync.sync();
    expect(rb).toMatchObject({ pushed: 1, applied: 0, conflicts: 1 });
    const locks = await gw.db.query<{ id: string; closed_by: number }>(
      'SELECT id, closed_by FROM locks WHERE offering_id = $1',
      [offeringId],
    );
    expect(locks).toHaveLength(1);
    // B now holds the centre's closing, and its own waits in the conflicts.
    expect(b.db.$client.prepare('SELECT id FROM locks WHERE offering_id = ?').all(offeringId)).toEqual([
      { id: locks[0]?.id },
    ]);
    expect(b.deps.sync.status().conflicts).toBe(1);

    // The deanery grants an unlock on A and writes to the teacher.
    const dean = await desktopLogin(a, 'dean');
    const teacherUser = (
      a.db.$client.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }
    ).id;
    expect(
      (
        await a.dispatch({
          method: 'journal.unlock',
          input: { offeringId, days: 2, reason: 'Исправление ошибки в оценке' },
          session: dean,
        })
      ).ok,
    ).toBe(true);
    expect(
      (
        await a.dispatch({
          method: 'messages.send',
          input: {
            toUserId: teacherUser,
            kind: 'notice',
            subject: 'Ведомость',
            body: 'Исправьте оценку до пятницы',
          },
          session: dean,
        })
      ).ok,
    ).toBe(true);
    const ra = await a.deps.sync.sync();
    expect(ra).toMatchObject({ applied: 2, conflicts: 0 });
    const unlocks = await gw.db.query<{ reason: string; granted_by: number }>(
      'SELECT reason, granted_by FROM unlocks WHERE offering_id = $1',
      [offeringId],
    );
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]?.reason).toBe('Исправление ошибки в оценке');
    const messages = await gw.db.query<{ subject: string; to_user_id: number }>(
      'SELECT subject, to_user_id FROM messages',
    );
    expect(messages).toEqual([{ subject: 'Ведомость', to_user_id: teacherUser }]);
    expect((await centralOutcomes(gw.db, a.deps.deviceId)).byOutcome).toEqual({ APPLIED: 3 });
    expect((await centralOutcomes(gw.db, b.deps.deviceId)).byOutcome).toEqual({ CONFLICT: 1 });
    await b.deps.sync.sync();
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
    await expectReplicaEqualsCentral(b, gw.db, 'faculty:1');
  });

  it('a recorded weekly check reaches the centre once and every replica; one for another faculty is refused', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    const other = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await other.deps.sync.connect(gw.url, 'dean2', 'demo');
    for (const app of [a, other]) await app.deps.sync.sync();
    const dean = await desktopLogin(a, 'dean');
    const r = await a.dispatch({ method: 'control.record', input: { comment: 'Проверено' }, session: dean });
    if (!r.ok) throw new Error(r.error.message);
    const id = (r.value as { id: string }).id;
    // A forged record for the other faculty, straight into the outbox, is refused centrally.
    const userId = (a.db.$client.prepare("SELECT id FROM users WHERE login = 'dean'").get() as { id: number })
      .id;
    queueUnjudged(a.db, { userId, deviceId: a.deps.deviceId, now: DEMO_NOW }, [
      {
        name: 'checks.record',
        args: {
          checkId: '0192d0a0-0000-7000-8000-000000000001',
          unitKind: 'faculty',
          unitId: 2,
          periodFrom: '2026-11-16',
          periodTo: '2026-11-22',
          week: '2026-W47',
          comment: '',
          snapshot: '{}',
        },
        baseVersion: null,
        changes: [],
      },
    ]);
    const ra = await a.deps.sync.sync();
    expect(ra).toMatchObject({ pushed: 2, applied: 1, conflicts: 1 });
    const central = await gw.db.query<{ id: string; checked_by: number; comment: string; unit_id: number }>(
      'SELECT id, checked_by, comment, unit_id FROM weekly_checks',
    );
    expect(central).toEqual([{ id, checked_by: userId, comment: 'Проверено', unit_id: 1 }]);
    expect((await centralOutcomes(gw.db, a.deps.deviceId)).byOutcome).toEqual({ APPLIED: 1, FORBIDDEN: 1 });
    const listed = await a.dispatch({ method: 'control.checks', input: {}, session: dean });
    expect(listed).toMatchObject({ ok: true, value: [{ id, pending: false }] });
    // Reference data: the other faculty's replica holds it too (its deanery does not list it).
    await other.deps.sync.sync();
    expect(other.db.$client.prepare('SELECT id FROM weekly_checks').all()).toEqual([{ id }]);
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
    await expectReplicaEqualsCentral(other, gw.db, 'faculty:2');
  });
});
