import { describe, expect, it } from 'vitest';
import { bishkekInstant } from './time';
import {
  addYears,
  confirmsYear,
  coveringPackages,
  electronicDue,
  electronicDueOn,
  electronicKeptUntil,
  paperDueForArchive,
  purgeRefusal,
  windowYearIds,
  type PackageFact,
  type PurgeFacts,
  type PurgeRefusal,
} from './retention';

/** The retention rules (§1.7, §5.6, §5.7) on a table of cases; the clock is passed in. */
const at = (date: string) => bishkekInstant(date, '12:00');

describe('retention dates', () => {
  it.each([
    ['2020-08-31', 5, '2025-08-31'],
    ['2024-02-29', 5, '2029-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2026-12-31', 1, '2027-12-31'],
  ])('addYears(%s, %i) = %s', (d, n, want) => expect(addYears(d, n)).toBe(want));

  it('keeps electronic records five years after the year ends, due the day after', () => {
    expect(electronicKeptUntil('2020-08-31')).toBe('2025-08-31');
    expect(electronicDueOn('2020-08-31')).toBe('2025-09-01');
    expect(electronicDue('2020-08-31', at('2025-08-31'))).toBe(false);
    expect(electronicDue('2020-08-31', bishkekInstant('2025-09-01', '00:00'))).toBe(true);
    // The demo's year (ends 2027-08-31) is not due on the demo's today.
    expect(electronicDue('2027-08-31', at('2026-11-26'))).toBe(false);
  });

  it('sends paper journals to the archive after a year in the deanery', () => {
    const printedAt = at('2025-11-26');
    expect(paperDueForArchive({ printedAt, archivedOn: null }, at('2026-11-25'))).toBe(false);
    expect(paperDueForArchive({ printedAt, archivedOn: null }, at('2026-11-26'))).toBe(true);
    expect(paperDueForArchive({ printedAt, archivedOn: '2026-10-01' }, at('2027-11-26'))).toBe(false);
  });

  it('takes the current (latest begun) and the previous year as the window', () => {
    const years = [
      { id: 1, startsOn: '2024-09-01', endsOn: '2025-08-31' },
      { id: 3, startsOn: '2026-09-01', endsOn: '2027-08-31' },
      { id: 2, startsOn: '2025-09-01', endsOn: '2026-08-31' },
      { id: 4, startsOn: '2027-09-01', endsOn: '2028-08-31' },
    ];
    expect(windowYearIds(years, at('2026-11-26')).sort()).toEqual([2, 3]);
    expect(windowYearIds(years, at('2026-08-31')).sort()).toEqual([1, 2]);
  });

  it('forgives dashes and spaces in the typed confirmation', () => {
    expect(confirmsYear('2019-2020', '2019–2020')).toBe(true);
    expect(confirmsYear(' 2019 – 2020 ', '2019–2020')).toBe(true);
    expect(confirmsYear('2019/2020', '2019–2020')).toBe(true);
    expect(confirmsYear('2018–2019', '2019–2020')).toBe(false);
    expect(confirmsYear('', '')).toBe(false);
  });
});

describe('purgeRefusal', () => {
  const old = { id: 10, startsOn: '2019-09-01', endsOn: '2020-08-31', semesterIds: [101, 102] };
  const demoYear = { id: 30, startsOn: '2026-09-01', endsOn: '2027-08-31', semesterIds: [301] };
  const years = [old, { id: 20, startsOn: '2025-09-01', endsOn: '2026-08-31' }, demoYear];
  const faculty1 = { kind: 'faculty' as const, id: 1 };
  const pkg = (over: Partial<PackageFact>): PackageFact => ({
    id: 'p-year',
    unitKind: 'faculty',
    unitId: 1,
    periodKind: 'year',
    periodId: 10,
    academicYearId: 10,
    verified: true,
    ...over,
  });
  const sem1 = pkg({ id: 'p-s1', periodKind: 'semester', periodId: 101 });
  const sem2 = pkg({ id: 'p-s2', periodKind: 'semester', periodId: 102 });
  const base: PurgeFacts = {
    now: at('2026-11-26'),
    year: old,
    years,
    unit: faculty1,
    packages: [pkg({})],
    purges: [],
    packageId: 'p-year',
  };
  const cases: Array<[string, Partial<PurgeFacts>, PurgeRefusal | null]> = [
    ['a verified year package of the expired year', {}, null],
    ['no package named', { packageId: null }, null],
    ['verified packages of both semesters', { packages: [sem1, sem2], packageId: 'p-s2' }, null],
    ['only one semester packaged', { packages: [sem1], packageId: 'p-s1' }, 'notCovered'],
    ['a semester package unverified', { packages: [sem1, { ...sem2, verified: false }] }, 'notVerified'],
    ['the year package unverified', { packages: [pkg({ verified: false })] }, 'notVerified'],
    ['no package at all', { packages: [] }, 'noPackage'],
    ['a package of another unit', { packages: [pkg({ unitId: 2 })] }, 'noPackage'],
    ['a package of the faculty for a department', { unit: { kind: 'department', id: 1 } }, 'noPackage'],
    ['a package of another year', { packages: [pkg({ academicYearId: 11, periodId: 11 })] }, 'noPackage'],
    ['a named package that is not of the year', { packageId: 'p-other' }, 'wrongPackage'],
    ['the year not yet due', { now: at('2025-08-31') }, 'notDue'],
    ['the demo year (current)', { year: demoYear }, 'notDue'],
    [
      'already requested',
      { purges: [{ academicYearId: 10, unitKind: 'faculty', unitId: 1, purgedAt: null }] },
      'alreadyRequested',
    ],
    [
      'already purged',
      { purges: [{ academicYearId: 10, unitKind: 'faculty', unitId: 1, purgedAt: at('2026-01-01') }] },
      'alreadyPurged',
    ],
    [
      'a purge of another unit does not count',
      { purges: [{ academicYearId: 10, unitKind: 'faculty', unitId: 2, purgedAt: null }] },
      null,
    ],
    [
      // Only with a clock far off could a due year be in the window; the rule still refuses it.
      'a due year inside the window',
      {
        years: [old, { id: 11, startsOn: '2020-09-01', endsOn: '2021-08-31' }],
        now: at('2025-09-02'),
      },
      'inWindow',
    ],
  ];
  it.each(cases)('%s', (_name, over, want) => expect(purgeRefusal({ ...base, ...over })).toBe(want));

  it('prefers a year package and needs every semester otherwise', () => {
    expect(coveringPackages([sem1, sem2, pkg({})], faculty1, old)?.map((p) => p.id)).toEqual(['p-year']);
    expect(coveringPackages([sem2, sem1], faculty1, old)?.map((p) => p.id)).toEqual(['p-s1', 'p-s2']);
    expect(coveringPackages([sem1], faculty1, { id: 10, semesterIds: [] })).toBeNull();
  });
});
