import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { DEFAULT_DEMO_DATE, DEMO_TIME } from '../../src-main/demo/generate';
import { replicaColumns } from '../../src-main/sync/rows';
import { syncedTable, type SyncedTable } from '../../src-shared/sync/tables';
import { testGateway } from '../helpers/central';
import { callOk, DEMO_NOW, lessonMembers } from '../helpers/replica';
import {
  centralEdit,
  centralOutcomes,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * Issue 13, the re-apply through a real gateway (PGlite; reapply.test.ts holds it equal to the handlers
 * for every mutation): a replica with pending edits of several kinds — marks and a topic of a lesson,
 * an absence and its cover — is told MUST_RESYNC, downloads its scope again and shows the same rows for
 * those keys as before (its outbox re-applied on the new rows), then pushes them and equals the centre.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

type Sqlite = App['db']['$client'];

const one = <T>(sql: Sqlite, query: string, ...params: unknown[]): T => {
  const row = sql.prepare(query).get(...params) as T | undefined;
  if (row === undefined) throw new Error(`the tiny demo has no row for: ${query}`);
  return row;
};
const userId = (sql: Sqlite, account: string) =>
  one<{ id: number }>(sql, 'SELECT id FROM users WHERE login = ?', account).id;
const teacherOf = (sql: Sqlite, account: string) =>
  one<{ t: number }>(sql, 'SELECT teacher_id AS t FROM users WHERE login = ?', account).t;

/** The demo teacher's lesson of today that has begun and holds neither topic nor marks yet. */
function todaysLesson(sql: Sqlite): number {
  return one<{ id: number }>(
    sql,
    `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN bell_pairs b ON b.number = l.pair
     JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher'
     WHERE l.date = ? AND b.starts_at < ? AND l.status = 'scheduled' AND l.topic IS NULL
       AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id) ORDER BY l.pair LIMIT 1`,
    DEFAULT_DEMO_DATE,
    DEMO_TIME,
  ).id;
}

type Key = { table: string; where: string; params: unknown[] };

/** The rows of the given keys, every synced column in the replica's order. */
const rowsAt = (sql: Sqlite, keys: readonly Key[]) =>
  keys.map((k) => {
    const t = syncedTable(k.table) as SyncedTable;
    const cols = replicaColumns(t).map((c) => `"${c}"`);
    return sql
      .prepare(`SELECT ${cols.join(', ')} FROM "${t.name}" WHERE ${k.where}`)
      .raw()
      .all(...k.params);
  });

describe('pending edits through MUST_RESYNC, with a real gateway (PGlite)', () => {
  it('a mark, a topic, an absence and its cover are the same rows after the new download, then reach the centre', async () => {
    const gw = track(await testGateway('pglite', DEMO_NOW));
    const app = track(emptyReplica());
    const sql = app.db.$client;
    // The deanery's account connected the replica and pulls; the teacher and the head push their own edits.
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const teacher = await desktopLogin(app, 'teacher');
    const head = await desktopLogin(app, 'head');

    const lessonId = todaysLesson(sql);
    const students = lessonMembers(app, lessonId);
    const marks = students.map((studentId, i) => ({
      studentId,
      attendance: i === 1 ? 'e' : 'p',
      grade: i === 0 ? 4 : null,
    }));
    await callOk(app, 'journal.setMarks', { lessonId, marks }, teacher);
    await callOk(app, 'journal.setTopic', { lessonId, topic: 'Тема 9. Файлы' }, teacher);
    const absent = teacherOf(sql, 'curator');
    const reg = await callOk<{ absence: { id: string } }>(
      app,
      'subs.registerAbsence',
      {
        teacherId: absent,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'illness',
        documentRef: null,
      },
      head,
    );
    const covered = one<{ id: number }>(
      sql,
      "SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE o.teacher_id = ? AND l.date BETWEEN '2026-11-18' AND '2026-11-20' ORDER BY l.date, l.pair LIMIT 1",
      absent,
    ).id;
    await callOk(
      app,
      'subs.assign',
      {
        absenceId: reg.absence.id,
        lessonIds: [covered],
        substituteId: teacherOf(sql, 'teacher'),
        notify: false,
      },
      head,
    );
    const keys = [
      { table: 'marks', where: 'lesson_id = ? ORDER BY student_id', params: [lessonId] },
      { table: 'lessons', where: 'id = ?', params: [lessonId] },
      { table: 'absences', where: 'id = ?', params: [reg.absence.id] },
      { table: 'substitutions', where: 'lesson_id = ? ORDER BY id', params: [covered] },
    ];
    const before = rowsAt(sql, keys);
    expect(before.map((r) => r.length)).toEqual([students.length, 1, 1, 1]);
    const pending = students.length + 3;
    expect(app.deps.sync.status().pending).toBe(pending);

    // The centre prunes its log past this replica's cursor: the next pull answers MUST_RESYNC.
    await centralEdit(gw.url, [
      {
        table: 'calendar_days',
        key: { id: 999 },
        set: { date: '2027-01-02', kind: 'non_teaching', name_ru: 'Каникулы', name_ky: 'Каникул' },
      },
    ]);
    await gw.db.query('UPDATE sync_counter SET pruned_through = seq WHERE id = 1');
    // The authors' gateway tokens are gone (they must log in online again): their edits wait, so what
    // the replica shows after the download is the download plus the re-applied outbox alone.
    for (const account of ['teacher', 'head']) app.deps.sync.dropTokens(userId(sql, account));
    const held = await app.deps.sync.sync();
    expect(held).toMatchObject({ resynced: true, pushed: 0, waitingForLogin: userId(sql, 'teacher') });
    expect(held.snapshotRows).toBeGreaterThan(0);
    expect(sql.prepare('SELECT count(*) AS n FROM calendar_days WHERE id = 999').get()).toEqual({ n: 1 });
    expect(app.deps.sync.status().pending).toBe(pending);
    expect(rowsAt(sql, keys)).toEqual(before);

    await desktopLogin(app, 'teacher');
    await desktopLogin(app, 'head');
    const r = await app.deps.sync.sync({ verify: 'always' });
    expect(r).toMatchObject({ pushed: pending, applied: pending, conflicts: 0, verified: 'equal' });
    await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
    expect(await centralOutcomes(gw.db, app.deps.deviceId)).toEqual({
      byOutcome: { APPLIED: pending },
      audited: pending,
      total: pending,
    });
    const [central] = await gw.db.query<{ topic: string; completed: unknown }>(
      'SELECT topic, completed_at AS completed FROM lessons WHERE id = $1',
      [lessonId],
    );
    expect(central?.topic).toBe('Тема 9. Файлы');
    expect(central?.completed).not.toBeNull();
  });
});
