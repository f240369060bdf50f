import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import type { LocalActor } from '../../src-main/db/write-path';
import { sessionUserOf } from '../../src-main/db/users.repo';
import { findDocument, registerDocuments } from '../../src-main/print/documents-register';
import type { DocumentView } from '../../src-shared/contract/documents.contract';
import type { PrintJobView } from '../../src-shared/contract/print.contract';
import { BACKENDS, testGateway } from '../helpers/central';
import { RawClient } from '../helpers/raw-client';
import { callOk, DEMO_NOW } from '../helpers/replica';
import {
  centralEdit,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
} from '../helpers/sync';

/**
 * The register of printed documents through sync (issue 15, item 4): an act registered on one desktop
 * and the journals it prints reach the centre and every other replica (reference data); a journal's
 * print is one paper entry and one register entry under the same id. A print still queued when the
 * replica downloads its scope again is re-applied whole — both rows, or, when the centre meanwhile gave
 * its number to another print, neither — and never breaks the register's one-number rule.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

type Sqlite = App['db']['$client'];

const userId = (sql: Sqlite, login: string) =>
  (sql.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number }).id;

/** A person of the replica as the one write path judges them (the session's grants), at the demo's now. */
function actorOf(app: App, login: string): LocalActor {
  const id = userId(app.db.$client, login);
  const found = sessionUserOf(app.db, id);
  if (!found) throw new Error(`no account ${login}`);
  return {
    userId: id,
    teacherId: found.user.teacherId,
    grants: found.grants,
    deviceId: app.deps.deviceId,
    now: DEMO_NOW,
  };
}

/** A faculty-1 group with offerings. */
const groupF1 = (sql: Sqlite) =>
  (
    sql
      .prepare(
        'SELECT g.id FROM groups g WHERE g.faculty_id = 1 AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1',
      )
      .get() as { id: number }
  ).id;

/** Print a group's journals as `session`; the journals printed. */
async function printGroup(app: App, session: string) {
  let job = await callOk<PrintJobView>(
    app,
    'print.start',
    { unit: { kind: 'group', id: groupF1(app.db.$client) } },
    session,
  );
  while (job.state === 'running') {
    await new Promise((r) => setTimeout(r, 25));
    job = await callOk<PrintJobView>(app, 'print.job', { jobId: job.id }, session);
  }
  expect(job.state).toBe('done');
  return job.files.flatMap((f) => f.journals);
}

/** The act of faculty 1's weekly check in Russian and Kyrgyz, each naming the other. */
const actPair = (ru: string, ky: string) =>
  [
    {
      number: ru,
      kind: 'act',
      locale: 'ru',
      code: 'ABCD-EFGH-JKMN',
      pages: 2,
      subject: { kind: 'faculty', id: 1 },
      twin: ky,
    },
    {
      number: ky,
      kind: 'act',
      locale: 'ky',
      code: 'PQRS-TVWX-YZ12',
      pages: 2,
      subject: { kind: 'faculty', id: 1 },
      twin: ru,
    },
  ] as const;

const list = async (app: App, session: string, input: object = {}) =>
  (await callOk<{ items: DocumentView[] }>(app, 'documents.list', input, session)).items;

describe.each(BACKENDS)('the document register through sync on %s', (backend) => {
  it('an act and printed journals reach the centre and a replica of another faculty; each sees its own', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await a.deps.sync.sync();
    const b = track(emptyReplica());
    await b.deps.sync.connect(gw.url, 'dean2', 'demo');
    await b.deps.sync.sync();
    const dean = await desktopLogin(a, 'dean');

    const printed = await printGroup(a, dean);
    expect(printed.length).toBeGreaterThan(0);
    // A journal's print is two rows under one id: its paper entry and its register entry.
    const pairs = a.db.$client
      .prepare(
        `SELECT p.number, d.kind, d.subject_kind AS subjectKind, d.subject_id AS subjectId, d.canon, d.twin,
           d.code = p.code AS sameCode, d.row_version AS v
         FROM paper_journals p JOIN documents d ON d.id = p.id AND d.number = p.number`,
      )
      .all() as Array<Record<string, unknown>>;
    expect(pairs).toHaveLength(printed.length);
    for (const p of pairs)
      expect(p).toMatchObject({
        kind: 'journal',
        subjectKind: 'offering',
        // A print job of the app prints canonical v2.
        canon: 2,
        twin: null,
        sameCode: 1,
        v: 0,
      });

    const [ru, ky] = actPair('АКТ-20261126-133000', 'АКТ-20261126-133000-КЫ');
    registerDocuments(a.db, actorOf(a, 'dean'), [ru, ky]);
    const r = await a.deps.sync.sync();
    expect(r).toMatchObject({ applied: printed.length + 2, conflicts: 0 });

    const central = await gw.db.query<{ id: string; number: string; kind: string; printed_by: number }>(
      'SELECT id, number, kind, printed_by FROM documents ORDER BY number',
    );
    expect(central).toHaveLength(printed.length + 2);
    expect(central.every((d) => d.printed_by === userId(a.db.$client, 'dean'))).toBe(true);
    const centralPapers = await gw.db.query<{ id: string; number: string }>(
      'SELECT id, number FROM paper_journals',
    );
    for (const p of centralPapers)
      expect(central.find((d) => d.id === p.id)).toMatchObject({ number: p.number, kind: 'journal' });
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');

    // Reference data: the replica of faculty 2 holds every entry, though not faculty 1's paper journals.
    await b.deps.sync.sync();
    await expectReplicaEqualsCentral(b, gw.db, 'faculty:2');
    expect(b.db.$client.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: central.length });
    expect(b.db.$client.prepare('SELECT count(*) AS n FROM paper_journals').get()).toEqual({ n: 0 });
    const found = findDocument(b.db, ru.number);
    expect(found).toMatchObject({
      kind: 'act',
      locale: 'ru',
      subjectKind: 'faculty',
      subjectId: 1,
      twinNumber: ky.number,
      pending: false,
      twin: { number: ky.number, locale: 'ky', twinNumber: ru.number },
    });
    expect(findDocument(b.db, 'АКТ-20261126-133059')).toBeNull();

    // Each sees what they may register: the dean all of it, the study office the acts (no journals),
    // the deanery of faculty 2 none of faculty 1's.
    const deanSees = await list(a, dean);
    expect(deanSees.map((d) => d.number).sort()).toEqual(central.map((d) => d.number).sort());
    const act = deanSees.find((d) => d.number === ru.number);
    expect(act).toMatchObject({
      kind: 'act',
      subject: { kind: 'faculty', id: 1 },
      twin: { number: ky.number, registered: true },
      printedBy: expect.any(String),
      pending: false,
    });
    const study = await desktopLogin(a, 'study');
    expect((await list(a, study)).map((d) => d.number).sort()).toEqual([ru.number, ky.number]);
    expect(await list(a, study, { kind: 'journal' })).toEqual([]);
    const dean2 = await desktopLogin(b, 'dean2');
    expect(await list(b, dean2)).toEqual([]);
    // Searched by number or code, of one kind.
    expect((await list(a, dean, { search: ky.code.toLowerCase() })).map((d) => d.number)).toEqual([
      ky.number,
    ]);
    // A Kyrgyz print by its suffix typed in lower case (Cyrillic, which SQLite's LIKE does not fold).
    expect((await list(a, dean, { kind: 'act', search: '-кы' })).map((d) => d.number)).toEqual([ky.number]);
    expect(await list(a, dean, { kind: 'journal', search: '-кы' })).toEqual([]);
  });
});

describe('a print still queued when the scope is downloaded again (PGlite)', () => {
  /**
   * The archivist prints a group on A; their edits wait (no token), while the dean's account keeps
   * pulling. Meanwhile another PC's print takes the number of one of A's journals centrally.
   */
  async function scene() {
    const gw = track(await testGateway('pglite', DEMO_NOW));
    const a = track(emptyReplica());
    const sql = a.db.$client;
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await a.deps.sync.sync();
    const archivist = await desktopLogin(a, 'archivist');
    const printed = await printGroup(a, archivist);
    expect(printed.length).toBeGreaterThan(1);
    const [taken] = printed;
    if (!taken) throw new Error('nothing printed');
    const other = new RawClient(gw.url, () => DEMO_NOW);
    expect(await other.login('dean')).toBe(200);
    const theirs = randomUUID();
    const r = await other.push([
      {
        name: 'paper.printed',
        args: {
          paperId: theirs,
          offeringId: taken.offeringId,
          number: taken.number,
          code: 'AAAA-BBBB-CCCC',
          locale: 'ky',
          pages: 1,
          canon: 1,
          twin: null,
        },
      },
    ]);
    expect(r.outcomes[0]).toMatchObject({ outcome: 'APPLIED' });
    const mine = (number: string) =>
      sql.prepare('SELECT id FROM paper_journals WHERE number = ? AND row_version = 0').get(number) as
        { id: string } | undefined;
    const takenId = mine(taken.number)?.id;
    if (!takenId) throw new Error('the print is not in the paper register');
    a.deps.sync.dropTokens(userId(sql, 'archivist'));
    return { gw, a, sql, printed, taken, takenId, theirs };
  }

  /** Both rows of each of A's other prints, pending; none of the one whose number the centre gave away. */
  function expectConsistent(
    sql: Sqlite,
    s: { printed: Array<{ number: string }>; taken: { number: string }; takenId: string; theirs: string },
  ) {
    for (const p of s.printed.filter((x) => x.number !== s.taken.number)) {
      const rows = sql
        .prepare(
          `SELECT p.id, p.row_version AS pv, d.row_version AS dv FROM paper_journals p
           JOIN documents d ON d.id = p.id AND d.number = p.number WHERE p.number = ?`,
        )
        .all(p.number);
      expect(rows, p.number).toEqual([{ id: expect.any(String), pv: 0, dv: 0 }]);
    }
    expect(sql.prepare('SELECT id FROM documents WHERE number = ?').all(s.taken.number)).toEqual([
      { id: s.theirs },
    ]);
    expect(sql.prepare('SELECT count(*) AS n FROM documents WHERE id = ?').get(s.takenId)).toEqual({ n: 0 });
  }

  /** The archivist logs in again: their prints go, the one whose number was taken is refused. */
  async function settle(s: Awaited<ReturnType<typeof scene>>) {
    await desktopLogin(s.a, 'archivist');
    const r = await s.a.deps.sync.sync({ verify: 'always' });
    expect(r).toMatchObject({
      pushed: s.printed.length,
      applied: s.printed.length - 1,
      conflicts: 1,
      verified: 'equal',
    });
    expect(s.sql.prepare('SELECT code FROM sync_conflicts').all()).toEqual([{ code: 'number_taken' }]);
    expect(s.sql.prepare('SELECT count(*) AS n FROM paper_journals WHERE id = ?').get(s.takenId)).toEqual({
      n: 0,
    });
    await expectReplicaEqualsCentral(s.a, s.gw.db, 'faculty:1');
  }

  it('MUST_RESYNC: the re-apply writes both rows of each print, or neither when the number is taken', async () => {
    const s = await scene();
    const pending = s.a.deps.sync.status().pending;
    expect(pending).toBe(s.printed.length);
    // The centre prunes its log past this replica's cursor: the next pull answers MUST_RESYNC.
    await centralEdit(s.gw.url, [
      {
        table: 'calendar_days',
        key: { id: 998 },
        set: { date: '2027-01-03', kind: 'non_teaching', name_ru: 'Каникулы', name_ky: 'Каникул' },
      },
    ]);
    await s.gw.db.query('UPDATE sync_counter SET pruned_through = seq WHERE id = 1');
    const held = await s.a.deps.sync.sync();
    expect(held).toMatchObject({ resynced: true, pushed: 0, waitingForLogin: userId(s.sql, 'archivist') });
    expect(s.a.deps.sync.status().pending).toBe(pending);
    expectConsistent(s.sql, s);
    // Neither row of the print whose number the centre gave to another: its paper entry waits in the
    // outbox alone, to come back refused.
    expect(s.sql.prepare('SELECT count(*) AS n FROM paper_journals WHERE id = ?').get(s.takenId)).toEqual({
      n: 0,
    });
    await settle(s);
  });

  it('a pull: the centre’s entry under the number wins over the queued one, which comes back refused', async () => {
    const s = await scene();
    const r = await s.a.deps.sync.sync();
    expect(r).toMatchObject({ resynced: false, pushed: 0, waitingForLogin: userId(s.sql, 'archivist') });
    expect(r.pulled).toBeGreaterThan(0);
    // The queued paper entry itself stays until its refusal comes back; its register entry gave way.
    expect(s.sql.prepare('SELECT count(*) AS n FROM paper_journals WHERE id = ?').get(s.takenId)).toEqual({
      n: 1,
    });
    expectConsistent(s.sql, s);
    await settle(s);
  });
});
