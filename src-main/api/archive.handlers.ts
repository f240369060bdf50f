import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { sql } from 'drizzle-orm';
import type { ArchiveJobView } from '../../src-shared/contract/archive.contract';
import { AppError } from '../../src-shared/contract/errors';
import { canArchive, type RoleGrant } from '../../src-shared/domain/roles';
import { bishkekDate } from '../../src-shared/domain/time';
import { archiveFileName, archiveFolder, replicaForPackage } from '../archive/files';
import {
  FileGrants,
  freshPackage,
  packagesIn,
  packageToRead,
  packageToWrite,
  type GrantMode,
} from '../archive/confine';
import { listUnits } from '../print/batch';
import {
  archiveInfo,
  openPackage,
  requireRegistered,
  wholePackage,
  type OpenablePackage,
} from '../archive/open';
import { openReplica } from '../db/open';
import type { PackageResult } from '../archive/package';
import { listPackages, recordVerified, registerPackage, transferActPdf } from '../archive/register';
import { registerHandedOut } from '../print/documents-register';
import { runPackageJob } from '../archive/run-job';
import { unitFacts } from '../archive/scope';
import { checkPackage, registerStanding, verdict } from '../archive/verify';
import type { Db } from '../db/open';
import { jobEnded } from '../jobs/job';
import { localActor, requireSession, type Deps, type Handlers } from './context';

type Job = { view: ArchiveJobView; owner: number; abort: AbortController; startedAt: number };

/** Finished jobs are forgotten after this long (their packages stay where they were written). */
const KEEP_MS = 3 * 3600_000;

type ArchiveMethods =
  | 'archive.options'
  | 'archive.pick'
  | 'archive.start'
  | 'archive.job'
  | 'archive.cancel'
  | 'archive.list'
  | 'archive.verify'
  | 'archive.transferAct'
  | 'archive.open'
  | 'archive.browse'
  | 'archive.leave';

/** The units a person may package (or, with 'view', look at): DOMAIN.md roles, "archive packages". */
function unitsOf(db: Db, grants: readonly RoleGrant[], action: 'make' | 'view') {
  const university = unitFacts(db, { kind: 'university', id: null });
  return [
    ...(university && canArchive(grants, university.target, action)
      ? [{ kind: 'university' as const, id: null, name: university.name }]
      : []),
    ...listUnits(db)
      .filter((u) => canArchive(grants, u.target, action))
      .map(({ kind, id, name }) => ({ kind, id, name })),
  ];
}

/** Whether a file is a replica opened from an archive package. */
function isArchiveReplica(file: string): boolean {
  try {
    const db = openReplica(file, { readonly: true });
    try {
      return archiveInfo(db) !== null;
    } finally {
      db.$client.close();
    }
  } catch {
    return false;
  }
}

export function archiveHandlers(d: Deps): Pick<Handlers, ArchiveMethods> {
  const jobs = new Map<string, Job>();
  const jobOf = (id: string, userId: number): Job => {
    const j = jobs.get(id);
    if (!j || j.owner !== userId) throw new AppError('NOT_FOUND', {}, 'jobId');
    return j;
  };
  const sweep = (now: number) => {
    for (const [id, j] of jobs)
      if (j.view.state !== 'running' && now - j.startedAt > KEEP_MS) jobs.delete(id);
  };
  // Issue 14: a package is named in the archive folder, or granted by the desktop's own dialog.
  const grants = new FileGrants();
  // Targets of packages being written: a second package never picks the same name meanwhile.
  const writing = new Set<string>();
  const folder = () => archiveFolder(d.db.$client.name);
  // `keep`: a grant is not spent here (archive.open spends it unless refused for the register alone).
  const packageFile = (ref: { name?: string; grant?: string }, userId: number, now: number, keep = false) => {
    if (ref.name !== undefined) return packageToRead(folder(), ref.name);
    const token = ref.grant ?? '';
    const file = keep ? grants.peek(token, 'open', userId, now) : grants.take(token, 'open', userId, now);
    if (!existsSync(file) || !statSync(file).isFile()) {
      grants.drop(token);
      throw new AppError('NOT_FOUND', {}, 'grant');
    }
    return file;
  };
  return {
    'archive.options': (_input, ctx) => {
      const s = requireSession(ctx);
      const today = bishkekDate(ctx.now);
      const semesters = d.db.all<{ id: number; number: number; year: string; from: string; to: string }>(
        sql`SELECT s.id, s.number, y.name AS year, s.starts_on AS "from", s.ends_on AS "to" FROM semesters s
          JOIN academic_years y ON y.id = s.academic_year_id ORDER BY s.starts_on DESC`,
      );
      const years = d.db.all<{ id: number; name: string; from: string; to: string }>(
        sql`SELECT id, name, starts_on AS "from", ends_on AS "to" FROM academic_years
          WHERE EXISTS (SELECT 1 FROM semesters s WHERE s.academic_year_id = academic_years.id) ORDER BY starts_on DESC`,
      );
      return {
        units: unitsOf(d.db, s.grants, 'view'),
        periods: [
          ...semesters.map((x) => ({
            kind: 'semester' as const,
            id: x.id,
            name: `${x.year}, ${x.number}`,
            current: x.from <= today && today <= x.to,
          })),
          ...years.map((y) => ({ kind: 'year' as const, id: y.id, name: y.name, current: false })),
        ],
        folder: folder(),
        files: packagesIn(folder()),
        dialog: d.pickFile !== null,
      };
    },
    'archive.pick': async (input, ctx) => {
      const s = requireSession(ctx);
      if (!d.pickFile) throw new AppError('DIALOG_UNAVAILABLE');
      const mode: GrantMode = input.mode;
      const path = await d.pickFile(mode, input.suggested ?? null);
      if (path === null) return { grant: null, name: null };
      return { grant: grants.issue(path, mode, s.user.id, ctx.now), name: basename(path) };
    },
    'archive.start': (input, ctx) => {
      const s = requireSession(ctx);
      sweep(ctx.now);
      const facts = unitFacts(d.db, input.unit);
      if (!facts) throw new AppError('NOT_FOUND', {}, 'unit.id');
      if (!canArchive(s.grants, facts.target, 'make')) throw new AppError('SCOPE_FORBIDDEN', {}, 'unit');
      if (input.period) {
        const found =
          input.period.kind === 'semester'
            ? d.db.get(sql`SELECT 1 AS x FROM semesters WHERE id = ${input.period.id}`)
            : d.db.get(sql`SELECT 1 AS x FROM academic_years WHERE id = ${input.period.id}`);
        if (!found) throw new AppError('NOT_FOUND', {}, 'period.id');
      }
      // Never over an existing file: a name of the caller's must be free, a default one is made fresh.
      const out =
        input.grant !== undefined
          ? grants.take(input.grant, 'save', s.user.id, ctx.now)
          : input.name !== undefined
            ? packageToWrite(folder(), input.name, writing)
            : freshPackage(folder(), archiveFileName(input.unit, input.period ?? null, ctx.now), writing);
      if (input.grant !== undefined && (existsSync(out) || writing.has(out)))
        throw new AppError('FILE_EXISTS', {}, 'grant');
      writing.add(out);
      const id = randomBytes(9).toString('base64url');
      const job: Job = {
        view: { id, state: 'running', stage: 'data', done: 0, total: 0, error: null, result: null },
        owner: s.user.id,
        abort: new AbortController(),
        startedAt: ctx.now,
      };
      jobs.set(id, job);
      const started = performance.now();
      const line = {
        job: id,
        userId: s.user.id,
        unit: `${input.unit.kind}:${input.unit.id ?? ''}`,
        period: input.period ? `${input.period.kind}:${input.period.id}` : null,
      };
      const ms = () => Math.round(performance.now() - started);
      void runPackageJob(
        {
          dbPath: d.db.$client.name,
          unit: input.unit,
          period: input.period ?? null,
          out,
          locale: ctx.locale,
          now: ctx.now,
          madeBy: { userId: s.user.id, name: s.user.displayName },
          device: d.deviceId,
          appVersion: d.version,
        },
        {
          signal: job.abort.signal,
          onProgress: (p) => {
            job.view.stage = p.phase;
            job.view.done = p.done;
            job.view.total = p.total;
          },
        },
      )
        .finally(() => writing.delete(out))
        .then(
          (r: PackageResult) => {
            // The digest goes into the register (synced) before the package is handed out.
            try {
              registerPackage(d.db, localActor(d, ctx), r, basename(r.file));
            } catch (err) {
              job.view.state = 'failed';
              job.view.error = err instanceof Error ? err.message : String(err);
              d.logger.error('archive.job.failed', { ...line, code: 'INTERNAL', ms: ms() }, err);
              return;
            }
            d.logger.info('archive.job', {
              ...line,
              packageId: r.packageId,
              files: r.files,
              bytes: r.sizeBytes,
              records: Object.values(r.counts).reduce((a, b) => a + b, 0),
              ms: ms(),
            });
            job.view.state = 'done';
            job.view.stage = 'done';
            job.view.result = {
              packageId: r.packageId,
              file: r.file,
              sizeBytes: r.sizeBytes,
              digest: r.digest,
              files: r.files,
              counts: r.counts,
            };
          },
          (err: unknown) => {
            jobEnded(job.view, err, {
              logger: d.logger,
              event: 'archive.job',
              fields: { ...line, ms: ms() },
            });
          },
        );
      return job.view;
    },
    'archive.job': (input, ctx) => jobOf(input.jobId, requireSession(ctx).user.id).view,
    'archive.cancel': (input, ctx) => {
      const j = jobOf(input.jobId, requireSession(ctx).user.id);
      if (j.view.state === 'running') j.abort.abort();
      return j.view;
    },
    'archive.list': (_input, ctx) => ({ items: listPackages(d.db, requireSession(ctx).grants) }),
    'archive.verify': async (input, ctx) => {
      const s = requireSession(ctx);
      const check = await checkPackage(packageFile(input, s.user.id, ctx.now));
      const standing = registerStanding(d.db, check.digest, check.manifest?.packageId ?? null);
      // Issue 15, item 3: whole only with the registered digest; the register's problem is named.
      const { whole, problems } = verdict(check, standing.registered);
      let recorded = false;
      if (whole && standing.packageId && check.digest && !d.archive) {
        const facts = check.manifest ? unitFacts(d.db, check.manifest.unit) : null;
        if (facts && canArchive(s.grants, facts.target, 'make')) {
          recordVerified(d.db, localActor(d, ctx), standing.packageId, check.digest);
          recorded = true;
        }
      }
      return {
        whole,
        digest: check.digest,
        problems,
        registered: standing.registered,
        packageId: standing.packageId,
        recorded,
        files: check.files,
      };
    },
    'archive.transferAct': async (input, ctx) => {
      const s = requireSession(ctx);
      const p = listPackages(d.db, s.grants, input.packageId)[0];
      if (!p) throw new AppError('NOT_FOUND', {}, 'packageId');
      const pdf = await transferActPdf(p, { locale: ctx.locale, now: ctx.now, by: s.user.displayName });
      if (!d.archive)
        registerHandedOut(
          d.db,
          s,
          localActor(d, ctx),
          {
            number: pdf.number,
            kind: 'transfer',
            locale: ctx.locale,
            code: pdf.code,
            pages: pdf.pages,
            subject: { kind: p.unit.kind, id: p.unit.kind === 'university' ? null : p.unit.id },
          },
          ctx.locale,
        );
      return {
        fileName: `${pdf.number}.pdf`,
        mime: 'application/pdf',
        base64: Buffer.from(pdf.bytes).toString('base64'),
      };
    },
    'archive.browse': async (input) => {
      // Only replicas opened from packages, in the archives folder beside the working replica.
      const replicas = d.archive
        ? dirname(d.db.$client.name)
        : dirname(replicaForPackage(d.db.$client.name, ''));
      let file: string;
      try {
        // Real paths both: a symlink in the folder pointing out is not one of its replicas.
        file = realpathSync(input.replica);
        if (dirname(file) !== realpathSync(replicas)) throw new Error('outside');
      } catch {
        throw new AppError('NOT_FOUND', {}, 'replica');
      }
      if (!statSync(file).isFile() || !isArchiveReplica(file)) throw new AppError('NOT_FOUND', {}, 'replica');
      await d.browse(file);
      return {};
    },
    'archive.leave': async () => {
      if (d.archive) await d.browse(null);
      return {};
    },
    'archive.open': async (input, ctx) => {
      const s = requireSession(ctx);
      const file = packageFile(input, s.user.id, ctx.now, true);
      let cleared: OpenablePackage;
      try {
        const checked = await wholePackage(file);
        const facts = unitFacts(d.db, checked.manifest.unit);
        if (facts && !canArchive(s.grants, facts.target, 'view'))
          throw new AppError('SCOPE_FORBIDDEN', {}, 'file');
        // Issue 15, item 3: the register decides; anything else opens only when the person insists.
        cleared = requireRegistered(checked, d.db, { force: input.force === true, locale: ctx.locale });
      } catch (err) {
        // Refused for the register alone: the dialog's grant stays for the confirmed open.
        if (!(err instanceof AppError && err.code === 'PACKAGE_UNREGISTERED') && input.grant)
          grants.drop(input.grant);
        throw err;
      }
      if (input.grant) grants.take(input.grant, 'open', s.user.id, ctx.now);
      if (cleared.registered !== 'matches')
        d.logger.warn('archive.open.unregistered', {
          method: 'archive.open',
          code: 'PACKAGE_UNREGISTERED',
          userId: s.user.id,
          packageId: cleared.manifest.packageId,
          registered: cleared.registered,
        });
      const target = replicaForPackage(d.db.$client.name, cleared.digest);
      return openPackage(file, target, { host: d.db, checked: cleared });
    },
  };
}
