import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionRow } from '../../src-shared/contract/archive.contract';
import type { App } from '../boot';
import { queueUnjudged } from '../../tests/helpers/outbox';
import { bootTiny, callOk, DEMO_NOW, login } from '../../tests/helpers/replica';

/**
 * The retention register and purge requests through the API, on the tiny demo (its year 2026–2027)
 * with an expired year 2019–2020 added: due dates, paper counts, the deanery's view, and purges refused
 * (no verified package, a year not due, a wrong confirmation — each writing nothing) and accepted.
 */
let app: App;
let archivist: string;
let dean: string;
let archivistId: number;

const OLD_YEAR = 90;
const PKG = '0190a0a0-0000-7000-8000-0000000000a1';
const DIGEST = 'ab'.repeat(32);
const DAY = 86_400_000;

type Register = { years: RetentionRow[]; due: number };

function counts(): Record<string, number> {
  const n = (table: string) =>
    (app.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { purges: n('archive_purges'), outbox: n('outbox'), audit: n('audit_log') };
}

const actor = () => ({ userId: archivistId, deviceId: app.deps.deviceId, now: DEMO_NOW });

function purgeInput(over: Record<string, unknown> = {}) {
  return {
    academicYearId: OLD_YEAR,
    unit: { kind: 'faculty', id: 1 },
    packageId: PKG,
    confirm: '2019–2020',
    ...over,
  };
}

beforeAll(async () => {
  app = bootTiny();
  archivist = await login(app, 'archivist');
  dean = await login(app, 'dean');
  archivistId = (
    app.db.$client.prepare("SELECT id FROM users WHERE login = 'archivist'").get() as { id: number }
  ).id;
  // An expired academic year, as the reference table holds every year.
  const ref = `1, ${DEMO_NOW}, NULL`;
  app.db.$client
    .exec(`INSERT INTO academic_years (id, name, starts_on, ends_on, row_version, updated_at, updated_by)
    VALUES (${OLD_YEAR}, '2019–2020', '2019-09-01', '2020-08-31', ${ref});
    INSERT INTO semesters (id, academic_year_id, number, starts_on, ends_on, row_version, updated_at, updated_by)
    VALUES (901, ${OLD_YEAR}, 1, '2019-09-01', '2020-01-31', ${ref}), (902, ${OLD_YEAR}, 2, '2020-02-01', '2020-06-30', ${ref});`);
  // Paper journals of the demo year in faculty 1: one recent, one over a year in the deanery, one archived.
  const offerings = app.db.$client
    .prepare(
      'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 ORDER BY o.id LIMIT 3',
    )
    .all() as Array<{ id: number }>;
  const papers: Array<[number, string | null]> = [
    [DEMO_NOW - 10 * DAY, null],
    [DEMO_NOW - 400 * DAY, null],
    [DEMO_NOW - 500 * DAY, '2026-01-15'],
  ];
  queueUnjudged(
    app.db,
    actor(),
    papers.map(([printedAt, archivedOn], i) => {
      const paperId = `0190a0a0-0000-7000-8000-0000000000b${i}`;
      const offeringId = offerings[i]?.id ?? 0;
      const number = `ЖУР-${offeringId}-20261126-13300${i}`;
      return {
        name: 'paper.printed' as const,
        args: { paperId, offeringId, number, code: 'AAAA-BBBB-CCCC', locale: 'ru' as const, pages: 4 },
        baseVersion: null,
        changes: [
          {
            table: 'paper_journals',
            key: { id: paperId },
            set: {
              offering_id: offeringId,
              number,
              code: 'AAAA-BBBB-CCCC',
              locale: 'ru',
              pages: 4,
              printed_at: printedAt,
              printed_by: archivistId,
              signed_on: null,
              archived_on: archivedOn,
              transfer_act: archivedOn ? 'Акт № 1' : null,
            },
          },
        ],
      };
    }),
  );
});
afterAll(() => app.close());

function registerPackage(verified: boolean): void {
  queueUnjudged(app.db, actor(), [
    {
      name: 'archive.registered',
      args: {
        packageId: PKG,
        unitKind: 'faculty',
        unitId: 1,
        periodKind: 'year',
        periodId: OLD_YEAR,
        academicYearId: OLD_YEAR,
        fileName: 'faculty-1-2019-2020.zip',
        sizeBytes: 1000,
        digest: DIGEST,
        counts: { marks: 10 },
      },
      baseVersion: null,
      changes: [
        {
          table: 'archive_packages',
          key: { id: PKG },
          set: {
            unit_kind: 'faculty',
            unit_id: 1,
            period_kind: 'year',
            period_id: OLD_YEAR,
            academic_year_id: OLD_YEAR,
            file_name: 'faculty-1-2019-2020.zip',
            size_bytes: 1000,
            digest: DIGEST,
            counts: '{"marks":10}',
            made_at: DEMO_NOW,
            made_by: archivistId,
            verified_at: null,
            verified_by: null,
          },
        },
      ],
    },
  ]);
  if (verified)
    queueUnjudged(app.db, actor(), [
      {
        name: 'archive.verified',
        args: { packageId: PKG, digest: DIGEST },
        baseVersion: null,
        changes: [
          {
            table: 'archive_packages',
            key: { id: PKG },
            set: { verified_at: DEMO_NOW, verified_by: archivistId },
          },
        ],
      },
    ]);
}

async function refusedWithNothingWritten(input: unknown, code: string, message?: string) {
  const before = counts();
  const r = await app.dispatch({ method: 'retention.purge', input, session: archivist, locale: 'ru' });
  expect(r).toMatchObject({ ok: false, error: { code } });
  if (!r.ok && message) expect(r.error.message).toContain(message);
  expect(counts()).toEqual(before);
  return r;
}

describe('retention API', () => {
  it('lists every academic year of the archivist’s faculty with its due date and paper', async () => {
    const reg = await callOk<Register>(app, 'retention.register', {}, archivist);
    expect(reg.years.map((y) => [y.name, y.unit.kind, y.unit.id])).toEqual([
      ['2026–2027', 'faculty', 1],
      ['2019–2020', 'faculty', 1],
    ]);
    const [demo, old] = reg.years;
    expect(demo).toMatchObject({
      endsOn: '2027-08-31',
      keptUntil: '2032-08-31',
      electronicDueOn: '2032-09-01',
      electronicDue: false,
      purgeable: false,
      refusal: 'notDue',
      paper: { total: 3, inDeanery: 2, inArchive: 1, dueForArchive: 1 },
    });
    expect(demo?.unitName.ru).toBeTruthy();
    expect(old).toMatchObject({
      keptUntil: '2025-08-31',
      electronicDueOn: '2025-09-01',
      electronicDue: true,
      packages: [],
      purge: null,
      purgeable: false,
      refusal: 'noPackage',
      paper: { total: 0, inDeanery: 0, inArchive: 0, dueForArchive: 0 },
    });
    // Both rows have something due: the old year's records, the demo year's paper.
    expect(reg.due).toBe(2);
  });

  it('shows the deanery the same register, view only; it cannot request a purge', async () => {
    const reg = await callOk<Register>(app, 'retention.register', {}, dean);
    expect(reg.years.map((y) => y.name)).toEqual(['2026–2027', '2019–2020']);
    expect(reg.years.every((y) => !y.purgeable)).toBe(true);
    const r = await app.dispatch({
      method: 'retention.purge',
      input: purgeInput(),
      session: dean,
      locale: 'ru',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
  });

  it('refuses a purge without a verified package, writing nothing', async () => {
    await refusedWithNothingWritten(purgeInput(), 'PURGE_REFUSED', 'нет зарегистрированного');
    registerPackage(false);
    const r = await refusedWithNothingWritten(purgeInput(), 'PURGE_REFUSED', 'не проверен');
    if (!r.ok) expect(r.error.params?.reason).toBe('архивный пакет не проверен');
  });

  it('refuses a year not yet due and a wrong confirmation, writing nothing', async () => {
    await refusedWithNothingWritten(
      purgeInput({ academicYearId: 1, confirm: '2026-2027' }),
      'PURGE_REFUSED',
      'срок хранения',
    );
    registerPackage(true);
    const wrong = await refusedWithNothingWritten(purgeInput({ confirm: '2018–2019' }), 'INVALID_INPUT');
    if (!wrong.ok) expect(wrong.error.field).toBe('confirm');
    // Another faculty is outside the archivist's scope: refused and, as every refusal of rights, audited.
    const before = counts();
    const foreign = await app.dispatch({
      method: 'retention.purge',
      input: purgeInput({ unit: { kind: 'faculty', id: 2 } }),
      session: archivist,
      locale: 'ru',
    });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    expect(counts()).toEqual({ ...before, audit: before.audit + 1 });
  });

  it('accepts the purge of the expired year with a verified package, once', async () => {
    const before = counts();
    const { purgeId } = await callOk<{ purgeId: string }>(
      app,
      'retention.purge',
      purgeInput({ confirm: ' 2019-2020 ' }),
      archivist,
    );
    expect(counts()).toEqual({
      purges: before.purges + 1,
      outbox: before.outbox + 1,
      audit: before.audit + 1,
    });
    const row = app.db.$client.prepare('SELECT * FROM archive_purges WHERE id = ?').get(purgeId);
    expect(row).toMatchObject({
      academic_year_id: OLD_YEAR,
      unit_kind: 'faculty',
      unit_id: 1,
      package_id: PKG,
      purged_at: null,
      requested_at: DEMO_NOW,
      requested_by: archivistId,
    });
    const queued = app.db.$client
      .prepare("SELECT args FROM outbox WHERE name = 'archive.purge'")
      .all() as Array<{ args: string }>;
    expect(queued.map((q) => JSON.parse(q.args) as unknown)).toEqual([
      { purgeId, packageId: PKG, academicYearId: OLD_YEAR, unitKind: 'faculty', unitId: 1 },
    ]);
    const audited = app.db.$client
      .prepare("SELECT op FROM audit_log WHERE entity = 'archive_purges'")
      .all() as Array<{ op: string }>;
    expect(audited).toEqual([{ op: 'insert' }]);

    const reg = await callOk<Register>(app, 'retention.register', {}, archivist);
    const old = reg.years.find((y) => y.academicYearId === OLD_YEAR);
    expect(old).toMatchObject({
      purge: { id: purgeId, purgedAt: null, counts: null },
      purgeable: false,
      refusal: 'alreadyRequested',
      coverPackageId: PKG,
      packages: [{ id: PKG, verified: true, period: 'year', semester: null, pending: true }],
    });
    await refusedWithNothingWritten(purgeInput(), 'PURGE_REFUSED', 'уже запрошено');
    // Still due until the centre carries it out.
    const due = await callOk<Register>(app, 'retention.register', { due: true }, archivist);
    expect(due.years.map((y) => y.name)).toEqual(['2026–2027', '2019–2020']);
  });

  it('lists only what is due when asked', async () => {
    app.db.$client
      .prepare('UPDATE archive_purges SET purged_at = ?, counts = ? WHERE academic_year_id = ?')
      .run(DEMO_NOW, '{"marks":10}', OLD_YEAR);
    const due = await callOk<Register>(app, 'retention.register', { due: true }, archivist);
    expect(due.years.map((y) => y.name)).toEqual(['2026–2027']);
    expect(due.due).toBe(1);
    const all = await callOk<Register>(app, 'retention.register', {}, archivist);
    expect(all.years.find((y) => y.academicYearId === OLD_YEAR)).toMatchObject({
      purge: { purgedAt: DEMO_NOW, counts: { marks: 10 } },
      refusal: 'alreadyPurged',
      purgeable: false,
    });
  });
});
