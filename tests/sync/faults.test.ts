import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { backupDirOf, createBackup, listBackups, restoreBackup } from '../../src-main/db/backup';
import { queueUnjudged } from '../helpers/outbox';
import { hashPassword } from '../../src-main/auth/password';
import { bishkekInstant } from '../../src-shared/domain/time';
import { BACKENDS, testGateway, type Backend, type TestGateway } from '../helpers/central';
import { startProxy, type Fault } from '../helpers/proxy';
import { DEMO_NOW } from '../helpers/replica';
import {
  centralEdit,
  centralOutcomes,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
  teacherCells,
  type Cell,
} from '../helpers/sync';

/**
 * SYNC.md's fault scenarios against a real gateway: lost acknowledgements and a misbehaving network,
 * concurrent replicas, clock skew, locks and roles, resuming at several page sizes, restore from an older
 * backup. Each ends with the replica equal to central row by row AND every submitted mutation accounted
 * for by exactly one outcome, each in the central audit. Iterations: SYNC_FAULT_ITERATIONS (default 25).
 */
const ITERATIONS = Number(process.env.SYNC_FAULT_ITERATIONS ?? 25);
const { track, closeAll } = closers();
afterEach(closeAll);

/** A deterministic pseudo-random sequence for the scenarios. */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 4294967296;
  };
}

async function setMark(
  app: App,
  session: string,
  c: Cell,
  attendance: 'p' | 'a' | 'e',
  grade: number | null,
): Promise<void> {
  const r = await app.dispatch({
    method: 'journal.setMarks',
    input: { lessonId: c.lessonId, marks: [{ studentId: c.studentId, attendance, grade }] },
    session,
  });
  if (!r.ok) throw new Error(`setMarks: ${r.error.code} ${r.error.message}`);
}

/** Sync until it succeeds (the network may be failing); returns how many attempts failed. */
async function syncThrough(app: App, attempts = 200): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    try {
      await app.deps.sync.sync();
      return i;
    } catch {
      // a transient failure: try again
    }
  }
  throw new Error('sync never succeeded');
}

async function expectAccounted(
  gw: TestGateway,
  app: App,
  submitted: number,
): Promise<Record<string, number>> {
  const o = await centralOutcomes(gw.db, app.deps.deviceId);
  expect(o.total).toBe(submitted);
  expect(o.audited).toBe(submitted);
  return o.byOutcome;
}

async function world(backend: Backend, opts: { proxy?: boolean } = {}) {
  const gw = track(await testGateway(backend));
  const proxy = opts.proxy ? track(await startProxy(gw.url)) : null;
  const app = track(emptyReplica());
  const c = await app.deps.sync.connect(proxy?.url ?? gw.url, 'dean', 'demo');
  await app.deps.sync.sync();
  const session = await desktopLogin(app, 'teacher');
  return { gw, proxy, app, session, scope: c.scope };
}

describe.each(BACKENDS)('sync faults on %s', (backend) => {
  it('lost-ack: answers dropped after the gateway committed — each mutation applied exactly once', async () => {
    const { gw, proxy, app, session, scope } = await world(backend, { proxy: true });
    const cells = teacherCells(app, ITERATIONS);
    let drops = 0;
    proxy?.setChooser((r) =>
      r.method === 'POST' && r.path.startsWith('/sync/push') && drops++ % 2 === 0 ? 'drop-response' : 'pass',
    );
    for (const [i, c] of cells.entries()) {
      await setMark(app, session, c, i % 4 === 0 ? 'a' : 'p', i % 3 === 0 && i % 4 !== 0 ? 5 : null);
      await syncThrough(app);
    }
    expect(proxy?.counts['drop-response']).toBeGreaterThan(0);
    const byOutcome = await expectAccounted(gw, app, cells.length);
    expect(byOutcome).toEqual({ APPLIED: cells.length });
    const effects = await gw.db.query<{ n: number }>(
      "SELECT count(*)::int n FROM central_audit WHERE device_id = $1 AND entity = 'marks'",
      [app.deps.deviceId],
    );
    expect(effects[0]?.n).toBe(cells.length);
    proxy?.setChooser(() => 'pass');
    await app.deps.sync.sync();
    expect(app.deps.sync.status()).toMatchObject({ pending: 0, conflicts: 0 });
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('chaos: delays, resets and truncated answers — after the network heals, outbox empty and checksums equal', async () => {
    const { gw, proxy, app, session, scope } = await world(backend, { proxy: true });
    const r = rand(7);
    const faults: Fault[] = ['pass', 'pass', 'delay', 'reset', 'truncate', 'drop-response'];
    proxy?.setChooser(() => faults[Math.floor(r() * faults.length)] ?? 'pass');
    const cells = teacherCells(app, ITERATIONS);
    let failures = 0;
    for (const [i, c] of cells.entries()) {
      await setMark(app, session, c, r() < 0.3 ? 'a' : 'p', null);
      if (i % 3 === 0)
        await centralEdit(gw.url, [
          {
            table: 'calendar_days',
            key: { id: 500 + i },
            set: {
              date: `2027-02-${String((i % 27) + 1).padStart(2, '0')}`,
              kind: 'non_teaching',
              name_ru: `День ${i}`,
              name_ky: `Күн ${i}`,
            },
          },
        ]);
      try {
        await app.deps.sync.sync();
      } catch {
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
    proxy?.setChooser(() => 'pass');
    const report = await app.deps.sync.sync({ verify: 'always' });
    expect(app.deps.sync.status()).toMatchObject({ pending: 0, conflicts: 0 });
    expect((app.db.$client.prepare('SELECT count(*) n FROM outbox').get() as { n: number }).n).toBe(0);
    expect(report.verified).not.toBe('skipped');
    expect((await app.deps.sync.sync({ verify: 'always' })).verified).toBe('equal');
    expect(await expectAccounted(gw, app, cells.length)).toEqual({ APPLIED: cells.length });
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('concurrent replicas edit overlapping marks offline: one edit wins each cell, every loser is a stored conflict', async () => {
    const gw = track(await testGateway(backend));
    const replicas: Array<{ app: App; session: string }> = [];
    for (let i = 0; i < 3; i++) {
      const app = track(emptyReplica());
      await app.deps.sync.connect(gw.url, 'dean', 'demo');
      await app.deps.sync.sync();
      replicas.push({ app, session: await desktopLogin(app, 'teacher') });
    }
    const cells = teacherCells(replicas[0].app, 12);
    const r = rand(11);
    // Each replica edits an overlapping set of cells, offline.
    const edits = new Map<string, Array<{ replica: number; attendance: 'p' | 'a' | 'e' }>>();
    for (const [ri, { app, session }] of replicas.entries()) {
      for (const [ci, c] of cells.entries()) {
        if ((ci + ri) % 3 === 0) continue;
        const attendance = (['p', 'a', 'e'] as const)[(ci + ri) % 3] ?? 'p';
        await setMark(app, session, c, attendance, null);
        const key = `${c.lessonId}:${c.studentId}`;
        edits.set(key, [...(edits.get(key) ?? []), { replica: ri, attendance }]);
      }
    }
    const order = [0, 1, 2].sort(() => r() - 0.5);
    const winners = new Map<string, 'p' | 'a' | 'e'>();
    for (const ri of order) {
      await replicas[ri].app.deps.sync.sync();
      for (const [key, list] of edits) {
        const mine = list.find((e) => e.replica === ri);
        if (mine && !winners.has(key)) winners.set(key, mine.attendance);
      }
    }
    let submitted = 0;
    let applied = 0;
    let conflicted = 0;
    for (const { app } of replicas) {
      const o = await centralOutcomes(gw.db, app.deps.deviceId);
      expect(o.audited).toBe(o.total);
      submitted += o.total;
      applied += o.byOutcome.APPLIED ?? 0;
      conflicted += o.byOutcome.CONFLICT ?? 0;
      expect((app.db.$client.prepare('SELECT count(*) n FROM sync_conflicts').get() as { n: number }).n).toBe(
        o.byOutcome.CONFLICT ?? 0,
      );
    }
    const total = [...edits.values()].reduce((n, l) => n + l.length, 0);
    expect(submitted).toBe(total);
    expect(applied + conflicted).toBe(total);
    expect(applied).toBe(edits.size);
    // The centre holds the first synced replica's value of every cell: no silent overwrite.
    for (const [key, value] of winners) {
      const [lessonId, studentId] = key.split(':').map(Number);
      const [m] = await gw.db.query<{ attendance: string }>(
        'SELECT attendance FROM marks WHERE lesson_id = $1 AND student_id = $2',
        [lessonId, studentId],
      );
      expect(m?.attendance, key).toBe(value);
    }
    for (const { app } of replicas) {
      await app.deps.sync.sync();
      await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
    }
  });

  it('clock skew of ±1 hour and ±1 year: the same outcomes as without skew', async () => {
    const lockAt = bishkekInstant('2026-11-26', '14:00');
    const outcomes: string[] = [];
    for (const skew of [0, 3600_000, -3600_000, 365 * 86_400_000, -365 * 86_400_000]) {
      let serverNow = DEMO_NOW;
      const gw = track(await testGateway(backend, () => serverNow));
      let deviceTrue = DEMO_NOW;
      const app = track(emptyReplica(() => deviceTrue + skew));
      await app.deps.sync.connect(gw.url, 'dean', 'demo');
      await app.deps.sync.sync();
      await desktopLogin(app, 'teacher');
      const [before, after] = teacherCells(app, 2);
      const teacherUser = (
        app.db.$client.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }
      ).id;
      const write = (c: Cell, attendance: 'a' | 'e') =>
        queueUnjudged(app.db, { userId: teacherUser, deviceId: app.deps.deviceId, now: deviceTrue + skew }, [
          {
            name: 'marks.set',
            args: { ...c, attendance, grade: null },
            baseVersion:
              (
                app.db.$client
                  .prepare('SELECT row_version v FROM marks WHERE lesson_id = ? AND student_id = ?')
                  .get(c.lessonId, c.studentId) as { v: number } | undefined
              )?.v ?? null,
            changes: [],
          },
        ]);
      // 13:40 true time: an edit; 14:00 the offering is closed centrally; 14:20 another edit; then sync.
      deviceTrue = bishkekInstant('2026-11-26', '13:40');
      write(before, 'a');
      serverNow = lockAt;
      const offering = (
        app.db.$client.prepare('SELECT offering_id o FROM lessons WHERE id = ?').get(after.lessonId) as {
          o: number;
        }
      ).o;
      const offeringBefore = (
        app.db.$client.prepare('SELECT offering_id o FROM lessons WHERE id = ?').get(before.lessonId) as {
          o: number;
        }
      ).o;
      await centralEdit(
        gw.url,
        [...new Set([offering, offeringBefore])].map((o, i) => ({
          table: 'locks',
          key: { id: 9000 + i },
          set: { offering_id: o, closed_on: '2026-11-26', closed_at: lockAt, closed_by: null },
        })),
      );
      deviceTrue = bishkekInstant('2026-11-26', '14:20');
      write(after, 'e');
      serverNow = bishkekInstant('2026-11-26', '14:30');
      await app.deps.sync.sync();
      const o = await centralOutcomes(gw.db, app.deps.deviceId);
      outcomes.push(JSON.stringify(o.byOutcome));
      expect(o).toMatchObject({ total: 2, audited: 2 });
      await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
    }
    expect(new Set(outcomes).size).toBe(1);
    expect(JSON.parse(outcomes[0])).toEqual({ APPLIED: 1, LOCKED: 1 });
  });

  it('locks and roles: edits after the lock and by roles out of scope are refused, unchanged and audited', async () => {
    const { gw, app, scope } = await world(backend);
    const sql = app.db.$client;
    const locked = sql
      .prepare(
        `SELECT l.id lessonId, e.student_id studentId, o.teacher_id t FROM locks k JOIN offerings o ON o.id = k.offering_id JOIN lessons l ON l.offering_id = o.id
        JOIN enrolments e ON e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
        WHERE l.date <= k.closed_on AND l.status = 'scheduled' AND o.subgroup_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
      )
      .get() as { lessonId: number; studentId: number; t: number };
    const owner = sql.prepare('SELECT id, login FROM users WHERE teacher_id = ?').get(locked.t) as {
      id: number;
      login: string;
    };
    // The locked offering's own teacher gets a central password and logs in on this PC.
    await centralEdit(gw.url, [
      { table: 'users', key: { id: owner.id }, set: { password_hash: hashPassword('demo') } },
    ]);
    await app.deps.sync.sync();
    await desktopLogin(app, owner.login);
    const deanUser = (sql.prepare("SELECT id FROM users WHERE login = 'dean'").get() as { id: number }).id;
    const teacher = (sql.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }).id;
    const [before] = await gw.db.query(
      'SELECT attendance, grade, row_version FROM marks WHERE lesson_id = $1 AND student_id = $2',
      [locked.lessonId, locked.studentId],
    );
    const base =
      (
        sql
          .prepare('SELECT row_version v FROM marks WHERE lesson_id = ? AND student_id = ?')
          .get(locked.lessonId, locked.studentId) as { v: number } | undefined
      )?.v ?? null;
    const args = {
      lessonId: locked.lessonId,
      studentId: locked.studentId,
      attendance: 'a' as const,
      grade: null,
    };
    // Straight into the outbox, as a desktop that had not yet heard of the lock would have accepted them:
    // the owner after the lock, the deanery (no journal rights) and another teacher (not theirs).
    for (const userId of [owner.id, deanUser, teacher]) {
      queueUnjudged(app.db, { userId, deviceId: app.deps.deviceId, now: DEMO_NOW }, [
        { name: 'marks.set', args, baseVersion: base, changes: [] },
      ]);
    }
    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: 3, applied: 0, conflicts: 3 });
    const [after] = await gw.db.query(
      'SELECT attendance, grade, row_version FROM marks WHERE lesson_id = $1 AND student_id = $2',
      [locked.lessonId, locked.studentId],
    );
    expect(after).toEqual(before);
    expect(await expectAccounted(gw, app, 3)).toEqual({ LOCKED: 1, FORBIDDEN: 2 });
    const refused = await gw.db.query<{ outcome: string }>(
      "SELECT outcome FROM central_audit WHERE device_id = $1 AND outcome <> 'APPLIED' ORDER BY outcome",
      [app.deps.deviceId],
    );
    expect(refused.map((x) => x.outcome)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'LOCKED']);
    expect((sql.prepare('SELECT count(*) n FROM sync_conflicts').get() as { n: number }).n).toBe(3);
    await expectReplicaEqualsCentral(app, gw.db, scope);
  });

  it('resume: a download stopped and resumed at several page sizes ends exactly as one in one go', async () => {
    const gw = track(await testGateway(backend));
    await centralEdit(gw.url, [
      {
        table: 'calendar_days',
        key: { id: 777 },
        set: { date: '2027-01-05', kind: 'non_teaching', name_ru: 'x', name_ky: 'x' },
      },
    ]);
    const whole = track(emptyReplica());
    await whole.deps.sync.connect(gw.url, 'dean', 'demo');
    await whole.deps.sync.sync();
    await expectReplicaEqualsCentral(whole, gw.db, 'faculty:1');
    for (const pageSize of [7, 113, 5000]) {
      const app = track(emptyReplica(undefined, pageSize));
      await app.deps.sync.connect(gw.url, 'dean', 'demo');
      let stops = 0;
      for (let attempt = 0; attempt < 400; attempt++) {
        const ctl = new AbortController();
        let pages = 0;
        // Stopped at the third progress report (reports are throttled) or after a delay that doubles
        // with each attempt, whichever comes first: a download faster than the reports still stops.
        const timer = setTimeout(() => ctl.abort(), 2 ** Math.min(attempt, 12));
        try {
          await app.deps.sync.sync({
            signal: ctl.signal,
            onProgress: () => (++pages === 3 ? ctl.abort() : undefined),
          });
          break;
        } catch {
          stops++;
        } finally {
          clearTimeout(timer);
        }
      }
      expect(stops, `page size ${pageSize}`).toBeGreaterThan(0);
      expect((await app.deps.sync.sync({ verify: 'always' })).verified).toBe('equal');
      await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
    }
  });

  it('rows created centrally during a download, named by rows read after them, arrive whole', async () => {
    const gw = track(await testGateway(backend));
    const app = track(emptyReplica(undefined, 7));
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    // Stop the download once the lessons are in but the marks are not.
    const ctl = new AbortController();
    const progress = () =>
      JSON.parse(
        (
          app.db.$client.prepare("SELECT value FROM meta WHERE key = 'sync.snapshot'").get() as
            { value: string } | undefined
        )?.value ?? '{"done":[]}',
      ) as { done: string[] };
    const stopAtMarks = () => {
      const done = progress().done;
      if (done.includes('lessons') && !done.includes('marks')) ctl.abort();
    };
    // Progress reports are throttled: the stored progress is also looked at between the pages' requests.
    const poll = setInterval(stopAtMarks, 1);
    try {
      await expect(app.deps.sync.sync({ signal: ctl.signal, onProgress: stopAtMarks })).rejects.toThrow();
    } finally {
      clearInterval(poll);
    }
    expect(progress().done).toContain('lessons');
    expect(progress().done).not.toContain('marks');
    // Centrally, a new lesson with a mark: the mark's page is still to come, the lesson's is past.
    const [offering] = await gw.db.query<{ id: number; group_id: number }>(
      `SELECT o.id, o.group_id FROM offerings o JOIN groups g ON g.id = o.group_id
       WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL ORDER BY o.id LIMIT 1`,
    );
    const [student] = await gw.db.query<{ student_id: number }>(
      'SELECT student_id FROM enrolments WHERE group_id = $1 ORDER BY student_id LIMIT 1',
      [offering?.group_id],
    );
    const [top] = await gw.db.query<{ id: number }>('SELECT max(id) AS id FROM lessons');
    const lessonId = Number(top?.id) + 1;
    await centralEdit(gw.url, [
      {
        table: 'lessons',
        key: { id: lessonId },
        set: { offering_id: offering?.id, date: '2026-11-20', pair: 6, status: 'scheduled', origin: 'extra' },
      },
      {
        table: 'marks',
        key: { lesson_id: lessonId, student_id: student?.student_id },
        set: { attendance: 'p', grade: 5 },
      },
    ]);
    expect((await app.deps.sync.sync({ verify: 'always' })).verified).toBe('equal');
    await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
    expect(app.db.$client.pragma('foreign_key_check')).toEqual([]);
    expect(app.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(app.db.$client.prepare('SELECT grade FROM marks WHERE lesson_id = ?').get(lessonId)).toEqual({
      grade: 5,
    });
  });

  it('restore from an older backup: nothing lost or applied twice, outbox and cursor consistent', async () => {
    const { gw, app, session, scope } = await world(backend);
    const cells = teacherCells(app, 9);
    const [e1, e2, e3] = [cells.slice(0, 3), cells.slice(3, 6), cells.slice(6, 9)];
    for (const c of e1) await setMark(app, session, c, 'a', null);
    await app.deps.sync.sync();
    // The backup (the app's own online backup): pending edits E2 are in it, not yet pushed.
    for (const c of e2) await setMark(app, session, c, 'e', null);
    const file = app.db.$client.name;
    const backup = await createBackup(app.db.$client, backupDirOf(file), 'manual', DEMO_NOW);
    await app.deps.sync.sync(); // E2 pushed from the original
    // Disaster: the PC is restored from the backup (as the Backups screen and the CLI do), and work
    // goes on (E3).
    app.close();
    const r = await restoreBackup(backup.file, file, DEMO_NOW + 1000);
    expect(r.preRestore?.kind).toBe('pre-restore');
    expect(listBackups(backupDirOf(file)).map((b) => b.kind)).toEqual(['pre-restore', 'manual']);
    const restored = track(
      boot({ dbPath: file, demoIfMissing: null, now: () => DEMO_NOW, log: () => undefined }),
    );
    const s2 = await desktopLogin(restored, 'teacher');
    for (const c of e3) await setMark(restored, s2, c, 'p', 4);
    await restored.deps.sync.sync();
    expect(restored.deps.sync.status()).toMatchObject({ pending: 0, conflicts: 0 });
    // E1, E2 and E3 each applied once; the restored E2 came back as duplicates, not as new edits.
    expect(await expectAccounted(gw, restored, 9)).toEqual({ APPLIED: 9 });
    for (const [cs, att] of [
      [e1, 'a'],
      [e2, 'e'],
      [e3, 'p'],
    ] as const) {
      for (const c of cs) {
        const [m] = await gw.db.query<{ attendance: string }>(
          'SELECT attendance FROM marks WHERE lesson_id = $1 AND student_id = $2',
          [c.lessonId, c.studentId],
        );
        expect(m?.attendance).toBe(att);
      }
    }
    await expectReplicaEqualsCentral(restored, gw.db, scope);
  });
});
