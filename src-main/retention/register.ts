import { unitFacts } from '../archive/scope';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { RetentionRow } from '../../src-shared/contract/archive.contract';
import { AppError } from '../../src-shared/contract/errors';
import {
  confirmsYear,
  coveringPackages,
  electronicDue,
  electronicDueOn,
  electronicKeptUntil,
  paperDueForArchive,
  purgeRefusal,
  type PackageFact,
  type PurgeFact,
  type RetentionUnit,
  type RetentionUnitKind,
  type YearRef,
} from '../../src-shared/domain/retention';
import { canArchive, type RoleGrant } from '../../src-shared/domain/roles';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { uuidv7 } from '../../src-shared/ids';
import type { Db } from '../db/open';
import { commitLocal, type LocalActor } from '../db/write-path';
import { judged } from '../api/refusals';

/**
 * The retention register (issue 7, item 3; §1.7, §5.6, §5.7): per academic year and archive unit, when
 * the electronic records fall due, the packages of them, the purge request, and where the paper
 * journals are. The rules are the pure ones of `src-shared/domain/retention.ts`; the gateway judges a
 * purge again by the same rule and carries it out.
 */

type Year = YearRef & { name: string; semesterIds: number[]; semesterNo: Map<number, number> };

/** The archive units a person's grants give (an archivist: their unit; the deanery: their faculty). */
export function archiveUnitsOf(grants: readonly RoleGrant[]): RetentionUnit[] {
  const out: RetentionUnit[] = [];
  const add = (u: RetentionUnit) => {
    if (!out.some((x) => x.kind === u.kind && x.id === u.id)) out.push(u);
  };
  for (const g of grants) {
    if (g.role === 'archivist' && g.scopeKind === 'university') add({ kind: 'university', id: null });
    else if (g.role === 'archivist' && (g.scopeKind === 'faculty' || g.scopeKind === 'department'))
      add({ kind: g.scopeKind, id: g.scopeId });
    else if (g.role === 'deanery' && g.scopeKind === 'faculty') add({ kind: 'faculty', id: g.scopeId });
  }
  return out;
}

function years(db: Db): Year[] {
  const ys = db.all<{ id: number; name: string; startsOn: string; endsOn: string }>(
    sql`SELECT id, name, starts_on AS startsOn, ends_on AS endsOn FROM academic_years ORDER BY starts_on DESC`,
  );
  const sems = db.all<{ id: number; y: number; n: number }>(
    sql`SELECT id, academic_year_id AS y, number AS n FROM semesters ORDER BY number`,
  );
  return ys.map((y) => {
    const own = sems.filter((s) => s.y === y.id);
    return { ...y, semesterIds: own.map((s) => s.id), semesterNo: new Map(own.map((s) => [s.id, s.n])) };
  });
}

type PackageRow = PackageFact & { digest: string; pending: boolean };

function packages(db: Db): PackageRow[] {
  return db
    .all<{
      id: string;
      unitKind: RetentionUnitKind;
      unitId: number | null;
      periodKind: 'semester' | 'year';
      periodId: number;
      academicYearId: number;
      digest: string;
      verifiedAt: number | null;
      rowVersion: number;
    }>(
      sql`SELECT id, unit_kind AS unitKind, unit_id AS unitId, period_kind AS periodKind, period_id AS periodId,
        academic_year_id AS academicYearId, digest, verified_at AS verifiedAt, row_version AS rowVersion
        FROM archive_packages ORDER BY made_at`,
    )
    .map((p) => ({ ...p, verified: p.verifiedAt !== null, pending: p.rowVersion === 0 }));
}

type PurgeRow = PurgeFact & { id: string; requestedAt: number; counts: string | null };

function purges(db: Db): PurgeRow[] {
  return db.all<PurgeRow>(
    sql`SELECT id, academic_year_id AS academicYearId, unit_kind AS unitKind, unit_id AS unitId,
      requested_at AS requestedAt, purged_at AS purgedAt, counts FROM archive_purges ORDER BY requested_at`,
  );
}

type PaperRow = {
  y: number;
  faculty: number;
  department: number;
  groupId: number;
  printedAt: number;
  archivedOn: string | null;
};

function inUnit(r: { faculty: number; department: number; groupId: number }, u: RetentionUnit): boolean {
  switch (u.kind) {
    case 'university':
      return true;
    case 'faculty':
      return r.faculty === u.id;
    case 'department':
      return r.department === u.id;
    case 'group':
      return r.groupId === u.id;
  }
}

function parseCounts(s: string | null): Record<string, number> | null {
  if (s === null) return null;
  try {
    return JSON.parse(s) as Record<string, number>;
  } catch {
    return null;
  }
}

/** The register of the caller's units: every academic year × unit, newest year first. */
export function listRetention(
  db: Db,
  grants: readonly RoleGrant[],
  input: { due: boolean },
  now: number,
): { years: RetentionRow[]; due: number } {
  const units = archiveUnitsOf(grants);
  const ys = years(db);
  const pkgs = packages(db);
  const prg = purges(db);
  const paper = db.all<PaperRow>(
    sql`SELECT s.academic_year_id AS y, g.faculty_id AS faculty, o.department_id AS department, o.group_id AS groupId,
      p.printed_at AS printedAt, p.archived_on AS archivedOn
      FROM paper_journals p JOIN offerings o ON o.id = p.offering_id JOIN groups g ON g.id = o.group_id
      JOIN semesters s ON s.id = o.semester_id`,
  );
  const rows: RetentionRow[] = [];
  for (const u of units) {
    const facts = unitFacts(db, u);
    if (!facts) continue;
    const mayMake = canArchive(grants, facts.target, 'make');
    const name = facts.name;
    for (const y of ys) {
      const own = pkgs.filter((p) => p.academicYearId === y.id && p.unitKind === u.kind && p.unitId === u.id);
      const cover = coveringPackages(own, u, y);
      const purge = prg.find((p) => p.academicYearId === y.id && p.unitKind === u.kind && p.unitId === u.id);
      const refusal = purgeRefusal({ now, year: y, years: ys, unit: u, packages: pkgs, purges: prg });
      const papers = paper.filter((p) => p.y === y.id && inUnit(p, u));
      rows.push({
        academicYearId: y.id,
        name: y.name,
        endsOn: y.endsOn,
        keptUntil: electronicKeptUntil(y.endsOn),
        electronicDueOn: electronicDueOn(y.endsOn),
        electronicDue: electronicDue(y.endsOn, now),
        unit: u,
        unitName: name,
        packages: own.map((p) => ({
          id: p.id,
          digest: p.digest,
          verified: p.verified,
          period: p.periodKind,
          semester: p.periodKind === 'semester' ? (y.semesterNo.get(p.periodId) ?? null) : null,
          pending: p.pending,
        })),
        coverPackageId: cover?.[0]?.id ?? null,
        purge: purge
          ? {
              id: purge.id,
              requestedAt: purge.requestedAt,
              purgedAt: purge.purgedAt,
              counts: parseCounts(purge.counts),
            }
          : null,
        purgeable: mayMake && refusal === null,
        refusal,
        paper: {
          total: papers.length,
          inDeanery: papers.filter((p) => p.archivedOn === null).length,
          inArchive: papers.filter((p) => p.archivedOn !== null).length,
          dueForArchive: papers.filter((p) => paperDueForArchive(p, now)).length,
        },
      });
    }
  }
  const isDue = (r: RetentionRow) => (r.electronicDue && !r.purge?.purgedAt) || r.paper.dueForArchive > 0;
  return { years: input.due ? rows.filter(isDue) : rows, due: rows.filter(isDue).length };
}

export type PurgeRequest = {
  academicYearId: number;
  unit: RetentionUnit;
  packageId: string;
  confirm: string;
};

/**
 * Request the purge of an academic year's expired electronic records of a unit (§1.7): an archivist of
 * the unit, the year's name typed as confirmation, and the pure rule's consent; then the `archive.purge`
 * mutation and its local effect (the purge row, without `purged_at` until the centre carries it out) go
 * through the one write path, which audits them. Returns the purge's id.
 */
export function requestPurge(
  db: Db,
  grants: readonly RoleGrant[],
  actor: LocalActor,
  input: PurgeRequest,
  locale: Locale,
): string {
  const target = unitFacts(db, input.unit)?.target ?? null;
  if (!target) throw new AppError('NOT_FOUND', {}, 'unit');
  if (!canArchive(grants, target, 'make')) throw new AppError('SCOPE_FORBIDDEN', {}, 'unit');
  const ys = years(db);
  const year = ys.find((y) => y.id === input.academicYearId);
  if (!year) throw new AppError('NOT_FOUND', {}, 'academicYearId');
  if (!confirmsYear(input.confirm, year.name))
    throw new AppError(
      'INVALID_INPUT',
      { reason: translate(locale, 'retention.confirmMismatch', { name: year.name }) },
      'confirm',
    );
  const refusal = purgeRefusal({
    now: actor.now,
    year,
    years: ys,
    unit: input.unit,
    packages: packages(db),
    purges: purges(db),
    packageId: input.packageId,
  });
  if (refusal)
    throw new AppError('PURGE_REFUSED', { reason: translate(locale, `retention.refusal.${refusal}`) });
  const purgeId = uuidv7(actor.now, randomBytes(10));
  judged(locale, () =>
    commitLocal(db, actor, [
      {
        name: 'archive.purge',
        args: {
          purgeId,
          packageId: input.packageId,
          academicYearId: year.id,
          unitKind: input.unit.kind,
          unitId: input.unit.id,
        },
      },
    ]),
  );
  return purgeId;
}
