import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { boot } from '../../src-main/boot';
import { LOCAL_MIGRATIONS } from '../../src-main/db/open';
import { CENTRAL_MIGRATIONS } from '../../src-gateway/db/client';
import { startGateway } from '../../src-gateway/server';
import type { PrintJobView } from '../../src-shared/contract/print.contract';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import { callOk, DEMO_NOW } from '../helpers/replica';
import {
  centralEdit,
  centralOutcomes,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * Issue 15: the document register arrives with a migration on both sides that copies the paper
 * register into it. A replica and a centre of the previous schema version — the same files without the
 * `documents` table and with the migrations before it — are migrated: every paper entry keeps its
 * register entry (the same id, number, code, times, versions; two under one number stay two), a print
 * still queued in the outbox (as the previous version queued it, without canon and twin) reaches the
 * centre, and the replica's checksums equal the centre's (the centre's maintained sums are rebuilt; the
 * entries of other faculties, which this replica never held, arrive by the verification's repair).
 */
const { track, closeAll } = closers();
afterEach(closeAll);

/** When each of the document register's migrations was made (drizzle applies those newer than the last). */
function firstMillis(folder: string, tag: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string; when: number }>;
  };
  const e = journal.entries.find((x) => x.tag === tag);
  if (!e) throw new Error(`no migration ${tag}`);
  return e.when;
}
const LOCAL_FROM = firstMillis(LOCAL_MIGRATIONS, '0009_document_register');
const CENTRAL_FROM = firstMillis(CENTRAL_MIGRATIONS, '0008_document_register');

/** Take a replica file back to the previous schema version: no register, its migrations not applied. */
function downgradeReplica(file: string): void {
  const db = new Database(file);
  db.exec('DROP TABLE documents');
  db.prepare('DELETE FROM __drizzle_migrations WHERE created_at >= ?').run(LOCAL_FROM);
  db.close();
}

/** The same for the central database (the gateway is stopped). */
async function downgradeCentral(gw: TestGateway): Promise<void> {
  const statements = [
    'DROP TABLE documents',
    `DELETE FROM drizzle.__drizzle_migrations WHERE created_at >= ${CENTRAL_FROM}`,
  ];
  if (gw.opts.dataDir) {
    const db = await PGlite.create(gw.opts.dataDir);
    for (const s of statements) await db.query(s);
    await db.close();
  } else {
    const c = new pg.Client({ connectionString: gw.opts.databaseUrl });
    await c.connect();
    for (const s of statements) await c.query(s);
    await c.end();
  }
}

const REGISTER_OF_PAPER = `SELECT p.id, p.number, p.code, p.locale, p.pages, p.printed_at, p.printed_by, p.row_version,
  p.updated_at, p.updated_by, p.offering_id FROM paper_journals p ORDER BY p.id`;
const REGISTER = `SELECT id, number, code, locale, pages, printed_at, printed_by, row_version, updated_at, updated_by,
  subject_id AS offering_id, kind, canon, subject_kind, twin FROM documents ORDER BY id`;

describe.each(BACKENDS)('the document register’s migration on %s', (backend) => {
  it('copies every paper entry on both sides; a queued print goes through; checksums agree', async () => {
    const gw = track(await testGateway(backend));
    const offering = async (faculty: number, n: number) =>
      (
        await gw.db.query<{ id: number }>(
          `SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = $1 ORDER BY o.id LIMIT 1 OFFSET $2`,
          [faculty, n],
        )
      ).map((o) => Number(o.id))[0] ?? 0;
    const o1 = await offering(1, 0);
    const o2 = await offering(1, 1);
    const o3 = await offering(2, 0);
    // The previous version's paper register, centrally: faculty 1's entries — two of them under one
    // number (one offering printed twice within a second) — and one of faculty 2.
    const paper = (offeringId: number, number: string, printedAt: number) => ({
      table: 'paper_journals',
      key: { id: randomUUID() },
      set: {
        offering_id: offeringId,
        number,
        code: 'AAAA-BBBB-CCCC',
        locale: 'ru',
        pages: 3,
        printed_at: printedAt,
        printed_by: null,
        signed_on: null,
        archived_on: null,
        transfer_act: null,
      },
    });
    const twice = `ЖУР-${o1}-20261120-120000`;
    await centralEdit(gw.url, [
      paper(o1, twice, DEMO_NOW - 86_400_000),
      paper(o1, twice, DEMO_NOW - 86_400_000),
      paper(o2, `ЖУР-${o2}-20261120-120500`, DEMO_NOW - 86_000_000),
      paper(o3, `ЖУР-${o3}-20261120-121000`, DEMO_NOW - 85_000_000),
    ]);

    // A faculty-1 replica synced with it; then the dean prints a group and the prints wait in the outbox.
    let a = emptyReplica();
    const file = a.db.$client.name;
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await a.deps.sync.sync({ verify: 'always' });
    const dean = await desktopLogin(a, 'dean');
    const group = (
      a.db.$client
        .prepare(
          'SELECT g.id FROM groups g WHERE g.faculty_id = 1 AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1',
        )
        .get() as { id: number }
    ).id;
    let job = await callOk<PrintJobView>(a, 'print.start', { unit: { kind: 'group', id: group } }, dean);
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 25));
      job = await callOk<PrintJobView>(a, 'print.job', { jobId: job.id }, dean);
    }
    const queued = job.files.flatMap((f) => f.journals).length;
    expect(queued).toBeGreaterThan(0);
    // As the previous version queued them: no canon, no twin.
    a.db.$client.prepare("UPDATE outbox SET args = json_remove(args, '$.canon', '$.twin')").run();
    a.close();

    // Both sides back to the previous schema version, then up again: the migrations run.
    await gw.close();
    downgradeReplica(file);
    await downgradeCentral(gw);
    const g2 = track(
      await startGateway({ ...gw.opts, port: gw.port, log: () => undefined, devEndpoints: true }),
    );
    a = track(boot({ dbPath: file, demoIfMissing: null, now: () => DEMO_NOW, log: () => undefined }));

    // Every paper entry is in the register under its own id, as it was (the later of two under one
    // number with its id appended); the queued prints still pending.
    const centralPapers = await g2.db.query(REGISTER_OF_PAPER);
    const laterTwice = centralPapers
      .filter((p) => p.number === twice)
      .map((p) => String(p.id))
      .sort()[1];
    expect(laterTwice).toBeDefined();
    const expected = (rows: Array<Record<string, unknown>>) =>
      rows.map((p) => ({
        ...p,
        number: p.id === laterTwice ? `${twice}/${String(p.id)}` : p.number,
        kind: 'journal',
        canon: 1,
        subject_kind: 'offering',
        twin: null,
      }));
    const centralRegister = await g2.db.query(REGISTER);
    expect(centralRegister).toEqual(expected(centralPapers));
    expect(centralRegister).toHaveLength(4);
    const local = a.db.$client;
    const localPapers = local.prepare(REGISTER_OF_PAPER).all() as Array<Record<string, unknown>>;
    expect(localPapers).toHaveLength(3 + queued);
    expect(local.prepare(REGISTER).all()).toEqual(expected(localPapers));
    expect(local.prepare('SELECT count(*) AS n FROM documents WHERE row_version = 0').get()).toEqual({
      n: queued,
    });

    // The queued prints reach the centre (as canon 1 without a twin); the entries of faculty 2 this
    // replica never held come with the verification's repair; then everything is equal.
    await desktopLogin(a, 'dean');
    const r = await a.deps.sync.sync({ verify: 'always' });
    // (A login pushes the person's queued edits itself, before the cycle: count them at the centre.)
    expect(r).toMatchObject({ conflicts: 0, verified: 'repaired' });
    expect(a.deps.sync.status().pending).toBe(0);
    expect(await centralOutcomes(g2.db, a.deps.deviceId)).toEqual({
      byOutcome: { APPLIED: queued },
      audited: queued,
      total: queued,
    });
    expect(r.repairedPartitions).toBeGreaterThan(0);
    await expectReplicaEqualsCentral(a, g2.db, 'faculty:1');
    const again = await a.deps.sync.sync({ verify: 'always' });
    expect(again).toMatchObject({ verified: 'equal', repairedPartitions: 0 });
    const [pushed] = await g2.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM documents WHERE kind = 'journal' AND canon = 1 AND twin IS NULL AND printed_at >= $1",
      [DEMO_NOW],
    );
    expect(pushed?.n).toBe(queued);
    expect(local.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 4 + queued });
  });
});
