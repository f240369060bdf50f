import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PrintJobView, VerifyVerdict } from '../../src-shared/contract/print.contract';
import { AppError } from '../../src-shared/contract/errors';
import { normalizeCode } from '../../src-shared/domain/print';
import { shortName, type NameParts } from '../../src-shared/domain/people';
import { canPrint, type RoleGrant } from '../../src-shared/domain/roles';
import { bishkekDate } from '../../src-shared/domain/time';
import { translate } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { jobEnded } from '../jobs/job';
import { listUnits, type PrintedFile, type PrintUnit } from '../print/batch';
import { runPrintJob } from '../print/run-job';
import { printedJournal } from '../print/journal-data';
import { verifyPdf, verifyPrinted, type Verdict } from '../print/verify';
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
 * department head their department, an archivist their unit, a teacher their own journals, which is
 * the `teacher` unit of their own teacher id). `teacherId` is the session's teacher.
 */
export function mayPrint(
  db: Db,
  grants: readonly RoleGrant[],
  unit: PrintUnit,
  teacherId: number | null,
): boolean {
  if (unit.kind === 'teacher')
    return canPrint(grants, { faculty: null, department: null, teacher: unit.id }, teacherId);
  const faculty = unit.kind === 'faculty' ? unit.id : facultyOf(db, unit.kind, unit.id);
  return canPrint(grants, { faculty, department: unit.kind === 'department' ? unit.id : null }, teacherId);
}

/** What a person may print: the units of their scope, and their own journals if they teach. */
function unitsOf(db: Db, grants: readonly RoleGrant[], teacherId: number | null) {
  const units: Array<{ kind: PrintUnit['kind']; id: number; name: { ru: string; ky: string } }> = listUnits(
    db,
  )
    .filter((u) => canPrint(grants, u.target, teacherId))
    .map(({ kind, id, name }) => ({ kind, id, name }));
  if (teacherId !== null && mayPrint(db, grants, { kind: 'teacher', id: teacherId }, teacherId)) {
    const t = db.get<NameParts>(
      sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM teachers WHERE id = ${teacherId}`,
    );
    // A person's name is the same in both languages; the screen heads it «Мои журналы».
    if (t) units.push({ kind: 'teacher', id: teacherId, name: { ru: shortName(t), ky: shortName(t) } });
  }
  return units;
}

/** Whether the unit exists in the replica. */
function unitExists(db: Db, unit: PrintUnit): boolean {
  const table = { faculty: 'faculties', department: 'departments', group: 'groups', teacher: 'teachers' }[
    unit.kind
  ];
  return db.get(sql`SELECT 1 AS x FROM ${sql.identifier(table)} WHERE id = ${unit.id}`) !== undefined;
}

/** Read a QR text ("AVN-JOURNAL <number> <code>") or a typed "<number> <code>". */
export function parseVerifyText(text: string): { number: string; code: string } | null {
  const m =
    /((?:ЖУР-\d+|АКТ|УВ|ЗАМ|АРХ)-\d{8}-\d{6}(?:-КЫ)?)\s+([0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4})\s*$/.exec(
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
  | 'print.verifyFile'
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
        units: unitsOf(d.db, s.grants, s.teacherId),
      };
    },
    'print.start': (input, ctx) => {
      const s = requireSession(ctx);
      sweep(ctx.now);
      if (!unitExists(d.db, input.unit)) throw new AppError('NOT_FOUND', {}, 'unit.id');
      if (!mayPrint(d.db, s.grants, input.unit, s.teacherId))
        throw new AppError('SCOPE_FORBIDDEN', {}, 'unit');
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
      const started = performance.now();
      const line = { job: id, userId: s.user.id, unit: `${input.unit.kind}:${input.unit.id}` };
      const ms = () => Math.round(performance.now() - started);
      void runPrintJob(
        {
          dbPath: d.db.$client.name,
          batch: {
            unit: input.unit,
            semesterId: input.semesterId,
            combined: input.combined,
            bilingual: input.bilingual,
          },
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
            // Every journal of the job in the register, printed with canonical v2, twins naming each other.
            if (!d.archive)
              registerPrinted(
                d.db,
                localActor(d, ctx),
                files.map((f) => ({ ...f, journals: f.journals.map((j) => ({ ...j, canon: 2 as const })) })),
                locale,
              );
          } catch (err) {
            job.view.state = 'failed';
            job.view.error = err instanceof Error ? err.message : String(err);
            d.logger.error('print.job.failed', { ...line, code: 'INTERNAL', ms: ms() }, err);
            return;
          }
          d.logger.info('print.job', {
            ...line,
            files: files.length,
            journals: files.reduce((n, f) => n + f.journals.length, 0),
            pages: files.reduce((n, f) => n + f.pages, 0),
            ms: ms(),
          });
          job.files = files;
          job.view.state = 'done';
          job.view.done = job.view.total = files.reduce((n, f) => n + f.journals.length, 0);
          job.view.files = files.map((f) => ({
            name: basename(f.file),
            group: f.group,
            locale: f.locale,
            pages: f.pages,
            journals: f.journals,
          }));
        },
        (err: unknown) => {
          jobEnded(job.view, err, { logger: d.logger, event: 'print.job', fields: { ...line, ms: ms() } });
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
    'print.register': (input, ctx) => {
      const s = requireSession(ctx);
      return listRegister(d.db, s.grants, s.teacherId, input, ctx.now, ctx.locale);
    },
    'print.setSigned': (input, ctx) => {
      const s = requireSession(ctx);
      return setSigned(d.db, s.grants, localActor(d, ctx), input, ctx.locale);
    },
    'print.setArchived': (input, ctx) => {
      const s = requireSession(ctx);
      return setArchived(d.db, s.grants, localActor(d, ctx), input, ctx.locale);
    },
    'print.verify': async (input, ctx) => {
      const s = requireSession(ctx);
      const typed = normalizeCode(input.text);
      const parsed = parseVerifyText(input.text) ?? (typed ? findByCode(d.db, typed) : null);
      if (!parsed)
        throw new AppError(
          'INVALID_INPUT',
          { reason: translate(ctx.locale, 'reason.notPrintedCode') },
          'text',
        );
      return presentVerdict(d.db, s, await verifyPrinted(d.db, parsed), ctx.locale);
    },
    'print.verifyFile': async (input, ctx) => {
      const s = requireSession(ctx);
      const bytes = Buffer.from(input.base64, 'base64');
      let verdicts;
      try {
        verdicts = await verifyPdf(d.db, bytes);
      } catch {
        throw new AppError('INVALID_INPUT', { reason: translate(ctx.locale, 'reason.notPdf') }, 'base64');
      }
      return { verdicts: verdicts.map((v) => presentVerdict(d.db, s, v, ctx.locale)) };
    },
  };
}

/**
 * A verdict as the caller may see it: the journal's names, and only for a journal the caller may print
 * (its group, its department, or — for a teacher — their own).
 */
function presentVerdict(
  db: Db,
  s: { grants: readonly RoleGrant[]; teacherId: number | null },
  v: Verdict,
  locale: 'ru' | 'ky',
): VerifyVerdict {
  const j = v.offeringId !== null ? printedJournal(db, v.offeringId, v.printedAt ?? 0, locale) : null;
  if (j && v.offeringId !== null) {
    const allowed = db.get<{ g: number; dep: number; t: number }>(
      sql`SELECT group_id AS g, department_id AS dep, teacher_id AS t FROM offerings WHERE id = ${v.offeringId}`,
    );
    if (
      allowed &&
      !mayPrint(db, s.grants, { kind: 'group', id: allowed.g }, s.teacherId) &&
      !mayPrint(db, s.grants, { kind: 'department', id: allowed.dep }, s.teacherId) &&
      !mayPrint(db, s.grants, { kind: 'teacher', id: allowed.t }, s.teacherId)
    )
      throw new AppError('SCOPE_FORBIDDEN', {}, 'text');
  }
  return {
    ...v,
    journal: j ? { discipline: j.discipline, group: j.group, teacher: j.teacher, kind: j.kind } : null,
  };
}
