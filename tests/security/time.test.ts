import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { bishkekInstant } from '../../src-shared/domain/time';
import { BACKENDS, testGateway } from '../helpers/central';
import { queueUnjudged } from '../helpers/outbox';
import { RawClient } from '../helpers/raw-client';
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
 * When an edit happened, and who pushes it (DOMAIN.md, Time; issue 13, items 2 and 3), with the real
 * desktop engine against a real gateway: a teacher really offline across a lock keeps the edit made
 * before it, flagged for the deanery, while the one made after it is refused; two accounts on one PC
 * each push their own edits with their own tokens through the device; an author whose edits wait
 * behind someone else's is not made late by the pull (the engine defers it); a cell corrected twice
 * before a sync is not a conflict with itself; a device id cannot be taken over by another account.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

const at = (time: string) => bishkekInstant('2026-11-26', time);
const userId = (app: App, login: string) =>
  (app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number }).id;

async function setMark(app: App, session: string, c: Cell, attendance: 'p' | 'a' | 'e' | null) {
  const r = await app.dispatch({
    method: 'journal.setMarks',
    input: { lessonId: c.lessonId, marks: [{ studentId: c.studentId, attendance, grade: null }] },
    session,
  });
  if (!r.ok) throw new Error(`setMarks: ${r.error.code} ${r.error.message}`);
}

const offeringOf = (app: App, lessonId: number) =>
  (app.db.$client.prepare('SELECT offering_id o FROM lessons WHERE id = ?').get(lessonId) as { o: number }).o;

describe.each(BACKENDS)('edit times and accounts through one PC on %s', (backend) => {
  it('a teacher offline across a lock keeps the earlier edit, flagged; the later one is refused', async () => {
    let serverNow = DEMO_NOW;
    let deviceNow = DEMO_NOW;
    const gw = track(await testGateway(backend, () => serverNow));
    const app = track(emptyReplica(() => deviceNow));
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const session = await desktopLogin(app, 'teacher'); // online: the teacher's contact (13:30)
    const cells = teacherCells(app, 40);
    const before = cells[0];
    const after = cells.find(
      (c) =>
        offeringOf(app, c.lessonId) === offeringOf(app, before.lessonId) && c.lessonId !== before.lessonId,
    )!;
    // The network goes; 13:40 an edit; 14:00 the offering is closed centrally; 14:20 another edit.
    deviceNow = serverNow = at('13:40');
    await setMark(app, session, before, 'e');
    serverNow = at('14:00');
    await centralEdit(gw.url, [
      {
        table: 'locks',
        key: { id: '0192e0a0-0000-7000-8000-00000000f001' },
        set: {
          offering_id: offeringOf(app, before.lessonId),
          closed_on: '2026-11-26',
          closed_at: serverNow,
          closed_by: null,
        },
      },
    ]);
    deviceNow = serverNow = at('14:20');
    await setMark(app, session, after, 'e');
    // 14:30 the network is back.
    deviceNow = serverNow = at('14:30');
    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: 2, applied: 1, conflicts: 1 });
    const rows = await gw.db.query<{
      outcome: string;
      flag: string | null;
      edit_time: number;
      claimed_at: number;
      window_from: number;
    }>(
      `SELECT outcome, flag, edit_time, claimed_at, window_from FROM mutations WHERE device_id = $1 AND name = 'marks.set' ORDER BY local_seq`,
      [app.deps.deviceId],
    );
    expect(rows).toEqual([
      // Accepted on the time it was made (inside the window from the teacher's login), flagged.
      {
        outcome: 'APPLIED',
        flag: 'before_lock',
        edit_time: at('13:40'),
        claimed_at: at('13:40'),
        window_from: DEMO_NOW,
      },
      {
        outcome: 'LOCKED',
        flag: null,
        edit_time: at('14:20'),
        claimed_at: at('14:20'),
        window_from: DEMO_NOW,
      },
    ]);
    const [flagged] = await gw.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM central_audit WHERE device_id = $1 AND flag = 'before_lock' AND entity = 'marks'",
      [app.deps.deviceId],
    );
    expect(flagged?.n).toBe(1);
    await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
  });

  it('edits that waited for their author’s login are judged from the contact before it, not made late by others’ pulls', async () => {
    let serverNow = DEMO_NOW;
    let deviceNow = DEMO_NOW;
    const gw = track(await testGateway(backend, () => serverNow));
    const app = track(emptyReplica(() => deviceNow));
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const session = await desktopLogin(app, 'teacher'); // the teacher's contact: 13:30
    // The teacher's token is lost (revoked, or this PC lost it); their edit waits for their login.
    app.deps.sync.dropTokens(userId(app, 'teacher'));
    const [cell] = teacherCells(app, 1);
    deviceNow = serverNow = at('13:40');
    await setMark(app, session, cell, 'e');
    serverNow = at('14:00');
    await centralEdit(gw.url, [
      {
        table: 'locks',
        key: { id: '0192e0a0-0000-7000-8000-00000000f002' },
        set: {
          offering_id: offeringOf(app, cell.lessonId),
          closed_on: '2026-11-26',
          closed_at: serverNow,
          closed_by: null,
        },
      },
    ]);
    // 14:10 the dean's PC pulls (the lock arrives): the dean's contact, not the teacher's.
    deviceNow = serverNow = at('14:10');
    expect(await app.deps.sync.sync()).toMatchObject({ pushed: 0, waitingForLogin: userId(app, 'teacher') });
    // 14:30 the teacher logs in again; the edit goes, judged from their contact before the login.
    deviceNow = serverNow = at('14:30');
    await desktopLogin(app, 'teacher');
    expect(await app.deps.sync.sync()).toMatchObject({ pushed: 1, applied: 1, conflicts: 0 });
    const [m] = await gw.db.query<{ outcome: string; flag: string; edit_time: number; window_from: number }>(
      "SELECT outcome, flag, edit_time, window_from FROM mutations WHERE device_id = $1 AND name = 'marks.set'",
      [app.deps.deviceId],
    );
    expect(m).toEqual({
      outcome: 'APPLIED',
      flag: 'before_lock',
      edit_time: at('13:40'),
      window_from: DEMO_NOW,
    });
  });

  it('two accounts on one PC each push their own edits; the device is not another account’s to take', async () => {
    const gw = track(await testGateway(backend, () => DEMO_NOW));
    const app = track(emptyReplica());
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const teacher = await desktopLogin(app, 'teacher');
    const [cell] = teacherCells(app, 1);
    await setMark(app, teacher, cell, 'a');
    const head = await desktopLogin(app, 'head');
    const teacherId = (
      app.db.$client.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number }
    ).t;
    const absence = await app.dispatch({
      method: 'subs.registerAbsence',
      input: {
        teacherId,
        startsOn: '2027-02-01',
        endsOn: '2027-02-02',
        pairs: null,
        reason: 'training',
        documentRef: null,
      },
      session: head,
    });
    expect(absence.ok).toBe(true);
    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: 2, applied: 2, conflicts: 0 });
    const byUser = await gw.db.query<{ user_id: number; name: string }>(
      'SELECT user_id, name FROM mutations WHERE device_id = $1 ORDER BY local_seq',
      [app.deps.deviceId],
    );
    expect(byUser).toEqual([
      { user_id: userId(app, 'teacher'), name: 'marks.set' },
      { user_id: userId(app, 'head'), name: 'absences.register' },
    ]);
    expect(await centralOutcomes(gw.db, app.deps.deviceId)).toMatchObject({ total: 2, audited: 2 });
    // Another program that knows this PC's device id cannot log in through it without its secret.
    const stranger = new RawClient(gw.url, () => DEMO_NOW, app.deps.deviceId);
    expect(await stranger.login('study')).toBe(403);
    expect(await stranger.login('dean', { deviceSecret: 'guessed' })).toBe(403);
    // The PC's own secret lets a person of this PC in (as the desktop does for every local login).
    const secret = app.deps.sync['secrets'].get(`sync.device_secret@${gw.url}`);
    expect(secret).toBeTruthy();
    expect(await stranger.login('study', { deviceSecret: secret ?? '' })).toBe(200);
  });

  it('an author whose edits wait behind someone else’s is not made late: the pull waits for them', async () => {
    let serverNow = DEMO_NOW;
    let deviceNow = DEMO_NOW;
    const gw = track(await testGateway(backend, () => serverNow));
    const app = track(emptyReplica(() => deviceNow));
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const dean = await desktopLogin(app, 'dean'); // the dean's last contact: 13:30
    // The teacher's edit, made on this PC while offline; the teacher has never logged in here online,
    // so it waits for their login — and holds the queue.
    deviceNow = at('13:35');
    const [cell] = teacherCells(app, 1);
    queueUnjudged(app.db, { userId: userId(app, 'teacher'), deviceId: app.deps.deviceId, now: deviceNow }, [
      { name: 'marks.set', args: { ...cell, attendance: 'a', grade: null } },
    ]);
    // 13:40 the dean records a weekly check behind it.
    deviceNow = at('13:40');
    const check = await app.dispatch({
      method: 'control.record',
      input: { week: '2026-W47', comment: 'проверено' },
      session: dean,
    });
    expect(check.ok).toBe(true);
    // 14:00 a sync: nothing can be pushed, and the dean's pull would be a contact after his queued check.
    deviceNow = serverNow = at('14:00');
    const first = await app.deps.sync.sync();
    expect(first).toMatchObject({ pushed: 0, waitingForLogin: userId(app, 'teacher'), pullDeferred: true });
    // 14:30 the teacher logs in; everything goes, each at the time it was made.
    deviceNow = serverNow = at('14:30');
    await desktopLogin(app, 'teacher');
    await app.deps.sync.sync();
    const [recorded] = await gw.db.query<{ outcome: string; edit_time: number }>(
      "SELECT outcome, edit_time FROM mutations WHERE device_id = $1 AND name = 'checks.record'",
      [app.deps.deviceId],
    );
    expect(recorded).toEqual({ outcome: 'APPLIED', edit_time: at('13:40') });
    const [checkedAt] = await gw.db.query<{ checked_at: number }>('SELECT checked_at FROM weekly_checks');
    expect(Number(checkedAt?.checked_at)).toBe(at('13:40'));
  });

  it('a cell corrected twice before a sync is not a conflict with itself (nor cleared and set again)', async () => {
    const gw = track(await testGateway(backend, () => DEMO_NOW));
    const app = track(emptyReplica());
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const session = await desktopLogin(app, 'teacher');
    const [c1, c2] = teacherCells(app, 2);
    await setMark(app, session, c1, 'a');
    await setMark(app, session, c1, 'e');
    await setMark(app, session, c2, null);
    await setMark(app, session, c2, 'p');
    await setMark(app, session, c2, 'a');
    const r = await app.deps.sync.sync();
    expect(r).toMatchObject({ pushed: 5, applied: 5, conflicts: 0 });
    const marks = await gw.db.query<{ attendance: string }>(
      'SELECT attendance FROM marks WHERE (lesson_id, student_id) IN (($1, $2), ($3, $4)) ORDER BY lesson_id = $1 DESC',
      [c1.lessonId, c1.studentId, c2.lessonId, c2.studentId],
    );
    expect(marks.map((m) => m.attendance)).toEqual(['e', 'a']);
    // And one more correction after that sync.
    await setMark(app, session, c1, 'p');
    expect(await app.deps.sync.sync()).toMatchObject({ pushed: 1, applied: 1, conflicts: 0 });
    await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
  });
});
