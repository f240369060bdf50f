import { afterEach, describe, expect, it } from 'vitest';
import type { ArchiveJobView, PackageView, VerifyReport } from '../../src-shared/contract/archive.contract';
import { queueUnjudged } from '../helpers/outbox';
import { callOk, DEMO_NOW } from '../helpers/replica';
import { BACKENDS, testGateway } from '../helpers/central';
import { closers, desktopLogin, emptyReplica, expectReplicaEqualsCentral } from '../helpers/sync';

/**
 * The archive register reaches the centre through the outbox (issue 7: the digest recorded outside the
 * package): a package's registration and its verification are applied once and reach other replicas;
 * a registration outside the archivist's unit and a verification with another digest are refused.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

describe.each(BACKENDS)('archive register through sync on %s', (backend) => {
  it('a registered and verified package reaches the centre and other replicas; forgeries are refused', async () => {
    const gw = track(await testGateway(backend));
    const a = track(emptyReplica());
    await a.deps.sync.connect(gw.url, 'archivist', 'demo');
    await a.deps.sync.sync();
    const archivist = await desktopLogin(a, 'archivist');
    const group = a.db.$client
      .prepare(
        'SELECT g.id FROM groups g WHERE g.faculty_id = 1 AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1',
      )
      .get() as { id: number };
    let job = await callOk<ArchiveJobView>(
      a,
      'archive.start',
      { unit: { kind: 'group', id: group.id }, name: 'p.zip' },
      archivist,
    );
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 25));
      job = await callOk<ArchiveJobView>(a, 'archive.job', { jobId: job.id }, archivist);
    }
    expect(job.state, job.error ?? '').toBe('done');
    const digest = job.result!.digest;
    const report = await callOk<VerifyReport>(a, 'archive.verify', { name: 'p.zip' }, archivist);
    expect(report).toMatchObject({ whole: true, registered: 'matches', recorded: true });

    // Forged past the desktop: a package of the other faculty, and a verification with another digest.
    const foreign = a.db.$client
      .prepare('SELECT id FROM groups WHERE faculty_id = 2 ORDER BY id LIMIT 1')
      .get() as { id: number };
    const user = (
      a.db.$client.prepare("SELECT id FROM users WHERE login = 'archivist'").get() as { id: number }
    ).id;
    const actor = { userId: user, deviceId: a.deps.deviceId, now: DEMO_NOW };
    queueUnjudged(a.db, actor, [
      {
        name: 'archive.registered',
        args: {
          packageId: '0192d0a0-0000-7000-8000-00000000cc01',
          unitKind: 'group',
          unitId: foreign.id,
          periodKind: 'semester',
          periodId: 1,
          academicYearId: 1,
          fileName: 'forged.zip',
          sizeBytes: 1,
          digest: 'a'.repeat(64),
          counts: {},
        },
        baseVersion: null,
        changes: [],
      },
      {
        name: 'archive.verified',
        args: { packageId: job.result!.packageId, digest: 'b'.repeat(64) },
        baseVersion: null,
        changes: [],
      },
    ]);
    const r = await a.deps.sync.sync();
    expect(r).toMatchObject({ applied: 2, conflicts: 2 });
    const central = await gw.db.query<{
      id: string;
      digest: string;
      made_by: number;
      verified_by: number | null;
    }>('SELECT id, digest, made_by, verified_by FROM archive_packages ORDER BY id');
    expect(central).toEqual([{ id: job.result!.packageId, digest, made_by: user, verified_by: user }]);
    const refused = await gw.db.query<{ name: string; outcome: string }>(
      "SELECT name, outcome FROM mutations WHERE name LIKE 'archive.%' AND outcome <> 'APPLIED' ORDER BY name",
    );
    expect(refused).toEqual([
      { name: 'archive.registered', outcome: 'FORBIDDEN' },
      { name: 'archive.verified', outcome: 'INVALID' },
    ]);
    await expectReplicaEqualsCentral(a, gw.db, 'faculty:1');

    // The register is reference data: the deanery's replica sees the package, verified.
    const b = track(emptyReplica());
    await b.deps.sync.connect(gw.url, 'dean', 'demo');
    await b.deps.sync.sync();
    const dean = await desktopLogin(b, 'dean');
    const list = await callOk<{ items: PackageView[] }>(b, 'archive.list', {}, dean);
    expect(list.items).toEqual([
      expect.objectContaining({ digest, pending: false, verifiedAt: expect.any(Number) as number }),
    ]);
  }, 120_000);
});
