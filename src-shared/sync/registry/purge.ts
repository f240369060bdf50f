import {
  purgeRefusal,
  type PackageFact,
  type PurgeFact,
  type PurgeRefusal,
  type RetentionUnitKind,
  type YearRef,
} from '../../domain/retention';
import { canArchive } from '../../domain/roles';
import { one, rows } from '../facts';
import type { MutationArgs } from '../mutations';
import { loadArchiveUnit, type ArchiveTarget } from './records';
import { define, refuse, type RefusalCode, type RowChange } from './types';

/**
 * The purge of an academic year's expired electronic records of a unit (§1.7: five years), covered by
 * verified, registered archive packages. The desktop records the request; the gateway, judging the same
 * rule, carries it out in the push's transaction: the rows are deleted through the central write path
 * as ordinary deletions (so replicas that hold them pull them and checksums stay equal).
 */

const num = (v: unknown): number => Number(v);

/** What a purge deletes, in phases: rows found through a lesson (and unlocks) go before the lessons. */
const PURGE_STAGES = [
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
] as const;

/** The offerings of a unit in an academic year. */
function offeringsSql(kind: RetentionUnitKind): string {
  const cond = {
    university: '1 = 1',
    faculty: 'g.faculty_id = ?',
    department: 'o.department_id = ?',
    group: 'o.group_id = ?',
  }[kind];
  return `SELECT o.id FROM offerings o JOIN semesters s ON s.id = o.semester_id JOIN groups g ON g.id = o.group_id
    WHERE s.academic_year_id = ? AND ${cond} ORDER BY o.id`;
}

type PurgeFacts = {
  target: ArchiveTarget;
  year: (YearRef & { semesterIds: number[] }) | null;
  years: YearRef[];
  purges: PurgeFact[];
  packages: PackageFact[];
  /** What the gateway deletes, per phase (null on the desktop: the deletions arrive by pull). */
  doomed: RowChange[][] | null;
};

const CODES: Record<PurgeRefusal, RefusalCode> = {
  alreadyPurged: 'purge_already_purged',
  alreadyRequested: 'purge_already_requested',
  notDue: 'purge_not_due',
  inWindow: 'purge_in_window',
  noPackage: 'purge_no_package',
  notCovered: 'purge_not_covered',
  notVerified: 'purge_not_verified',
  wrongPackage: 'purge_wrong_package',
};

/** Request (desktop) and carry out (gateway) the purge of a unit's expired year. */
export const archivePurge = define<MutationArgs<'archive.purge'>, PurgeFacts>({
  action: () => 'archive',
  target: (a) => ({
    row: { table: 'archive_purges', key: { id: a.purgeId } },
    creates: { ref: { table: 'archive_purges', key: { id: a.purgeId } }, arg: 'purgeId' },
    names: { unitId: 'unit', academicYearId: 'year', packageId: 'package' },
  }),
  *load(a, env) {
    const target = yield* loadArchiveUnit(a.unitKind, a.unitId);
    const years = (yield* rows<{ id: number; startsOn: string; endsOn: string }>(
      'SELECT id, starts_on AS "startsOn", ends_on AS "endsOn" FROM academic_years ORDER BY id',
    )).map((y) => ({ id: num(y.id), startsOn: y.startsOn, endsOn: y.endsOn }));
    // Locked: two purges of one year cannot both pass the "not requested before" check.
    const found = yield* one<{ id: number }>(
      'SELECT id FROM academic_years WHERE id = ?',
      [a.academicYearId],
      true,
    );
    const y = found === null ? undefined : years.find((x) => x.id === a.academicYearId);
    const semesterIds = (yield* rows<{ id: number }>(
      'SELECT id FROM semesters WHERE academic_year_id = ? ORDER BY number',
      [a.academicYearId],
    )).map((r) => num(r.id));
    const purges = (yield* rows<{
      unitKind: RetentionUnitKind;
      unitId: number | null;
      purgedAt: number | null;
    }>(
      'SELECT unit_kind AS "unitKind", unit_id AS "unitId", purged_at AS "purgedAt" FROM archive_purges WHERE academic_year_id = ? ORDER BY id',
      [a.academicYearId],
    )).map((p) => ({
      academicYearId: a.academicYearId,
      unitKind: p.unitKind,
      unitId: p.unitId === null ? null : num(p.unitId),
      purgedAt: p.purgedAt === null ? null : num(p.purgedAt),
    }));
    const packages = (yield* rows<{
      id: string;
      unitKind: RetentionUnitKind;
      unitId: number | null;
      periodKind: 'semester' | 'year';
      periodId: number;
      digest: string | null;
      verifiedAt: number | null;
    }>(
      `SELECT id, unit_kind AS "unitKind", unit_id AS "unitId", period_kind AS "periodKind", period_id AS "periodId",
           digest, verified_at AS "verifiedAt" FROM archive_packages WHERE academic_year_id = ? ORDER BY id`,
      [a.academicYearId],
    ))
      // Registered with its digest, and verified against it.
      .filter((p) => p.digest)
      .map((p) => ({
        id: p.id,
        unitKind: p.unitKind,
        unitId: p.unitId === null ? null : num(p.unitId),
        periodKind: p.periodKind,
        periodId: num(p.periodId),
        academicYearId: a.academicYearId,
        verified: p.verifiedAt !== null,
      }));
    let doomed: RowChange[][] | null = null;
    if (env.side === 'gateway' && y) {
      const offerings = (yield* rows<{ id: number }>(offeringsSql(a.unitKind), [
        a.academicYearId,
        ...(a.unitKind === 'university' ? [] : [a.unitId]),
      ])).map((o) => num(o.id));
      doomed = [];
      const list = offerings.length === 0 ? '0' : offerings.join(', ');
      for (const stage of PURGE_STAGES) {
        const changes: RowChange[] = [];
        for (const t of stage) {
          const cols = t.key.map((k) => `"${k}"`).join(', ');
          const where =
            t.via === 'lesson'
              ? `lesson_id IN (SELECT id FROM lessons WHERE offering_id IN (${list}))`
              : `offering_id IN (${list})`;
          const keys = yield* rows<Record<string, string | number>>(
            `SELECT ${cols} FROM "${t.table}" WHERE ${where} ORDER BY ${cols}`,
            [],
            true,
          );
          for (const k of keys) changes.push({ table: t.table, key: k, set: null } as RowChange);
        }
        doomed.push(changes);
      }
    }
    return {
      target,
      year: y ? { ...y, semesterIds } : null,
      years,
      purges,
      packages,
      doomed,
    };
  },
  refusal(a, f, j) {
    if (!f.target) return refuse('INVALID', 'no_unit', 'unitId');
    if (!canArchive(j.actor.grants, f.target, 'make')) return refuse('FORBIDDEN', 'out_of_scope', 'unitId');
    if (!f.year) return refuse('INVALID', 'no_year', 'academicYearId');
    const r = purgeRefusal({
      now: j.at,
      year: f.year,
      years: f.years,
      unit: { kind: a.unitKind, id: a.unitId },
      packageId: a.packageId,
      purges: f.purges,
      packages: f.packages,
    });
    return r
      ? refuse(r === 'alreadyPurged' || r === 'alreadyRequested' ? 'CONFLICT' : 'INVALID', CODES[r])
      : null;
  },
  stored: () => null,
  effect(a, f, j) {
    if (!f.year) return [];
    const out: RowChange[] = [];
    const counts: Record<string, number> = {};
    if (f.doomed) for (const t of PURGE_STAGES.flat()) counts[t.table] = 0;
    for (const [phase, stage] of (f.doomed ?? []).entries()) {
      for (const c of stage) {
        counts[c.table] = (counts[c.table] ?? 0) + 1;
        out.push({ ...c, phase });
      }
    }
    out.push({
      table: 'archive_purges',
      key: { id: a.purgeId },
      set: {
        academic_year_id: a.academicYearId,
        unit_kind: a.unitKind,
        unit_id: a.unitId,
        package_id: a.packageId,
        requested_at: j.at,
        requested_by: j.actor.userId,
        purged_at: f.doomed ? j.at : null,
        counts: f.doomed ? JSON.stringify(counts) : null,
      },
      phase: PURGE_STAGES.length,
    });
    return out;
  },
});
