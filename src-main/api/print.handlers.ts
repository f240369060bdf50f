import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PrintJobView, VerifyVerdict } from '../../src-shared/contract/print.contract';
import { AppError } from '../../src-shared/contract/errors';
import { normalizeCode } from '../../src-shared/domain/print';
import { canPrint, type RoleGrant } from '../../src-shared/domain/roles';
import { bishkekDate } from '../../src-shared/domain/time';
import type { Db } from '../db/open';
import { CancelledError } from '../jobs/job';
import { listUnits, type PrintedFile, type PrintUnit } from '../print/batch';
import { runPrintJob } from '../print/run-job';
import { printedJournal } from '../print/journal-data';
import { verifyPrinted } from '../print/verify';
import { findByCode, listRegister, registerPrinted, setArchived, setSigned } from '../print/register';
import { localActor, requireSession, type Deps, type Handlers } from './context';

type Job = {
  view: PrintJobView;
  owner: number;
  dir: string;
  files: PrintedFile[];
  abort: AbortController;
  startedAt: number;
};

/** Jobs are kept this long after they end (their files with them). */
const KEEP_MS = 3 * 3600_000;

function facultyOf(db: Db, kind: 'department' | 'group', id: number): number | null {
  const r =
    kind === 'department'
      ? db.get<{ f: number }>(sql`SELECT faculty_id AS f FROM departments WHERE id = ${id}`)
      : db.get<{ f: number }>(sql`SELECT faculty_id AS f FROM groups WHERE id = ${id}`);
  return r?.f ?? null;
}

/**
 * Whether a person may print a unit (DOMAIN.md, Roles: print journals — the deanery its faculty, a
 * department head their department, an archivist their unit; the study office everything).
 */
export function mayPrint(db: Db, grants: readonly RoleGrant[], unit: PrintUnit): boolean {
  const faculty = unit.kind === 'faculty' ? unit.id : facultyOf(db, unit.kind, unit.id);
  return canPrint(grants, { faculty, department: unit.kind === 'department' ? unit.id : null });
}

function unitsOf(db: Db, grants: readonly RoleGrant[]) {
  return listUnits(db)
    .filter((u) => canPrint(grants, u.target))
    .map(({ kind, id, name }) => ({ kind, id, name }));
}

/** Read a QR text ("AVN-JOURNAL <number> <code>") or a typed "<number> <code>". */
export function parseVerifyText(text: string): { number: string; code: string } | null {
  const m = /(ЖУР-\d+-\d{8}-\d{6})\s+([0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4})\s*$/.exec(
    text.trim(),
  );
  if (!m?.[1] || !m[2]) return null;
  const code = normalizeCode(m[2]);
  return code ? { number: m[1], code } : null;
}

export function printHandlers(
  d: Deps,
): Pick<
  Handlers,
  | 'print.options'
  | 'print.start'
  | 'print.job'
  | 'print.cancel'
  | 'print.file'
  | 'print.verify'
  | 'print.register'
  | 'print.setSigned'
  | 'print.setArchived'
  | 'print.system'
> {
  const jobs = new Map<string, Job>();
  const sweep = (now: number) => {
    for (const [id, j] of jobs)
      if (j.view.state !== 'running' && now - j.startedAt > KEEP_MS) {
        rmSync(j.dir, { recursive: true, force: true });
        jobs.delete(id);
      }
  };
  const jobOf = (id: string, userId: number): Job => {
    const j = jobs.get(id);
    if (!j || j.owner !== userId) throw new AppError('NOT_FOUND', {}, 'jobId');
    return j;
  };
  return {
    'print.options': (_input, ctx) => {
      const s = requireSession(ctx);
      const today = bishkekDate(ctx.now);
      const semesters = d.db.all<{
        id: number;
        number: number;
        year: string;
        startsOn: string;
        endsOn: string;
      }>(
        sql`SELECT s.id, s.number, y.name AS year, s.starts_on AS startsOn, s.ends_on AS endsOn FROM semesters s
          JOIN academic_years y ON y.id = s.academic_year_id ORDER BY s.starts_on DESC`,
      );
      return {
        semesters: semesters.map((x) => ({
          id: x.id,
          number: x.number,
          year: x.year,
          current: x.startsOn <= today && today <= x.endsOn,
        })),
        units: unitsOf(d.db, s.grants),
      };
    },
    'print.start': (input, ctx) => {
      const s = requireSession(ctx);
      sweep(ctx.now);
      const exists =
        input.unit.kind === 'faculty'
          ? d.db.get(sql`SELECT 1 AS x FROM faculties WHERE id = ${input.unit.id}`)
          : input.unit.kind === 'department'
            ? d.db.get(sql`SELECT 1 AS x FROM departments WHERE id = ${input.unit.id}`)
            : d.db.get(sql`SELECT 1 AS x FROM groups WHERE id = ${input.unit.id}`);
      if (!exists) throw new AppError('NOT_FOUND', {}, 'unit.id');
      if (!mayPrint(d.db, s.grants, input.unit)) throw new AppError('SCOPE_FORBIDDEN', {}, 'unit');
      const id = randomBytes(9).toString('base64url');
      const job: Job = {
        view: { id, state: 'running', done: 0, total: 0, error: null, files: [] },
        owner: s.user.id,
        dir: mkdtempSync(join(tmpdir(), 'avn-print-')),
        files: [],
        abort: new AbortController(),
        startedAt: ctx.now,
      };
      jobs.set(id, job);
      const locale = input.locale ?? ctx.locale;
      void runPrintJob(
        {
          dbPath: d.db.$client.name,
          batch: { unit: input.unit, semesterId: input.semesterId, combined: input.combined },
          outDir: job.dir,
          locale,
          now: ctx.now,
        },
        {
          signal: job.abort.signal,
          onProgress: (p) => {
            job.view.done = p.done;
            job.view.total = p.total;
          },
        },
      ).then(
        (files) => {
          // Every printed journal goes into the paper register (synced), in one transaction; if that
          // fails the job fails with it (the files are not handed out unregistered).
          try {
            // An archive replica is read-only: its prints are not entered in a register.
            if (!d.archive) registerPrinted(d.db, localActor(d, ctx), files, locale);
          } catch (err) {
            job.view.state = 'failed';
            job.view.error = err instanceof Error ? err.message : String(err);
            return;
          }
          job.files = files;
          job.view.state = 'done';
          job.view.done = job.view.total = files.reduce((n, f) => n + f.journals.length, 0);
          job.view.files = files.map((f) => ({
            name: basename(f.file),
            group: f.group,
            pages: f.pages,
            journals: f.journals,
          }));
        },
        (err: unknown) => {
          job.view.state = err instanceof CancelledError ? 'cancelled' : 'failed';
          job.view.error =
            err instanceof CancelledError ? null : String(err instanceof Error ? err.message : err);
        },
      );
      return job.view;
    },
    'print.job': (input, ctx) => jobOf(input.jobId, requireSession(ctx).user.id).view,
    'print.cancel': (input, ctx) => {
      const j = jobOf(input.jobId, requireSession(ctx).user.id);
      if (j.view.state === 'running') j.abort.abort();
      return j.view;
    },
    'print.file': (input, ctx) => {
      const j = jobOf(input.jobId, requireSession(ctx).user.id);
      const f = j.files[input.index];
      if (!f) throw new AppError('NOT_FOUND', {}, 'index');
      return {
        fileName: basename(f.file),
        mime: 'application/pdf',
        base64: readFileSync(f.file).toString('base64'),
      };
    },
    'print.system': async (input, ctx) => {
      const j = jobOf(input.jobId, requireSession(ctx).user.id);
      const f = j.files[input.index];
      if (!f) throw new AppError('NOT_FOUND', {}, 'index');
      if (!d.printPdf) return { available: false, printed: false };
      return { available: true, printed: await d.printPdf(f.file) };
    },
    'print.register': (input, ctx) =>
      listRegister(d.db, requireSession(ctx).grants, input, ctx.now, ctx.locale),
    'print.setSigned': (input, ctx) => {
      const s = requireSession(ctx);
      return setSigned(d.db, s.grants, localActor(d, ctx), input, ctx.locale);
    },
    'print.setArchived': (input, ctx) => {
      const s = requireSession(ctx);
      return setArchived(d.db, s.grants, localActor(d, ctx), input, ctx.locale);
    },
    'print.verify': (input, ctx) => {
      const s = requireSession(ctx);
      const typed = normalizeCode(input.text);
      const parsed = parseVerifyText(input.text) ?? (typed ? findByCode(d.db, typed) : null);
      if (!parsed)
        throw new AppError('INVALID_INPUT', { reason: 'not a printed journal number and code' }, 'text');
      const v = verifyPrinted(d.db, parsed, ctx.now);
      const j = v.offeringId !== null ? printedJournal(d.db, v.offeringId, ctx.now, ctx.locale) : null;
      if (j && v.offeringId !== null) {
        const allowed = d.db.get<{ g: number; dep: number }>(
          sql`SELECT group_id AS g, department_id AS dep FROM offerings WHERE id = ${v.offeringId}`,
        );
        if (
          allowed &&
          !mayPrint(d.db, s.grants, { kind: 'group', id: allowed.g }) &&
          !mayPrint(d.db, s.grants, { kind: 'department', id: allowed.dep })
        )
          throw new AppError('SCOPE_FORBIDDEN', {}, 'text');
      }
      const out: VerifyVerdict = {
        ...v,
        journal: j ? { discipline: j.discipline, group: j.group, teacher: j.teacher, kind: j.kind } : null,
      };
      return out;
    },
  };
}
