import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import {
  centralEdit,
  centralOutcomes,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * Sync against a real gateway (in this process, real HTTP on loopback) on PGlite and — when
 * DATABASE_URL is set — PostgreSQL, with real SQLite replicas. Every scenario ends with the replica equal
 * to central row by row AND every submitted mutation accounted for by an outcome in the central audit.
 */
const open: Array<App | TestGateway> = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if ('stop' in o) await o.stop();
    else o.close();
  }
});

async function setup(
  backend: (typeof BACKENDS)[number],
  account = 'dean',
): Promise<{ gw: TestGateway; app: App; scope: string }> {
  const gw = await testGateway(backend);
  const app = emptyReplica();
  open.push(app, gw);
  const c = await app.deps.sync.connect(gw.url, account, 'demo');
  await app.deps.sync.sync();
  return { gw, app, scope: c.scope };
}

/** An own lesson of a teacher: begun, not locked, not covered by a substitute; with its students that day. */
function emptyLessonOf(app: App, login: string): { lessonId: number; students: number[] } {
  const sql = app.db.$client;
  const l = sql
    .prepare(
      `SELECT l.id, o.group_id g, o.subgroup_id sg, l.date d FROM lessons l JOIN offerings o ON o.id = l.offering_id
      JOIN users u ON u.teacher_id = o.teacher_id
      WHERE u.login = ? AND l.status = 'scheduled' AND l.date < '2026-11-26'
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date DESC LIMIT 1`,
    )
    .get(login) as { id: number; g: number; sg: number | null; d: string } | undefined;
  if (!l) throw new Error(`no lesson of ${login}`);
  const students = (
    (l.sg === null
      ? sql
          .prepare(
            'SELECT student_id s FROM enrolments WHERE group_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY student_id',
          )
          .all(l.g, l.d, l.d)
      : sql
          .prepare(
            'SELECT student_id s FROM subgroup_members WHERE subgroup_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY student_id',
          )
          .all(l.sg, l.d, l.d)) as Array<{ s: number }>
  ).map((r) => r.s);
  return { lessonId: l.id, students };
}

describe.each(BACKENDS)('sync on %s', (backend) => {
  it('downloads a faculty scope and a department scope into empty replicas: equal to central, row by row', async () => {
    const { gw, app, scope } = await setup(backend, 'dean');
    expect(scope).toBe('faculty:1');
    expect(app.deps.sync.status()).toMatchObject({
      pending: 0,
      conflicts: 0,
      online: true,
      snapshotInProgress: false,
    });
    await expectReplicaEqualsCentral(app, gw.db, scope);
    const marks = (app.db.$client.prepare('SELECT count(*) n FROM marks').get() as { n: number }).n;
    expect(marks).toBeGreaterThan(500);

    const head = emptyReplica();
    open.push(head);
    const c = await head.deps.sync.connect(gw.url, 'head', 'demo');
    expect(c.scope).toBe('department:1');
    const r = await head.deps.sync.sync();
    expect(r.verified).toBe('equal');
    await expectReplicaEqualsCentral(head, gw.db, c.scope);
    // A department replica holds only the department's offerings' lessons.
    const foreign = head.db.$client
      .prepare(
        'SELECT count(*) n FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE o.department_id <> 1',
      )
      .get() as { n: number };
    expect(foreign.n).toBe(0);
  });

  it('pushes marks entered offline exactly once, audited centrally, and empties the outbox', async () => {
    const { gw, app, scope } = await setup(backend);
    const session = await desktopLogin(app, 'teacher');
    const { lessonId, students } = emptyLessonOf(app, 'teacher');
    const marks = students.map((studentId, i) => ({
      studentId,
      attendance: i % 5 === 0 ? 'a' : 'p',
      grade: i % 3 === 0 && i % 5 !== 0 ? 4 : null,
    }));
    const set = await app.dispatch({ method: 'journal.setMarks', input: { lessonId, marks }, session });
    expect(set.ok).toBe(true);
    expect(
      await app.dispatch({
        method: 'journal.setTopic',
        input: { lessonId, topic: 'Тема 2. Типы данных' },
        session,
      }),
    ).toMatchObject({ ok: true });
    expect(app.deps.sync.status().pending).toBe(students.length + 1);

    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: students.length + 1, applied: students.length + 1, conflicts: 0 });
    const central = await gw.db.query<{ student_id: number; attendance: string }>(
      'SELECT student_id, attendance FROM marks WHERE lesson_id = $1 ORDER BY student_id',
      [lessonId],
    );
    expect(central.map((m) => [m.student_id, m.attendance])).toEqual(
      marks.map((m) => [m.studentId, m.attendance]),
    );
    const [lesson] = await gw.db.query<{ topic: string; completed: number | null }>(
      'SELECT topic, completed_at AS completed FROM lessons WHERE id = $1',
      [lessonId],
    );
    expect(lesson).toMatchObject({ topic: 'Тема 2. Типы данных' });
    expect(lesson?.completed).not.toBeNull();
    const o = await centralOutcomes(gw.db, app.deps.deviceId);
    expect(o).toEqual({
      byOutcome: { APPLIED: students.length + 1 },
      audited: students.length + 1,
      total: students.length + 1,
    });
    expect(app.deps.sync.status()).toMatchObject({ pending: 0, conflicts: 0 });
    expect((app.db.$client.prepare('SELECT count(*) n FROM outbox').get() as { n: number }).n).toBe(0);
    await expectReplicaEqualsCentral(app, gw.db, scope);

    // Pushing the same again (a lost acknowledgement) changes nothing.
    const again = await app.deps.sync.sync();
    expect(again.pushed).toBe(0);
    expect((await centralOutcomes(gw.db, app.deps.deviceId)).total).toBe(students.length + 1);
  });

  it('brings a central edit to the replica on the next pull', async () => {
    const { gw, app, scope } = await setup(backend);
    const mark = app.db.$client
      .prepare("SELECT lesson_id l, student_id s, row_version v FROM marks WHERE attendance = 'p' LIMIT 1")
      .get() as { l: number; s: number; v: number };
    await centralEdit(gw.url, [
      {
        table: 'marks',
        key: { lesson_id: mark.l, student_id: mark.s },
        set: { attendance: 'e', grade: null },
      },
    ]);
    const r = await app.deps.sync.sync();
    expect(r.pulled).toBe(1);
    expect(
      app.db.$client
        .prepare('SELECT attendance, row_version v FROM marks WHERE lesson_id = ? AND student_id = ?')
        .get(mark.l, mark.s),
    ).toEqual({ attendance: 'e', v: mark.v + 1 });
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('stores a conflict durably, shows the centre’s value, and re-applies mine when asked', async () => {
    const { gw, app, scope } = await setup(backend);
    const session = await desktopLogin(app, 'teacher');
    const { lessonId, students } = emptyLessonOf(app, 'teacher');
    const studentId = students[0];
    // The teacher fills the lesson in AVN web, then (offline, on the old version) on the desktop.
    await centralEdit(gw.url, [
      {
        table: 'marks',
        key: { lesson_id: lessonId, student_id: studentId },
        set: { attendance: 'p', grade: 5 },
      },
    ]);
    const local = await app.dispatch({
      method: 'journal.setMarks',
      input: { lessonId, marks: [{ studentId, attendance: 'a', grade: null }] },
      session,
    });
    expect(local.ok).toBe(true);
    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: 1, applied: 0, conflicts: 1 });
    const conflicts = await app.dispatch({ method: 'sync.conflicts', input: {}, session });
    expect(conflicts).toMatchObject({
      ok: true,
      value: {
        items: [{ outcome: 'CONFLICT', mine: { attendance: 'a' }, theirs: { attendance: 'p', grade: 5 } }],
        others: 0,
      },
    });
    // The replica shows what the centre holds; nothing was overwritten silently.
    expect(
      app.db.$client
        .prepare('SELECT attendance, grade FROM marks WHERE lesson_id = ? AND student_id = ?')
        .get(lessonId, studentId),
    ).toEqual({ attendance: 'p', grade: 5 });
    await expectReplicaEqualsCentral(app, gw.db, scope);

    const id = (conflicts as { value: { items: Array<{ id: number }> } }).value.items[0]?.id;
    expect(
      await app.dispatch({
        method: 'sync.resolve',
        input: { conflictId: id, resolution: 'reapply_mine' },
        session,
      }),
    ).toMatchObject({ ok: true });
    const r2 = await app.deps.sync.sync();
    // The edit made again, and the resolution itself (audited centrally with the refused mutation).
    expect(r2).toMatchObject({ pushed: 2, applied: 2, conflicts: 0 });
    const [m] = await gw.db.query<{ attendance: string }>(
      'SELECT attendance FROM marks WHERE lesson_id = $1 AND student_id = $2',
      [lessonId, studentId],
    );
    expect(m?.attendance).toBe('a');
    expect(app.deps.sync.status().conflicts).toBe(0);
    const o = await centralOutcomes(gw.db, app.deps.deviceId);
    expect(o).toEqual({ byOutcome: { CONFLICT: 1, APPLIED: 2 }, audited: 3, total: 3 });
    const [refused] = await gw.db.query<{ resolution: string | null }>(
      "SELECT resolution FROM mutations WHERE device_id = $1 AND outcome = 'CONFLICT'",
      [app.deps.deviceId],
    );
    expect(refused?.resolution).toBe('reapply_mine');
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('keeps the outbox through MUST_RESYNC and pushes it after the new download', async () => {
    const { gw, app, scope } = await setup(backend);
    const session = await desktopLogin(app, 'teacher');
    const { lessonId, students } = emptyLessonOf(app, 'teacher');
    await app.dispatch({
      method: 'journal.setMarks',
      input: { lessonId, marks: [{ studentId: students[0], attendance: 'p', grade: 3 }] },
      session,
    });
    // The centre prunes its log past this replica's cursor: the replica must download its scope again.
    await centralEdit(gw.url, [
      {
        table: 'calendar_days',
        key: { id: 999 },
        set: { date: '2027-01-02', kind: 'non_teaching', name_ru: 'Каникулы', name_ky: 'Каникул' },
      },
    ]);
    await gw.db.query('UPDATE sync_counter SET pruned_through = seq WHERE id = 1');
    // Offline: the pull fails before the push, so the local edit stays pending through the resync.
    const pending = app.deps.sync.status().pending;
    expect(pending).toBe(1);
    const r = await app.deps.sync.sync();
    expect(r.resynced).toBe(true);
    expect(r.applied).toBe(1);
    expect(app.db.$client.prepare('SELECT count(*) n FROM calendar_days WHERE id = 999').get()).toEqual({
      n: 1,
    });
    const [m] = await gw.db.query<{ grade: number }>(
      'SELECT grade FROM marks WHERE lesson_id = $1 AND student_id = $2',
      [lessonId, students[0]],
    );
    expect(m?.grade).toBe(3);
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('finds rows altered, deleted or inserted behind its back, and repairs only those partitions', async () => {
    const { gw, app, scope } = await setup(backend);
    const sql = app.db.$client;
    sql.pragma('foreign_keys = OFF');
    sql
      .prepare(
        "UPDATE marks SET attendance = 'a' WHERE rowid = (SELECT rowid FROM marks WHERE attendance = 'p' LIMIT 1)",
      )
      .run();
    sql.prepare('DELETE FROM parent_contacts WHERE id = (SELECT min(id) FROM parent_contacts)').run();
    sql
      .prepare(
        "INSERT INTO rooms (id, code, building, capacity, qr_code, row_version, updated_at) VALUES (9999, 'Х-999', 'Х', 10, 'x', 1, 0)",
      )
      .run();
    sql.pragma('foreign_keys = ON');
    // "Sync now" compares checksums (background syncs do so every ten minutes).
    const r = await app.deps.sync.sync({ verify: 'always' });
    expect(r.verified).toBe('repaired');
    expect(r.snapshotRows).toBe(0);
    expect(r.repairedPartitions).toBeGreaterThanOrEqual(3);
    expect(r.repairedPartitions).toBeLessThanOrEqual(6);
    await expectReplicaEqualsCentral(app, gw.db, scope);
    expect((await app.deps.sync.sync({ verify: 'always' })).verified).toBe('equal');
    // A background sync right after does not compare again.
    expect((await app.deps.sync.sync()).verified).toBe('skipped');
  });

  it('answers malformed requests 400, bad tokens 401, out-of-scope 403 — and none changes anything', async () => {
    const { gw } = await setup(backend);
    const [before] = await gw.db.query<{ seq: number }>('SELECT seq FROM sync_counter');
    const H = {
      'x-protocol-version': '1',
      'x-schema-version': String(SCHEMA_VERSION),
      'content-type': 'application/json',
    };
    const login = await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: H,
      body: JSON.stringify({
        login: 'teacher',
        password: 'demo',
        deviceId: '00000000-0000-4000-8000-0000000000aa',
      }),
    });
    const { token } = (await login.json()) as { token: string };
    const A = { ...H, authorization: `Bearer ${token}` };
    const post = (path: string, body: string, headers: Record<string, string> = A) =>
      fetch(`${gw.url}${path}`, { method: 'POST', headers, body });
    const bad = await post('/sync/push', '{"deviceId": 5}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toContain('deviceId');
    expect((await post('/sync/push', 'not json')).status).toBe(400);
    expect((await fetch(`${gw.url}/sync/pull?scope=department:1&after=x`, { headers: A })).status).toBe(400);
    expect((await post('/sync/push', '{}', { ...H, authorization: 'Bearer nope' })).status).toBe(401);
    expect((await fetch(`${gw.url}/sync/pull?scope=faculty:2&after=0`, { headers: A })).status).toBe(403);
    expect(
      (
        await post(
          '/admin/edit',
          JSON.stringify({
            changes: [{ table: 'marks', key: { lesson_id: 1, student_id: 1 }, set: { attendance: 'a' } }],
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await fetch(`${gw.url}/sync/pull?scope=department:1&after=0`, {
          headers: { ...A, 'x-protocol-version': '99' },
        })
      ).status,
    ).toBe(426);
    const [after] = await gw.db.query<{ seq: number }>('SELECT seq FROM sync_counter');
    expect(after?.seq).toBe(before?.seq);
    expect(await gw.db.query('SELECT 1 FROM mutations')).toHaveLength(0);
  });
});
