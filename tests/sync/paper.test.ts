import { afterEach, describe, expect, it } from 'vitest';
import type { PaperView, PrintJobView } from '../../src-shared/contract/print.contract';
import { queueUnjudged } from '../helpers/outbox';
import { callOk, DEMO_NOW } from '../helpers/replica';
import { BACKENDS, testGateway } from '../helpers/central';
import { closers, desktopLogin, emptyReplica, expectReplicaEqualsCentral } from '../helpers/sync';

/**
 * The paper register reaches the centre through the outbox: printed journals and the deanery's dates
 * are applied once; a register entry for an offering outside the caller's scope is refused centrally.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

describe.each(BACKENDS)('paper register through sync on %s', (backend) => {
  it('printed journals and their signature date reach the centre; a foreign entry is refused', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'dean', 'demo');
    await a.deps.sync.sync();
    const dean = await desktopLogin(a, 'dean');
    const group = a.db.$client
      .prepare('SELECT id FROM groups WHERE faculty_id = 1 ORDER BY id LIMIT 1')
      .get() as {
      id: number;
    };
    let job = await callOk<PrintJobView>(a, 'print.start', { unit: { kind: 'group', id: group.id } }, dean);
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 25));
      job = await callOk<PrintJobView>(a, 'print.job', { jobId: job.id }, dean);
    }
    const printed = job.files.flatMap((f) => f.journals);
    expect(printed.length).toBeGreaterThan(0);
    const first = (await callOk<{ items: PaperView[] }>(a, 'print.register', {}, dean)).items.find(
      (p) => p.number === printed[0]?.number,
    );
    if (!first) throw new Error('not registered');
    await callOk(a, 'print.setSigned', { paperId: first.id, signedOn: '2026-11-27' }, dean);
    // Forged past the desktop: an entry for an offering of the other faculty.
    const foreign = a.db.$client
      .prepare(
        'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 2 LIMIT 1',
      )
      .get() as { id: number };
    const deanUser = (
      a.db.$client.prepare("SELECT id FROM users WHERE login = 'dean'").get() as { id: number }
    ).id;
    queueUnjudged(a.db, { userId: deanUser, deviceId: a.deps.deviceId, now: DEMO_NOW }, [
      {
        name: 'paper.printed',
        args: {
          paperId: '0192d0a0-0000-7000-8000-00000000bb01',
          offeringId: foreign.id,
          number: `ЖУР-${foreign.id}-20261126-133000`,
          code: 'AAAA-BBBB-CCCC',
          locale: 'ru',
          pages: 4,
        },
        baseVersion: null,
        changes: [],
      },
    ]);
    const r = await a.deps.sync.sync();
    expect(r).toMatchObject({ applied: printed.length + 1, conflicts: 1 });
    const central = await gw.db.query<{
      number: string;
      code: string;
      signed_on: string | null;
      printed_by: number;
    }>('SELECT number, code, signed_on, printed_by FROM paper_journals ORDER BY number');
    expect(central.map((c) => c.number).sort()).toEqual(printed.map((p) => p.number).sort());
    expect(central.every((c) => c.printed_by === deanUser)).toBe(true);
    expect(central.find((c) => c.number === first.number)?.signed_on).toBe('2026-11-27');
    const [refused] = await gw.db.query<{ outcome: string }>(
      "SELECT outcome FROM mutations WHERE name = 'paper.printed' AND outcome <> 'APPLIED'",
    );
    expect(refused?.outcome).toBe('FORBIDDEN');
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');
  });
});
