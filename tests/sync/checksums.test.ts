import { afterEach, describe, expect, it } from 'vitest';
import { Checksum } from '../../src-shared/sync/checksum';
import { SYNCED_TABLES, type ScopeRef } from '../../src-shared/sync/tables';
import { scopeChecksums, tableChecksums } from '../../src-gateway/sync/pull';
import type { CentralDb } from '../../src-gateway/db/client';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import { centralEdit } from '../helpers/sync';

/**
 * The gateway's maintained checksums (deltas written with each change) always equal the checksums
 * recomputed from the rows — through edits, inserts, deletes, a change of scope membership, and
 * compaction — on PGlite and PostgreSQL.
 */
const open: TestGateway[] = [];
afterEach(async () => {
  for (const g of open.splice(0)) await g.stop();
});

async function recomputed(db: CentralDb, scope: ScopeRef) {
  const tables = [];
  for (const t of SYNCED_TABLES) {
    const total = (await tableChecksums(db, scope, t.name, false)).get('') ?? new Checksum();
    tables.push({ table: t.name, count: total.count, sum: total.sum });
  }
  return tables;
}

async function expectMaintainedEqualsRows(db: CentralDb, scopes: ScopeRef[]): Promise<void> {
  for (const scope of scopes) {
    const kept = await db.tx((q) => scopeChecksums(q, scope), 'repeatable read');
    expect(kept.tables, JSON.stringify(scope)).toEqual(await recomputed(db, scope));
  }
}

describe.each(BACKENDS)('maintained checksums on %s', (backend) => {
  it('equal the rows after edits, inserts, deletes, a membership change and compaction', async () => {
    const gw = await testGateway(backend);
    open.push(gw);
    const db = gw.db;
    const [dept] = await db.query<{ id: number }>(
      `SELECT o.department_id AS id FROM offerings o JOIN groups g ON g.id = o.group_id
       WHERE g.faculty_id = 1 ORDER BY o.id LIMIT 1`,
    );
    const scopes: ScopeRef[] = [
      { kind: 'university' },
      { kind: 'faculty', id: 1 },
      { kind: 'faculty', id: 2 },
      { kind: 'department', id: Number(dept?.id) },
    ];
    // The bases were computed at load: no scope recomputes from rows on its first read.
    const bases = await db.query<{ scope: string }>('SELECT scope FROM checksum_bases ORDER BY scope');
    expect(bases.map((b) => b.scope)).toEqual(expect.arrayContaining(['*', 'university', 'faculty:1']));
    await expectMaintainedEqualsRows(db, scopes);

    const marks = await db.query<{ lesson_id: number; student_id: number }>(
      `SELECT m.lesson_id, m.student_id FROM marks m JOIN lessons l ON l.id = m.lesson_id
       JOIN offerings o ON o.id = l.offering_id WHERE o.department_id = $1 ORDER BY 1, 2 LIMIT 3`,
      [dept?.id],
    );
    const [m1, m2, m3] = marks;
    const [lesson] = await db.query<{ id: number }>('SELECT id FROM lessons ORDER BY id LIMIT 1');
    await centralEdit(gw.url, [
      {
        table: 'marks',
        key: { lesson_id: m1?.lesson_id, student_id: m1?.student_id },
        set: { attendance: 'a', grade: null },
      },
      { table: 'marks', key: { lesson_id: m2?.lesson_id, student_id: m2?.student_id }, set: null },
      { table: 'lessons', key: { id: lesson?.id }, set: { topic: 'Тема өзгөрдү — ң, ө, ү' } },
      {
        table: 'rooms',
        key: { id: 9001 },
        set: { code: 'А-101', building: 'A', capacity: 30, qr_code: 'room-9001' },
      },
    ]);
    await expectMaintainedEqualsRows(db, scopes);

    // A mark again where one was deleted, then a student moved to a group of the other faculty:
    // rows change scope without being written, so every base is rebuilt from the rows.
    await centralEdit(gw.url, [
      {
        table: 'marks',
        key: { lesson_id: m2?.lesson_id, student_id: m2?.student_id },
        set: { attendance: 'p', grade: 4 },
      },
      {
        table: 'marks',
        key: { lesson_id: m3?.lesson_id, student_id: m3?.student_id },
        set: { attendance: 'e', grade: null },
      },
    ]);
    const [enrolment] = await db.query<{ id: number }>(
      `SELECT e.id FROM enrolments e JOIN groups g ON g.id = e.group_id WHERE g.faculty_id = 1 ORDER BY e.id LIMIT 1`,
    );
    const [other] = await db.query<{ id: number }>(
      'SELECT id FROM groups WHERE faculty_id = 2 ORDER BY id LIMIT 1',
    );
    await centralEdit(gw.url, [
      { table: 'enrolments', key: { id: enrolment?.id }, set: { group_id: other?.id } },
    ]);
    await expectMaintainedEqualsRows(db, scopes);

    // Many small writes: the deltas are compacted and still add up.
    for (let i = 0; i < 22; i++) {
      await centralEdit(
        gw.url,
        Array.from({ length: 100 }, (_, j) => ({
          table: 'marks',
          key: { lesson_id: m1?.lesson_id, student_id: m1?.student_id },
          set: { attendance: (i * 100 + j) % 2 ? 'p' : 'a', grade: null },
        })),
      );
    }
    await expectMaintainedEqualsRows(db, scopes);
    const [left] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM checksum_deltas WHERE scope = 'faculty:1'",
    );
    expect(Number(left?.n)).toBeLessThanOrEqual(SYNCED_TABLES.length);
  });
});
