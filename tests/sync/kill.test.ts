import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { sessionUserOf } from '../../src-main/db/users.repo';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import { DEMO_NOW } from '../helpers/replica';
import {
  centralEdit,
  centralOutcomes,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
  teacherCells,
} from '../helpers/sync';

/**
 * SYNC.md "kill": the syncing client — `npm run cli -- sync` as a child process — is killed with SIGKILL
 * at random instants, during its first download and during later syncs, while both sides keep editing.
 * Afterwards one more sync must finish, and the replica must equal central row by row, with every local
 * edit applied exactly once. Iterations: SYNC_KILL_ITERATIONS (default 10; hundreds by hand).
 */
const ITERATIONS = Number(process.env.SYNC_KILL_ITERATIONS ?? 10);
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function cliSync(
  dbPath: string,
  killAfterMs: number | null,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', 'sync', '--db', dbPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, err });
    });
  });
}

function reopen(file: string): App {
  return boot({ dbPath: file, demoIfMissing: null, now: () => DEMO_NOW, log: () => undefined });
}

describe.each(BACKENDS)('kill on %s', (backend) => {
  it(`survives SIGKILL at random points (${ITERATIONS} kills in the download, ${ITERATIONS} in later syncs)`, async () => {
    const gw: TestGateway = await testGateway(backend);
    closers.push(() => gw.stop());
    const first = emptyReplica();
    const file = first.db.$client.name;
    await first.deps.sync.connect(gw.url, 'dean', 'demo');
    first.close();

    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    let kills = 0;
    // 1. Killed again and again during the first download.
    for (let i = 0; i < ITERATIONS; i++) {
      const r = await cliSync(file, 300 + Math.floor(rnd() * 2200));
      if (r.signal === 'SIGKILL') kills++;
      else expect(r.code, r.err).toBe(0);
    }
    expect((await cliSync(file, null)).code).toBe(0);

    // 2. Edits on both sides, each followed by a sync that is killed at a random instant.
    let app = reopen(file);
    await desktopLogin(app, 'teacher');
    const teacherUser = (
      app.db.$client.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }
    ).id;
    const cells = teacherCells(app, ITERATIONS * 2);
    const others = app.db.$client
      .prepare(
        "SELECT lesson_id l, student_id s FROM marks WHERE attendance = 'p' ORDER BY lesson_id DESC LIMIT ?",
      )
      .all(ITERATIONS * 3) as Array<{ l: number; s: number }>;
    const mine = new Map<string, 'a' | 'e'>();
    app.close();
    let edits = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      app = reopen(file);
      const found = sessionUserOf(app.db, teacherUser);
      if (!found) throw new Error('teacher missing');
      const session = app.deps.sessions.create(found.user, found.grants).token;
      for (const c of cells.slice(i * 2, i * 2 + 2)) {
        const attendance = rnd() < 0.5 ? 'a' : 'e';
        const r = await app.dispatch({
          method: 'journal.setMarks',
          input: { lessonId: c.lessonId, marks: [{ studentId: c.studentId, attendance, grade: null }] },
          session,
        });
        expect(r.ok).toBe(true);
        mine.set(`${c.lessonId}:${c.studentId}`, attendance);
        edits++;
      }
      app.close();
      const o = others[i];
      if (o && !mine.has(`${o.l}:${o.s}`))
        await centralEdit(gw.url, [
          { table: 'marks', key: { lesson_id: o.l, student_id: o.s }, set: { attendance: 'e', grade: null } },
        ]);
      const r = await cliSync(file, 200 + Math.floor(rnd() * 1500));
      if (r.signal === 'SIGKILL') kills++;
      else expect(r.code, r.err).toBe(0);
    }
    expect(kills).toBeGreaterThan(ITERATIONS / 2);

    // 3. Never stuck: one more sync finishes, and everything is accounted for.
    const last = await cliSync(file, null);
    expect(last.code, last.err).toBe(0);
    app = reopen(file);
    closers.push(() => app.close());
    expect(app.deps.sync.status()).toMatchObject({ pending: 0, conflicts: 0, snapshotInProgress: false });
    const outcomes = await centralOutcomes(gw.db, app.deps.deviceId);
    expect(outcomes).toEqual({ byOutcome: { APPLIED: edits }, audited: edits, total: edits });
    for (const [key, attendance] of mine) {
      const [lessonId, studentId] = key.split(':').map(Number);
      const [m] = await gw.db.query<{ attendance: string }>(
        'SELECT attendance FROM marks WHERE lesson_id = $1 AND student_id = $2',
        [lessonId, studentId],
      );
      expect(m?.attendance, key).toBe(attendance);
    }
    await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
  });
});
