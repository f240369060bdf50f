import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { queueUnjudged, type Queued } from '../helpers/outbox';
import type { CentralDb } from '../../src-gateway/db/client';
import { callOk, DEMO_NOW } from '../helpers/replica';
import { BACKENDS, testGateway } from '../helpers/central';
import {
  centralEdit,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * The purge of expired records is carried out centrally through sync (§1.7, issue 7 item 3). Central
 * holds an expired year 2019–2020 with offerings of a faculty-1 group (lessons, topics, marks,
 * assessments, a lock, an unlock, a substitution) and of a faculty-2 group, and a year 2022–2023 not yet
 * due. The archivist registers and verifies a package of faculty 1's 2019–2020 and requests the purge
 * from their replica; the centre deletes exactly that year's records of faculty 1 — through the
 * change log, as the replica holds them too — and the purge row comes back with `purged_at` and counts.
 * Forged purges (no verified package, a year not due, by the deanery) are refused centrally and delete
 * nothing. Replica and centre stay equal, row by row and by checksums.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

const OLD = 90;
const NOT_DUE = 91;
const PURGED = ['marks', 'substitutions', 'unlocks', 'lessons', 'plan_topics', 'assessments', 'locks'];
const PKG_OLD = '0190a0a0-0000-7000-8000-0000000000c1';
const PKG_NOT_DUE = '0190a0a0-0000-7000-8000-0000000000c2';
const DIGEST = 'cd'.repeat(32);

type Ids = { faculty1: number[]; faculty2: number[]; notDue: number[] };

/** Put the old years and their records into central, as AVN's own load would (through its write path). */
async function seedOldYears(gatewayUrl: string, db: CentralDb): Promise<Ids> {
  const groupOf = async (faculty: number) => {
    const [g] = await db.query<{ id: number }>(
      'SELECT id FROM groups WHERE faculty_id = $1 AND id IN (SELECT group_id FROM enrolments) ORDER BY id LIMIT 1',
      [faculty],
    );
    const students = await db.query<{ id: number }>(
      'SELECT student_id AS id FROM enrolments WHERE group_id = $1 ORDER BY student_id LIMIT 3',
      [g?.id],
    );
    const [o] = await db.query<{ d: number; dep: number; t: number }>(
      'SELECT discipline_id AS d, department_id AS dep, teacher_id AS t FROM offerings WHERE group_id = $1 LIMIT 1',
      [g?.id],
    );
    if (!g || !o || students.length === 0) throw new Error(`no group of faculty ${faculty}`);
    return { group: g.id, students: students.map((s) => s.id), ...o };
  };
  const f1 = await groupOf(1);
  const f2 = await groupOf(2);
  const ref = (table: string, id: number | string, set: Record<string, unknown>) => ({
    table,
    key: { id },
    set,
  });
  const changes: unknown[] = [
    ref('academic_years', OLD, { name: '2019–2020', starts_on: '2019-09-01', ends_on: '2020-08-31' }),
    ref('academic_years', NOT_DUE, { name: '2022–2023', starts_on: '2022-09-01', ends_on: '2023-08-31' }),
    ref('semesters', 901, {
      academic_year_id: OLD,
      number: 1,
      starts_on: '2019-09-01',
      ends_on: '2020-01-31',
    }),
    ref('semesters', 902, {
      academic_year_id: OLD,
      number: 2,
      starts_on: '2020-02-01',
      ends_on: '2020-06-30',
    }),
    ref('semesters', 911, {
      academic_year_id: NOT_DUE,
      number: 1,
      starts_on: '2022-09-01',
      ends_on: '2023-01-31',
    }),
  ];
  const ids: Ids = { faculty1: [], faculty2: [], notDue: [] };
  // Offering 9001 and 9002 (faculty 1, both semesters of 2019–2020), 9003 (faculty 2), 9004 (2022–2023).
  const offerings: Array<[number, number, typeof f1, keyof Ids]> = [
    [9001, 901, f1, 'faculty1'],
    [9002, 902, f1, 'faculty1'],
    [9003, 901, f2, 'faculty2'],
    [9004, 911, f1, 'notDue'],
  ];
  for (const [oid, sem, g, bucket] of offerings) {
    ids[bucket].push(oid);
    changes.push(
      ref('offerings', oid, {
        semester_id: sem,
        discipline_id: g.d,
        department_id: g.dep,
        teacher_id: g.t,
        group_id: g.group,
        subgroup_id: null,
        lesson_kind: 'lecture',
        planned_hours: 4,
      }),
      ref('plan_topics', oid * 10, { offering_id: oid, ordinal: 1, title: 'Тема 1', hours: 2 }),
    );
    for (const n of [1, 2]) {
      const lid = oid * 10 + n;
      changes.push(
        ref('lessons', lid, {
          offering_id: oid,
          date: sem === 902 ? `2020-02-1${n}` : sem === 911 ? `2022-09-1${n}` : `2019-09-1${n}`,
          pair: 1,
          room_id: null,
          slot_id: null,
          plan_topic_id: oid * 10,
          topic: 'Тема 1',
          conducted_by: g.t,
          status: 'scheduled',
          origin: 'timetable',
          status_reason: null,
          moved_from_id: null,
          completed_at: DEMO_NOW,
        }),
        ...g.students.map((sid, i) => ({
          table: 'marks',
          key: { lesson_id: lid, student_id: sid },
          set: { attendance: i === 0 ? 'a' : 'p', grade: i === 2 ? 5 : null },
        })),
      );
    }
    changes.push(
      ...g.students.map((sid, i) =>
        ref('assessments', oid * 10 + i, {
          offering_id: oid,
          student_id: sid,
          kind: 'intermediate',
          ordinal: 1,
          date: '2019-12-20',
          grade: 4,
          points: null,
          passed: null,
          outcome: null,
        }),
      ),
      ref('locks', `0190a0a0-0000-7000-8000-00000000${oid}`, {
        offering_id: oid,
        closed_on: '2019-12-20',
        closed_at: DEMO_NOW,
        closed_by: null,
      }),
      ref('unlocks', `0190a0a0-0000-7000-8000-10000000${oid}`, {
        offering_id: oid,
        lesson_id: oid * 10 + 1,
        student_id: null,
        reason: 'исправление',
        granted_by: 1,
        granted_at: DEMO_NOW,
        expires_at: DEMO_NOW,
      }),
      ref('substitutions', `0190a0a0-0000-7000-8000-20000000${oid}`, {
        lesson_id: oid * 10 + 2,
        absence_id: null,
        absent_teacher_id: g.t,
        substitute_teacher_id: g.t,
        assigned_by: null,
        assigned_at: DEMO_NOW,
        cancelled_at: null,
      }),
    );
  }
  await centralEdit(gatewayUrl, changes);
  return ids;
}

/** Rows of each purged table that belong to the given offerings, centrally. */
async function centralCounts(db: CentralDb, offerings: number[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of PURGED) {
    const where =
      t === 'marks' || t === 'substitutions'
        ? 'lesson_id IN (SELECT id FROM lessons WHERE offering_id = ANY($1::int[]))'
        : 'offering_id = ANY($1::int[])';
    const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE ${where}`, [
      offerings,
    ]);
    out[t] = r?.n ?? 0;
  }
  return out;
}

const userOf = (app: App, login: string) =>
  (app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number }).id;

/** A registered (and, if asked, verified) package of a year and faculty, as the packager would write it. */
function packageMutations(packageId: string, year: number, faculty: number, verified: boolean): Queued[] {
  const row = {
    unit_kind: 'faculty',
    unit_id: faculty,
    period_kind: 'year',
    period_id: year,
    academic_year_id: year,
    file_name: `faculty-${faculty}-${year}.zip`,
    size_bytes: 4096,
    digest: DIGEST,
    counts: '{"marks":6}',
    made_at: DEMO_NOW,
    made_by: null,
    verified_at: null,
    verified_by: null,
  };
  return [
    {
      name: 'archive.registered',
      args: {
        packageId,
        unitKind: 'faculty',
        unitId: faculty,
        periodKind: 'year',
        periodId: year,
        academicYearId: year,
        fileName: row.file_name,
        sizeBytes: row.size_bytes,
        digest: DIGEST,
        counts: { marks: 6 },
      },
      baseVersion: null,
      changes: [{ table: 'archive_packages', key: { id: packageId }, set: row }],
    },
    ...(verified
      ? [
          {
            name: 'archive.verified' as const,
            args: { packageId, digest: DIGEST },
            baseVersion: null,
            changes: [
              {
                table: 'archive_packages' as const,
                key: { id: packageId },
                set: { verified_at: DEMO_NOW, verified_by: null },
              },
            ],
          },
        ]
      : []),
  ];
}

/** A purge mutation written straight into the outbox, past the desktop's checks. */
function forgedPurge(purgeId: string, packageId: string, year: number, faculty: number): Queued {
  return {
    name: 'archive.purge',
    args: { purgeId, packageId, academicYearId: year, unitKind: 'faculty', unitId: faculty },
    baseVersion: null,
    changes: [],
  };
}

describe.each(BACKENDS)('retention purge through sync on %s', (backend) => {
  it('deletes the expired year of the unit centrally and in the replica; forged purges delete nothing', async () => {
    const gw = track(await testGateway(backend, DEMO_NOW));
    const ids = await seedOldYears(gw.url, gw.db);
    const before = {
      f1: await centralCounts(gw.db, ids.faculty1),
      f2: await centralCounts(gw.db, ids.faculty2),
      notDue: await centralCounts(gw.db, ids.notDue),
      demo: await centralCounts(
        gw.db,
        (await gw.db.query<{ id: number }>('SELECT id FROM offerings WHERE id < 9000')).map((o) => o.id),
      ),
    };
    expect(Object.values(before.f1).every((n) => n > 0)).toBe(true);

    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'archivist', 'demo');
    await a.deps.sync.sync();
    // The gateway does not limit replicas to the window: the old year's rows are in the replica.
    const localLessons = () =>
      (
        a.db.$client.prepare('SELECT count(*) AS n FROM lessons WHERE offering_id IN (9001, 9002)').get() as {
          n: number;
        }
      ).n;
    expect(localLessons()).toBe(4);
    const archivist = await desktopLogin(a, 'archivist');
    await desktopLogin(a, 'dean');
    const archivistId = userOf(a, 'archivist');
    const deanId = userOf(a, 'dean');
    const actor = (userId: number) => ({ userId, deviceId: a.deps.deviceId, now: DEMO_NOW });

    // Verified packages of faculty 1's 2019–2020 and 2022–2023, registered as the packager does.
    queueUnjudged(a.db, actor(archivistId), [
      ...packageMutations(PKG_OLD, OLD, 1, true),
      ...packageMutations(PKG_NOT_DUE, NOT_DUE, 1, true),
    ]);
    // Forged past the desktop: a year not due (with a verified package), and a purge by the deanery.
    queueUnjudged(a.db, actor(archivistId), [
      forgedPurge('0190a0a0-0000-7000-8000-0000000000d1', PKG_NOT_DUE, NOT_DUE, 1),
    ]);
    queueUnjudged(a.db, actor(deanId), [
      forgedPurge('0190a0a0-0000-7000-8000-0000000000d2', PKG_OLD, OLD, 1),
    ]);
    expect(await a.deps.sync.sync()).toMatchObject({ applied: 4, conflicts: 2 });

    // The real request, through the API, as the Retention screen makes it.
    const reg = await callOk<{
      years: Array<{ academicYearId: number; purgeable: boolean; coverPackageId: string | null }>;
    }>(a, 'retention.register', {}, archivist);
    const old = reg.years.find((y) => y.academicYearId === OLD);
    expect(old).toMatchObject({ purgeable: true, coverPackageId: PKG_OLD });
    expect(reg.years.find((y) => y.academicYearId === NOT_DUE)?.purgeable).toBe(false);
    const { purgeId } = await callOk<{ purgeId: string }>(
      a,
      'retention.purge',
      { academicYearId: OLD, unit: { kind: 'faculty', id: 1 }, packageId: PKG_OLD, confirm: '2019–2020' },
      archivist,
    );
    // Forged: a purge of faculty 2's 2019–2020, outside the archivist's unit.
    queueUnjudged(a.db, actor(archivistId), [
      forgedPurge('0190a0a0-0000-7000-8000-0000000000d3', PKG_OLD, OLD, 2),
    ]);
    expect(await a.deps.sync.sync({ verify: 'always' })).toMatchObject({
      applied: 1,
      conflicts: 1,
      verified: 'equal',
    });

    // Centre: faculty 1's 2019–2020 records gone, counted; everything else untouched.
    expect(await centralCounts(gw.db, ids.faculty1)).toEqual(Object.fromEntries(PURGED.map((t) => [t, 0])));
    expect(await centralCounts(gw.db, ids.faculty2)).toEqual(before.f2);
    expect(await centralCounts(gw.db, ids.notDue)).toEqual(before.notDue);
    expect(
      await centralCounts(
        gw.db,
        (await gw.db.query<{ id: number }>('SELECT id FROM offerings WHERE id < 9000')).map((o) => o.id),
      ),
    ).toEqual(before.demo);
    const [kept] = await gw.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM offerings WHERE id IN (9001, 9002)',
    );
    expect(kept?.n).toBe(2);
    const [purge] = await gw.db.query<{
      purged_at: unknown;
      counts: string;
      requested_by: number;
      package_id: string;
    }>('SELECT purged_at, counts, requested_by, package_id FROM archive_purges WHERE id = $1', [purgeId]);
    expect(Number(purge?.purged_at)).toBeGreaterThanOrEqual(DEMO_NOW);
    expect(purge).toMatchObject({ requested_by: archivistId, package_id: PKG_OLD });
    expect(JSON.parse(purge?.counts ?? '{}')).toEqual(before.f1);
    const refused = await gw.db.query<{ outcome: string; reason: string }>(
      "SELECT outcome, reason FROM mutations WHERE name = 'archive.purge' AND outcome <> 'APPLIED' ORDER BY local_seq",
    );
    expect(refused.map((r) => [r.outcome, r.reason])).toEqual([
      ['INVALID', 'purge_not_due'],
      // The deanery only looks at the archive (DOMAIN.md's matrix); another faculty's archivist is out of scope.
      ['FORBIDDEN', 'role'],
      ['FORBIDDEN', 'out_of_scope (unitId)'],
    ]);
    expect(await gw.db.query('SELECT id FROM archive_purges')).toHaveLength(1);

    // The audit holds the purge: the purge row and every deleted row, under the mutation.
    const [m] = await gw.db.query<{ mutation_id: string }>(
      "SELECT mutation_id FROM mutations WHERE name = 'archive.purge' AND outcome = 'APPLIED'",
    );
    const audit = await gw.db.query<{ entity: string; n: number }>(
      'SELECT entity, count(*)::int AS n FROM central_audit WHERE mutation_id = $1 GROUP BY entity',
      [m?.mutation_id],
    );
    expect(Object.fromEntries(audit.map((r) => [r.entity, r.n]))).toEqual({
      ...Object.fromEntries(PURGED.map((t) => [t, before.f1[t]])),
      archive_purges: 1,
    });
    const refusedAudit = await gw.db.query(
      "SELECT 1 FROM central_audit WHERE entity = 'archive.purge' AND outcome <> 'APPLIED'",
    );
    expect(refusedAudit).toHaveLength(3);

    // The replica pulled the deletions and the purge row with purged_at and counts.
    expect(localLessons()).toBe(0);
    const local = a.db.$client
      .prepare('SELECT purged_at, counts FROM archive_purges WHERE id = ?')
      .get(purgeId) as {
      purged_at: number;
      counts: string;
    };
    expect(local.purged_at).toBe(Number(purge?.purged_at));
    expect(JSON.parse(local.counts)).toEqual(before.f1);
    const after = await callOk<{
      years: Array<{ academicYearId: number; purge: { purgedAt: number | null } | null }>;
    }>(a, 'retention.register', {}, archivist);
    expect(after.years.find((y) => y.academicYearId === OLD)?.purge?.purgedAt).toBe(local.purged_at);
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
  });

  it('refuses a purge without a verified package and deletes nothing', async () => {
    const gw = track(await testGateway(backend, DEMO_NOW));
    const ids = await seedOldYears(gw.url, gw.db);
    const before = await centralCounts(gw.db, ids.faculty1);
    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'archivist', 'demo');
    await a.deps.sync.sync();
    await desktopLogin(a, 'archivist');
    const actor = { userId: userOf(a, 'archivist'), deviceId: a.deps.deviceId, now: DEMO_NOW };
    // No package at all, then a registered but unverified one.
    queueUnjudged(a.db, actor, [forgedPurge('0190a0a0-0000-7000-8000-0000000000e1', PKG_OLD, OLD, 1)]);
    queueUnjudged(a.db, actor, packageMutations(PKG_OLD, OLD, 1, false));
    queueUnjudged(a.db, actor, [forgedPurge('0190a0a0-0000-7000-8000-0000000000e2', PKG_OLD, OLD, 1)]);
    expect(await a.deps.sync.sync({ verify: 'always' })).toMatchObject({
      applied: 1,
      conflicts: 2,
      verified: 'equal',
    });
    const refused = await gw.db.query<{ reason: string }>(
      "SELECT reason FROM mutations WHERE name = 'archive.purge' ORDER BY local_seq",
    );
    expect(refused.map((r) => r.reason)).toEqual(['purge_no_package', 'purge_not_verified']);
    expect(await centralCounts(gw.db, ids.faculty1)).toEqual(before);
    expect(await gw.db.query('SELECT id FROM archive_purges')).toHaveLength(0);
    // The refused requests' local rows are gone again (the refusals wait on the Sync screen).
    expect(a.db.$client.prepare('SELECT count(*) AS n FROM archive_purges').get()).toEqual({ n: 0 });
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
  });
});
