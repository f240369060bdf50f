import { purgeRefusal } from '../../src-shared/domain/retention';
import { canArchive } from '../../src-shared/domain/roles';
import type { MutationArgs } from '../../src-shared/sync/mutations';
import type { Sql } from '../db/client';
import type { Caller } from './auth';
import { refused, type Verdict } from './push';
import { lockRow, type CentralChange } from './write';

type UnitKind = MutationArgs<'archive.registered'>['unitKind'];

/** The faculty and department an archive unit belongs to (for the role rule), or null if there is none. */
export async function unitTarget(
  q: Sql,
  kind: UnitKind,
  id: number | null,
): Promise<{ faculty: number | null; department: number | null } | null> {
  if (kind === 'university') return id === null ? { faculty: null, department: null } : null;
  if (id === null) return null;
  if (kind === 'faculty') {
    const [f] = await q.query('SELECT id FROM faculties WHERE id = $1', [id]);
    return f ? { faculty: id, department: null } : null;
  }
  if (kind === 'department') {
    const [d] = await q.query<{ faculty: number }>(
      'SELECT faculty_id AS faculty FROM departments WHERE id = $1',
      [id],
    );
    return d ? { faculty: d.faculty, department: id } : null;
  }
  const [g] = await q.query<{ faculty: number }>('SELECT faculty_id AS faculty FROM groups WHERE id = $1', [
    id,
  ]);
  return g ? { faculty: g.faculty, department: null } : null;
}

/**
 * The archive register's mutations, judged centrally by the same role rule as on the desktop
 * (`canArchive`): registering a package, recording it verified (only with the registered digest), and
 * the purge of expired records.
 */
export async function judgeArchive(
  q: Sql,
  caller: Caller,
  name: 'archive.registered' | 'archive.verified' | 'archive.purge',
  args: unknown,
  editTime: number,
  now: number,
): Promise<Verdict> {
  if (name === 'archive.registered') {
    const a = args as MutationArgs<'archive.registered'>;
    const target = await unitTarget(q, a.unitKind, a.unitId);
    if (!target) return refused('INVALID', 'no such archive unit', null);
    if (!canArchive(caller.grants, target, 'make'))
      return refused('FORBIDDEN', 'the unit is outside the caller’s archive scope', null);
    return {
      outcome: 'APPLIED',
      reason: null,
      changes: [
        {
          table: 'archive_packages',
          key: { id: a.packageId },
          set: {
            unit_kind: a.unitKind,
            unit_id: a.unitId,
            period_kind: a.periodKind,
            period_id: a.periodId,
            academic_year_id: a.academicYearId,
            file_name: a.fileName,
            size_bytes: a.sizeBytes,
            digest: a.digest,
            counts: JSON.stringify(a.counts),
            made_at: editTime,
            made_by: caller.userId,
            verified_at: null,
            verified_by: null,
          },
        },
      ],
      serverRow: null,
    };
  }
  if (name === 'archive.verified') {
    const a = args as MutationArgs<'archive.verified'>;
    const row = await lockRow(q, 'archive_packages', { id: a.packageId });
    if (!row) return refused('INVALID', 'no such archive package', null);
    const target = await unitTarget(
      q,
      row.unit_kind as UnitKind,
      row.unit_id === null ? null : Number(row.unit_id),
    );
    if (!target || !canArchive(caller.grants, target, 'make'))
      return refused('FORBIDDEN', 'the package is outside the caller’s archive scope', row);
    if (row.digest !== a.digest) return refused('INVALID', 'the digest differs from the registered one', row);
    return {
      outcome: 'APPLIED',
      reason: null,
      changes: [
        {
          table: 'archive_packages',
          key: { id: a.packageId },
          set: { verified_at: editTime, verified_by: caller.userId },
        },
      ],
      serverRow: null,
    };
  }
  return judgePurge(q, caller, args as MutationArgs<'archive.purge'>, editTime, now);
}

/** Offerings of a unit in an academic year, as SQL with the year as $1 and the unit's id as $2. */
function offeringsOf(kind: UnitKind): string {
  const cond = {
    university: 'TRUE',
    faculty: 'g.faculty_id = $2',
    department: 'o.department_id = $2',
    group: 'o.group_id = $2',
  }[kind];
  return `SELECT o.id FROM offerings o JOIN semesters s ON s.id = o.semester_id JOIN groups g ON g.id = o.group_id
    WHERE s.academic_year_id = $1 AND ${cond}`;
}

/**
 * What a purge deletes: the electronic records of the unit's offerings of that year (offerings,
 * students, the timetable and the paper register stay). Two lists, written one after the other: rows
 * found through a lesson (and unlocks, which may name one) go before the lessons, so each row's scopes
 * — hence the replicas that pull its deletion and the maintained checksums — are still found.
 */
const PURGE_STAGES: ReadonlyArray<
  ReadonlyArray<{ table: string; key: readonly string[]; via: 'lesson' | 'offering' }>
> = [
  [
    { table: 'marks', key: ['lesson_id', 'student_id'], via: 'lesson' },
    { table: 'substitutions', key: ['id'], via: 'lesson' },
    { table: 'unlocks', key: ['id'], via: 'offering' },
  ],
  [
    { table: 'lessons', key: ['id'], via: 'offering' },
    { table: 'plan_topics', key: ['id'], via: 'offering' },
    { table: 'assessments', key: ['id'], via: 'offering' },
    { table: 'locks', key: ['id'], via: 'offering' },
  ],
];

/**
 * The purge of an academic year's expired electronic records of a unit (§1.7), judged by the same pure
 * rule as on the desktop — an archivist of the unit, five years past the year's end by the server's
 * clock, outside the window, covered by registered, verified packages, not purged before — and carried
 * out in the push's transaction: the rows are deleted through the central write path as ordinary
 * delete changes (so replicas that hold them pull the deletions and checksums stay equal), each audited
 * with the mutation; the purge row comes back with `purged_at` and the deleted counts.
 */
async function judgePurge(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'archive.purge'>,
  editTime: number,
  now: number,
): Promise<Verdict> {
  const unit = { kind: a.unitKind, id: a.unitId };
  const target = await unitTarget(q, a.unitKind, a.unitId);
  if (!target) return refused('INVALID', 'no such archive unit', null);
  if (!canArchive(caller.grants, target, 'make'))
    return refused('FORBIDDEN', 'the unit is outside the caller’s archive scope', null);
  const years = (
    await q.query<{ id: number; startsOn: string; endsOn: string }>(
      'SELECT id, starts_on AS "startsOn", ends_on AS "endsOn" FROM academic_years',
    )
  ).map((y) => ({ ...y, id: Number(y.id) }));
  const year = years.find((y) => y.id === a.academicYearId);
  if (!year) return refused('INVALID', 'no such academic year', null);
  const semesterIds = (
    await q.query<{ id: number }>('SELECT id FROM semesters WHERE academic_year_id = $1 ORDER BY number', [
      a.academicYearId,
    ])
  ).map((r) => Number(r.id));
  // Locked: two purges of one year cannot both pass the "not requested before" check.
  await q.query('SELECT id FROM academic_years WHERE id = $1 FOR UPDATE', [a.academicYearId]);
  const purges = await q.query<{ unit_kind: UnitKind; unit_id: number | null; purged_at: unknown }>(
    'SELECT unit_kind, unit_id, purged_at FROM archive_purges WHERE academic_year_id = $1',
    [a.academicYearId],
  );
  const packages = await q.query<{
    id: string;
    unit_kind: UnitKind;
    unit_id: number | null;
    period_kind: 'semester' | 'year';
    period_id: number;
    digest: string | null;
    verified_at: unknown;
  }>(
    'SELECT id, unit_kind, unit_id, period_kind, period_id, digest, verified_at FROM archive_packages WHERE academic_year_id = $1',
    [a.academicYearId],
  );
  const refusal = purgeRefusal({
    now,
    year: { ...year, semesterIds },
    years,
    unit,
    packageId: a.packageId,
    purges: purges.map((p) => ({
      academicYearId: a.academicYearId,
      unitKind: p.unit_kind,
      unitId: p.unit_id === null ? null : Number(p.unit_id),
      purgedAt: p.purged_at === null ? null : Number(p.purged_at),
    })),
    // Registered with its digest, and verified against it.
    packages: packages
      .filter((p) => p.digest)
      .map((p) => ({
        id: p.id,
        unitKind: p.unit_kind,
        unitId: p.unit_id === null ? null : Number(p.unit_id),
        periodKind: p.period_kind,
        periodId: Number(p.period_id),
        academicYearId: a.academicYearId,
        verified: p.verified_at !== null,
      })),
  });
  if (refusal) return refused('INVALID', `purge refused: ${refusal}`, null);

  const offerings = (
    await q.query<{ id: number }>(offeringsOf(a.unitKind), [
      a.academicYearId,
      ...(a.unitKind === 'university' ? [] : [a.unitId]),
    ])
  ).map((o) => Number(o.id));
  const counts: Record<string, number> = {};
  const before: CentralChange[][] = [];
  for (const stage of PURGE_STAGES) {
    const changes: CentralChange[] = [];
    for (const t of stage) {
      const cols = t.key.map((k) => `"${k}"`).join(', ');
      const where =
        t.via === 'lesson'
          ? 'lesson_id IN (SELECT id FROM lessons WHERE offering_id = ANY($1::int[]))'
          : 'offering_id = ANY($1::int[])';
      const keys = await q.query<Record<string, string | number>>(
        `SELECT ${cols} FROM "${t.table}" WHERE ${where} ORDER BY ${cols} FOR UPDATE`,
        [offerings],
      );
      counts[t.table] = keys.length;
      for (const k of keys) changes.push({ table: t.table, key: k, set: null });
    }
    before.push(changes);
  }
  return {
    outcome: 'APPLIED',
    reason: null,
    before,
    changes: [
      {
        table: 'archive_purges',
        key: { id: a.purgeId },
        set: {
          academic_year_id: a.academicYearId,
          unit_kind: a.unitKind,
          unit_id: a.unitId,
          package_id: a.packageId,
          requested_at: editTime,
          requested_by: caller.userId,
          purged_at: now,
          counts: JSON.stringify(counts),
        },
      },
    ],
    serverRow: null,
  };
}
