import { canArchive } from '../../src-shared/domain/roles';
import type { MutationArgs } from '../../src-shared/sync/mutations';
import type { Sql } from '../db/client';
import type { Caller } from './auth';
import { refused, type Verdict } from './push';
import { lockRow } from './write';

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
  return refused('INVALID', 'purging is not carried out by this gateway yet', null);
}
