import { addDays, bishkekDate, type IsoDate } from './time';

/**
 * Retention (regulation §1.7, §5.6, §5.7): electronic journals are kept five years after their academic
 * year ends, then may be purged centrally once a verified, registered archive package of them exists;
 * printed journals stay a year in the deanery, then pass to the archive. Pure rules, shared by the
 * desktop (the register, the purge request) and the gateway (which judges and carries out the purge).
 */

/** Electronic records are kept this many years after their academic year ends (§1.7). */
export const ELECTRONIC_KEEP_YEARS = 5;

/** A paper journal is due for the archive after a year in the deanery (§5.6, §5.7). */
export const DEANERY_KEEP_MS = 365 * 86_400_000;

/** `date` moved by whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(m, 2)}-${pad(Math.min(d, lastDay), 2)}`;
}

/** The last day the electronic records of an academic year are kept: five years after it ends (§1.7). */
export function electronicKeptUntil(yearEndsOn: IsoDate): IsoDate {
  return addYears(yearEndsOn, ELECTRONIC_KEEP_YEARS);
}

/** The first day the records of an academic year may be purged (the day after they are kept until). */
export function electronicDueOn(yearEndsOn: IsoDate): IsoDate {
  return addDays(electronicKeptUntil(yearEndsOn), 1);
}

/** Whether the electronic records of a year are past their keeping period at `now` (Bishkek date). */
export function electronicDue(yearEndsOn: IsoDate, now: number): boolean {
  return bishkekDate(now) >= electronicDueOn(yearEndsOn);
}

/** Whether a paper journal still in the deanery has been there a year and should go to the archive. */
export function paperDueForArchive(
  p: { printedAt: number; archivedOn: string | null },
  now: number,
): boolean {
  return p.archivedOn === null && now - p.printedAt >= DEANERY_KEEP_MS;
}

export type YearRef = { id: number; startsOn: IsoDate; endsOn: IsoDate };

/**
 * The replicas' window (DOMAIN.md, Scopes): the current academic year — the latest one begun by today —
 * and the previous one (any year ending within the year before the current one began). Records of these
 * years are never purged.
 */
export function windowYearIds(years: readonly YearRef[], now: number): number[] {
  const today = bishkekDate(now);
  const current = years
    .filter((y) => y.startsOn <= today)
    .reduce<YearRef | null>((a, y) => (a === null || y.startsOn > a.startsOn ? y : a), null);
  if (!current) return [];
  const cut = addYears(current.startsOn, -1);
  return years.filter((y) => y.startsOn <= today && y.endsOn >= cut).map((y) => y.id);
}

export type RetentionUnitKind = 'university' | 'faculty' | 'department' | 'group';
export type RetentionUnit = { kind: RetentionUnitKind; id: number | null };

/** What the rules need of a registered archive package. */
export type PackageFact = {
  id: string;
  unitKind: RetentionUnitKind;
  unitId: number | null;
  periodKind: 'semester' | 'year';
  /** A semester's id or the academic year's id. */
  periodId: number;
  academicYearId: number;
  verified: boolean;
};

export type PurgeFact = {
  academicYearId: number;
  unitKind: RetentionUnitKind;
  unitId: number | null;
  purgedAt: number | null;
};

export function sameUnit(
  a: { unitKind: RetentionUnitKind; unitId: number | null },
  u: RetentionUnit,
): boolean {
  return a.unitKind === u.kind && (a.unitId ?? null) === (u.id ?? null);
}

/**
 * The packages that together cover an academic year of a unit: a `year` package of that year, or
 * `semester` packages of every semester of it — of the same unit, and (unless `verifiedOnly` is false)
 * each verified. Null when there is no such set. A year package is preferred.
 */
export function coveringPackages(
  packages: readonly PackageFact[],
  unit: RetentionUnit,
  year: { id: number; semesterIds: readonly number[] },
  verifiedOnly = true,
): PackageFact[] | null {
  const usable = packages.filter(
    (p) => p.academicYearId === year.id && sameUnit(p, unit) && (!verifiedOnly || p.verified),
  );
  const whole = usable.find((p) => p.periodKind === 'year' && p.periodId === year.id);
  if (whole) return [whole];
  if (year.semesterIds.length === 0) return null;
  const perSemester: PackageFact[] = [];
  for (const s of year.semesterIds) {
    const p = usable.find((x) => x.periodKind === 'semester' && x.periodId === s);
    if (!p) return null;
    perSemester.push(p);
  }
  return perSemester;
}

/** Why a purge may not be requested or carried out; each has a message `retention.refusal.<reason>`. */
export const PURGE_REFUSALS = [
  'alreadyPurged',
  'alreadyRequested',
  'notDue',
  'inWindow',
  'noPackage',
  'notCovered',
  'notVerified',
  'wrongPackage',
] as const;
export type PurgeRefusal = (typeof PURGE_REFUSALS)[number];

export type PurgeFacts = {
  now: number;
  year: YearRef & { semesterIds: readonly number[] };
  /** Every academic year known (for the window). */
  years: readonly YearRef[];
  unit: RetentionUnit;
  /** Registered archive packages (of any year and unit; the rule picks its own). */
  packages: readonly PackageFact[];
  /** Purges requested so far (of any year and unit). */
  purges: readonly PurgeFact[];
  /** The package the request names, if it names one. */
  packageId?: string | null;
};

/**
 * Whether the electronic records of an academic year of a unit may be purged now (§1.7, §4.1): not
 * already requested or purged; five years past the year's end; outside the replicas' window; and
 * covered by registered, verified packages of that year and unit (the named package among them).
 * Null when the purge may go ahead, else the first reason it may not.
 */
export function purgeRefusal(f: PurgeFacts): PurgeRefusal | null {
  const earlier = f.purges.filter((p) => p.academicYearId === f.year.id && sameUnit(p, f.unit));
  if (earlier.some((p) => p.purgedAt !== null)) return 'alreadyPurged';
  if (earlier.length > 0) return 'alreadyRequested';
  if (!electronicDue(f.year.endsOn, f.now)) return 'notDue';
  if (windowYearIds(f.years, f.now).includes(f.year.id)) return 'inWindow';
  const ofYear = f.packages.filter((p) => p.academicYearId === f.year.id && sameUnit(p, f.unit));
  if (ofYear.length === 0) return 'noPackage';
  if (!coveringPackages(ofYear, f.unit, f.year, false)) return 'notCovered';
  if (!coveringPackages(ofYear, f.unit, f.year, true)) return 'notVerified';
  if (f.packageId != null && !ofYear.some((p) => p.id === f.packageId && p.verified)) return 'wrongPackage';
  return null;
}

/** The typed confirmation of a purge matches the year's name (dashes and spaces forgiven). */
export function confirmsYear(typed: string, yearName: string): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .replace(/[\u2010-\u2015\u2212/]/g, '-')
      .replace(/\s+/g, '');
  return norm(typed) !== '' && norm(typed) === norm(yearName);
}
