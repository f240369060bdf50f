import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SCALES, type Scale } from './demo/structure';
import { DEFAULT_DEMO_DATE, generateDemo } from './demo/generate';
import { getMeta, META } from './db/meta';
import { openReplica } from './db/open';
import {
  backupDirFor,
  BackupDamagedError,
  BackupForeignError,
  checkIntegrity,
  createBackup,
  fileReplicaId,
  listBackups,
  newestGoodBackup,
  readReplicaId,
  restoreBackup,
  rotateBackups,
  type BackupInfo,
} from './db/backup';
import { join } from 'node:path';
import { entityCounts, ENTITY_TABLES } from './db/replica.repo';
import { formatBishkekInstant, formatBishkekStamp } from '../src-shared/domain/time';
import { LOCALES, translate, type Locale, type MessageKey } from '../src-shared/i18n/translate';
import { AppError } from '../src-shared/contract/errors';
import type { ControlReport } from '../src-shared/contract/control.contract';
import { CONTROL_UNITS, type ControlUnitKind } from '../src-shared/domain/control';
import { controlActPdf, noticesPdf, owedByTeacher } from './control/documents';
import { controlExportData, writeControlWorkbook } from './control/export';
import { controlLessonList, controlReport } from './control/report';
import type { Viewer } from './db/access';
import { formatNumber } from '../src-shared/i18n/format';
import type { Progress } from './jobs/job';
import { defaultReplicaPath } from './paths';
import { boot, ReplicaDamagedError, startBackend } from './boot';
import type { PrintUnit } from './print/batch';
import { runPrintJob } from './print/run-job';
import { verifyPdf } from './print/verify';
import { verdictLines } from '../src-shared/domain/verdict-text';
import { readFileSync } from 'node:fs';
import { archiveCreate, archiveOpen, archiveVerify } from './archive/cli';
import { startWebServer } from './web';
import { liftLocalLock } from './auth/throttle';

/**
 * The command line (`npm run cli -- <command> …`): batch work for the study office and developers.
 * Every command takes --db FILE (default: the app's own replica) and --help; any failure exits non-zero.
 */
type Command = {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * The options positional arguments stand for, in order (`verify FILE.pdf` = `verify --file FILE.pdf`;
   * `backup restore FILE` = verb `restore`, file `FILE`).
   */
  positional?: string | readonly string[];
  run(
    values: Record<string, string | boolean | Array<string | boolean> | undefined>,
    out: Output,
  ): Promise<void | number> | void | number;
};
type Output = { log: (line: string) => void; progress: (p: Progress) => void; done: () => void };

const common = { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

class UsageError extends Error {}

const COMMANDS: Record<string, Command> = {
  demo: {
    summary: 'generate the demo university into a replica',
    usage: `demo [--scale tiny|faculty|university] [--today YYYY-MM-DD] [--seed N] [--db FILE] [--force]

Writes a deterministic demo university: tiny (two small faculties, for tests), faculty (one faculty,
about 2,000 students; the default) or university (about 20,000 students, 1,000 teachers). The demo's
"today" (default ${DEFAULT_DEMO_DATE}) is stored in the replica, so the app, web mode and CLI agree on it.
An existing demo replica is replaced; a replica with real data only with --force.`,
    options: {
      ...common,
      scale: { type: 'string' },
      today: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
    },
    run(v, out) {
      const scale = (v.scale ?? 'faculty') as string;
      if (!SCALES.includes(scale as Scale))
        throw new UsageError(`--scale must be one of ${SCALES.join(', ')}, got "${scale}"`);
      const seed = v.seed === undefined ? undefined : Number(v.seed);
      if (seed !== undefined && !Number.isInteger(seed))
        throw new UsageError(`--seed must be an integer, got "${String(v.seed)}"`);
      const file = dbPath(v);
      if (existsSync(file) && !v.force) {
        const db = openReplica(file, { readonly: true });
        const isDemo = getMeta(db, META.demoNow) !== null;
        db.$client.close();
        if (!isDemo)
          throw new UsageError(`${file} holds a replica that is not a demo; add --force to replace it`);
      }
      const r = generateDemo(file, {
        scale: scale as Scale,
        today: v.today as string | undefined,
        seed,
        onProgress: out.progress,
      });
      out.done();
      out.log(
        `Demo university (${r.scale}) written to ${file} in ${r.seconds.toFixed(1)} s: ${formatNumber(r.rows)} rows, ` +
          `${formatNumber(r.counts.students ?? 0)} students, ${formatNumber(r.counts.marks ?? 0)} marks; today ${r.today}.`,
      );
    },
  },
  sync: {
    summary: 'sync the replica with the AVN gateway (push, pull, verify)',
    usage: `sync [--gateway URL --login LOGIN [--password P] [--scope S]] [--db FILE]

Connects the replica to the gateway when --gateway and --login are given (the password from --password
or the AVN_PASSWORD environment variable), then runs one sync cycle with a progress bar: pushes the
outbox, pulls the scope (downloading it first into a new or empty replica), compares checksums and
repairs what differs. A replica that does not exist yet is created empty.`,
    options: {
      ...common,
      gateway: { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string' },
      scope: { type: 'string' },
    },
    async run(v, out) {
      const file = dbPath(v);
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        if (typeof v.gateway === 'string' || typeof v.login === 'string') {
          const password = typeof v.password === 'string' ? v.password : process.env.AVN_PASSWORD;
          if (typeof v.gateway !== 'string' || typeof v.login !== 'string' || !password) {
            throw new UsageError(
              'connecting needs --gateway, --login and a password (--password or AVN_PASSWORD)',
            );
          }
          const c = await app.deps.sync.connect(
            v.gateway,
            v.login,
            password,
            typeof v.scope === 'string' ? v.scope : undefined,
          );
          out.log(
            `Connected to ${v.gateway} as ${v.login}: scope ${c.scope} (may hold ${c.scopes.join(', ')}).`,
          );
        }
        const r = await app.deps.sync.sync({ verify: 'always', onProgress: out.progress });
        out.done();
        const s = app.deps.sync.status();
        out.log(
          `Synced ${file} (${s.scope ?? '?'}) at cursor ${s.cursor ?? '-'}: pushed ${r.pushed} (applied ${r.applied}, refused ${r.conflicts}), ` +
            `pulled ${r.pulled} changes${r.resynced ? `, downloaded ${r.snapshotRows} rows` : ''}; checksums ${r.verified}` +
            `${r.repairedPartitions ? ` (${r.repairedPartitions} partitions repaired)` : ''}; pending ${s.pending}, conflicts ${s.conflicts}.`,
        );
      } finally {
        app.close();
      }
    },
  },
  unlock: {
    summary: "lift a login's lock after wrong passwords (this PC's counters)",
    usage: `unlock LOGIN [--db FILE]

Forgets the wrong passwords of LOGIN on this PC and this PC's own counter, so the person can log in at
once (issue 14, item 2: wrong passwords back off up to a 15-minute lock; nobody is locked for good).
The lock at the AVN gateway is lifted by an admin in the app (when the replica is connected) or with
POST /auth/unlock.`,
    options: { ...common, login: { type: 'string' } },
    positional: 'login',
    run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file)) throw new UsageError(`no replica at ${file}`);
      if (typeof v.login !== 'string' || !v.login.trim()) throw new UsageError('LOGIN is required');
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        const lifted = liftLocalLock(app.db, v.login);
        out.log(
          lifted ? `The lock of ${v.login} on this PC is lifted.` : `${v.login} was not locked on this PC.`,
        );
      } finally {
        app.close();
      }
    },
  },
  control: {
    summary: 'the weekly control of journal filling: figures per unit, owed lessons',
    usage: `control [--week 2026-W47 | --from YYYY-MM-DD --to YYYY-MM-DD] [--unit KIND:ID ...]
        [--by faculty|department|teacher|group|offering] [--lessons] [--xlsx FILE] [--pdf FILE]
        [--notices FILE] [--locale ru|ky] [--json] [--db FILE]

Prints the control table of the period (without --week or --from/--to: the last full week of the
replica's calendar) for everything the replica holds: per unit of --by (default: department) the
lessons due, filled, on time, late, missing, and the trend against the four previous weeks. --unit
narrows it (repeat it to drill down, e.g. --unit faculty:1 --unit department:3); --lessons lists the
owed lessons themselves with what each is missing; --xlsx FILE also writes the Excel workbook (a
summary sheet and one sheet per department with its teachers and owed lessons); --pdf FILE the act of
the check (PDF, with signature lines); --notices FILE the notices to teachers (PDF, a page each).`,
    options: {
      ...common,
      week: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      unit: { type: 'string', multiple: true },
      by: { type: 'string' },
      lessons: { type: 'boolean' },
      xlsx: { type: 'string' },
      pdf: { type: 'string' },
      notices: { type: 'string' },
      locale: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file))
        throw new UsageError(`no replica at ${file} (make one with: npm run cli -- demo --db ${file})`);
      const locale = (v.locale ?? 'ru') as Locale;
      if (!LOCALES.includes(locale))
        throw new UsageError(`--locale must be ru or ky, got "${String(v.locale)}"`);
      const by = (v.by ?? 'department') as ControlUnitKind;
      if (!CONTROL_UNITS.includes(by))
        throw new UsageError(`--by must be one of ${CONTROL_UNITS.join(', ')}, got "${by}"`);
      const within = ((v.unit ?? []) as string[]).map((u) => {
        const m = /^([a-z]+):(\d+)$/.exec(u);
        if (!m || !CONTROL_UNITS.includes(m[1] as ControlUnitKind))
          throw new UsageError(
            `--unit must be KIND:ID with KIND one of ${CONTROL_UNITS.join(', ')}, got "${u}"`,
          );
        return { kind: m[1] as ControlUnitKind, id: Number(m[2]) };
      });
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        const now = app.deps.clock.now();
        const period = {
          week: typeof v.week === 'string' ? v.week : undefined,
          from: typeof v.from === 'string' ? v.from : undefined,
          to: typeof v.to === 'string' ? v.to : undefined,
        };
        const r = withAppErrors(locale, () =>
          controlReport(app.db, REPLICA_OPERATOR, { ...period, within, by }, now, locale),
        );
        const lessons = v.lessons
          ? withAppErrors(locale, () =>
              controlLessonList(app.db, REPLICA_OPERATOR, { ...period, within, onlyOwed: true }, now, locale),
            ).lessons
          : null;
        if (typeof v.xlsx === 'string') {
          const data = withAppErrors(locale, () =>
            controlExportData(app.db, REPLICA_OPERATOR, { ...period, within }, now, locale),
          );
          await writeControlWorkbook(v.xlsx, data, locale);
          if (!v.json) out.log(`Excel: ${v.xlsx}`);
        }
        if (typeof v.pdf === 'string') {
          const data = withAppErrors(locale, () =>
            controlExportData(app.db, REPLICA_OPERATOR, { ...period, within }, now, locale),
          );
          const doc = await controlActPdf(data, { locale, now, checker: '' });
          writeFileAtomic(v.pdf, doc.bytes);
          if (!v.json) out.log(`PDF: ${v.pdf} (${doc.number})`);
        }
        if (typeof v.notices === 'string') {
          const list = withAppErrors(locale, () =>
            controlLessonList(app.db, REPLICA_OPERATOR, { ...period, within, onlyOwed: true }, now, locale),
          );
          const doc = await noticesPdf(list.period, owedByTeacher(list.lessons), {
            locale,
            now,
            checker: '',
          });
          writeFileAtomic(v.notices, doc.bytes);
          if (!v.json) out.log(`PDF: ${v.notices} (${doc.number})`);
        }
        if (v.json) {
          out.log(JSON.stringify(lessons ? { report: r, lessons } : r, null, 2));
          return;
        }
        for (const line of controlTable(r, locale)) out.log(line);
        if (lessons) {
          out.log('');
          out.log(translate(locale, 'control.lessons.title'));
          if (lessons.length === 0) out.log(`  ${translate(locale, 'control.lessons.none')}`);
          for (const l of lessons) {
            const what = [
              ...(l.missingTopic ? [translate(locale, 'control.missingTopic')] : []),
              ...(l.missingStudents.length
                ? [
                    translate(locale, 'control.missingMarks', {
                      names: l.missingStudents.map((s) => s.name).join(', '),
                    }),
                  ]
                : []),
            ].join('; ');
            out.log(
              `  ${l.date} ${l.pair}  ${l.group.padEnd(12)} ${l.discipline[locale].slice(0, 32).padEnd(32)} ${l.responsible.name.padEnd(22)} ` +
                `${translate(locale, `control.state.${l.state}`)}${what ? ` — ${what}` : ''}`,
            );
          }
        }
      } finally {
        app.close();
      }
    },
  },
  print: {
    summary: 'print the semester journals: one PDF per group, with verification codes',
    usage: `print [--semester ID] [--unit faculty:ID|department:ID|group:ID|teacher:ID] [--combined]
        [--locale ru|ky] --out DIR [--db FILE]

Writes the printed semester journal of every offering (group or subgroup × discipline × kind, not
self-study) of the unit and semester into DIR, one PDF per group (--combined: one file), each journal
with its document number, verification code and QR code; teacher:ID prints that teacher's own
offerings. Without --semester: the semester the replica's today falls in; without --unit: everything
in the replica.`,
    options: {
      ...common,
      semester: { type: 'string' },
      unit: { type: 'string' },
      combined: { type: 'boolean' },
      locale: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file))
        throw new UsageError(`no replica at ${file} (make one with: npm run cli -- demo --db ${file})`);
      if (typeof v.out !== 'string' || !v.out) throw new UsageError('--out DIR is required');
      const locale = (v.locale ?? 'ru') as Locale;
      if (!LOCALES.includes(locale))
        throw new UsageError(`--locale must be ru or ky, got "${String(v.locale)}"`);
      let unit: PrintUnit | null = null;
      if (typeof v.unit === 'string') {
        const m = /^(faculty|department|group|teacher):(\d+)$/.exec(v.unit);
        if (!m)
          throw new UsageError(
            `--unit must be faculty:ID, department:ID, group:ID or teacher:ID, got "${v.unit}"`,
          );
        unit = { kind: m[1] as PrintUnit['kind'], id: Number(m[2]) };
      }
      const semesterId = typeof v.semester === 'string' ? Number(v.semester) : undefined;
      if (semesterId !== undefined && !Number.isInteger(semesterId))
        throw new UsageError(`--semester must be a semester id, got "${String(v.semester)}"`);
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        const started = performance.now();
        const files = await runPrintJob(
          {
            dbPath: file,
            batch: { semesterId, unit, combined: v.combined === true },
            outDir: v.out,
            locale,
            now: app.deps.clock.now(),
          },
          { onProgress: (p) => out.progress({ phase: 'print', ...p }) },
        );
        out.done();
        if (v.json) {
          out.log(JSON.stringify(files, null, 2));
          return;
        }
        const pages = files.reduce((s, f) => s + f.pages, 0);
        for (const f of files) out.log(`${f.file}  ${f.journals.length} journals, ${f.pages} pages`);
        const secs = (performance.now() - started) / 1000;
        out.log(`${files.length} files, ${pages} pages in ${secs.toFixed(1)} s`);
      } finally {
        app.close();
      }
    },
  },
  verify: {
    summary: 'check a printed document (PDF): the paper, the register, the replica',
    usage: `verify FILE.pdf [--locale ru|ky] [--json] [--db FILE]

Reads every printed document in FILE from the text on its pages (not metadata; no poppler needed) and
reports three things separately: whether the paper's content still gives the code printed on it (else it
was altered after printing — each change named against the journal written again from the replica);
whether that code is the one in the document register for its number (else it was re-rendered or
forged; a number the register does not hold is unknown); and whether the replica still gives the
registered code (else what changed since printing, with who changed it). Papers printed before
canonical v2 are checked against the register and the replica. Exit code 0 only when all three agree
for every document in the file.`,
    options: { ...common, file: { type: 'string' }, locale: { type: 'string' }, json: { type: 'boolean' } },
    positional: 'file',
    async run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file)) throw new UsageError(`no replica at ${file}`);
      if (typeof v.file !== 'string' || !existsSync(v.file))
        throw new UsageError('FILE.pdf is required (an existing file)');
      const locale = (v.locale ?? 'ru') as Locale;
      if (!LOCALES.includes(locale))
        throw new UsageError(`--locale must be ru or ky, got "${String(v.locale)}"`);
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        let verdicts;
        try {
          verdicts = await verifyPdf(app.db, readFileSync(v.file));
        } catch {
          out.log(`${v.file}: ${translate(locale, 'reason.notPdf')}`);
          return 1;
        }
        if (v.json) out.log(JSON.stringify(verdicts, null, 2));
        else {
          if (verdicts.length === 0) out.log(translate(locale, 'verify.none'));
          for (const r of verdicts)
            for (const line of verdictLines({ ...r, journal: null }, locale))
              out.log(`${line.detail ? '    ' : '  '}${line.text}`);
        }
        return verdicts.length === 0 || verdicts.some((r) => !r.ok) ? 1 : 0;
      } finally {
        app.close();
      }
    },
  },
  'archive create': {
    summary: 'make an archive package (ZIP) of a unit and period',
    usage: `archive create [--unit university|faculty:ID|department:ID|group:ID] [--period semester:ID|year:ID]
       [--out FILE] [--locale ru|ky] [--as LOGIN] [--db FILE]

Writes one ZIP: the data of every record of the unit and period as NDJSON (the audit log too), the
printed journals as PDF per group, manifest.json (every file's size and SHA-256, record counts, versions,
who and when) and manifest.sha256, the package digest. Without --unit: everything in the replica; without
--period: the current semester; without --out: archive/ beside the replica. With --as LOGIN (an archivist
of the unit; password in AVN_DESK_PASSWORD) the digest is entered in the archive register (synced);
without it the package is not registered, and archive verify and open will not take it as whole.`,
    options: {
      ...common,
      unit: { type: 'string' },
      period: { type: 'string' },
      out: { type: 'string' },
      locale: { type: 'string' },
      as: { type: 'string' },
    },
    run: (v, out) => archiveCreate(dbPath(v), v, out, (m) => new UsageError(m)),
  },
  'archive verify': {
    summary: 'check an archive package: every file, the digest, the register',
    usage: `archive verify PACKAGE [--json] [--db FILE]

Reports every missing, extra or altered file and a wrong digest, and whether the package digest is in
the archive register of the replica of --db. The digest inside a package proves nothing alone (anyone
can recompute it), so a package is whole only when every file matches AND its digest is the registered
one: "rewritten" when its package id is registered with another digest, "not in the archive register"
otherwise (a package made with archive create without --as is not registered). Exit code 0 only when
the package is whole.`,
    options: { ...common, file: { type: 'string' }, json: { type: 'boolean' } },
    positional: 'file',
    run: (v, out) => archiveVerify(dbPath(v), v, out, (m) => new UsageError(m)),
  },
  'archive open': {
    summary: 'load a whole archive package into a separate read-only replica',
    usage: `archive open PACKAGE [--out FILE] [--serve] [--port N] [--force] [--db FILE]

Verifies the package and loads it into a new replica (default: archives/<digest>.db beside the replica
of --db), which the app opens read-only to browse and print from; people log in with the passwords of
the replica of --db. With --serve it is served in web mode at once (Ctrl+C stops it). A package whose
digest is not the registered one in the archive register of --db (rewritten, or not registered) is
refused (exit 1) unless --force; forced, the replica is marked and the app says so on every screen.`,
    options: {
      ...common,
      file: { type: 'string' },
      out: { type: 'string' },
      serve: { type: 'boolean' },
      port: { type: 'string' },
      force: { type: 'boolean' },
    },
    positional: 'file',
    async run(v, out) {
      const opened = await archiveOpen(dbPath(v), v, out, (m) => new UsageError(m));
      if (!opened) return 1;
      const { replica } = opened;
      if (!v.serve) return 0;
      const port = v.port === undefined ? 0 : Number(v.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number`);
      const backend = startBackend({ dbPath: replica, demoIfMissing: null });
      const web = await startWebServer(backend, { port });
      out.log(`AVN Desk (archive, read-only): open ${web.url}`);
      await new Promise<void>((resolve) => {
        const stop = () => void web.close().then(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      backend.close();
      return 0;
    },
  },
  backup: {
    summary: 'backups of the replica: create, list, restore',
    usage: `backup create|list|restore [FILE | --latest] [--json] [--db FILE]

Backups live in backups/<replica id>/ beside the replica: each replica file has its own id (kept in
it), and sees, rotates and restores only its own backups, also when several share one folder.

create   an online backup of the replica (kind "manual") into its backup folder, checked with
         PRAGMA integrity_check before it is renamed into place; rotation runs after it
list     the backups, newest first: time (Bishkek), kind, size, file
restore  put a backup in place of the replica: FILE (a path, or a name from the list) or --latest
         (the newest of its own that passes its integrity check). The backup is checked first, and
         refused unless it carries this replica's id (a backup of another replica never); the current file
         is kept as a "pre-restore" backup (or moved aside as damaged-….db when it is unreadable).
         Close the app first: restore replaces the file under it.`,
    options: {
      ...common,
      verb: { type: 'string' },
      file: { type: 'string' },
      latest: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    positional: ['verb', 'file'],
    async run(v, out) {
      const file = dbPath(v);
      // An intact replica without an id yet gets one now; only a damaged one whose id cannot be read
      // has none, and then has no folder to offer from (give the backup as FILE instead).
      const intact = existsSync(file) && checkIntegrity(file).ok;
      const replicaId = intact ? fileReplicaId(file) : readReplicaId(file);
      const dir = replicaId ? backupDirFor(file, replicaId) : null;
      const needDir = () => {
        if (dir) return dir;
        if (!existsSync(file)) throw new UsageError(`no replica at ${file}`);
        throw new Error(
          `the replica ${file} is damaged and its id cannot be read: give the backup to restore as FILE`,
        );
      };
      const show = (b: BackupInfo) =>
        `${formatBishkekStamp(b.time)}  ${b.kind.padEnd(13)} ${formatNumber(b.size / 1048576, 1).padStart(9)} MB  ${b.name}`;
      if (v.verb === 'list') {
        const d = needDir();
        const list = listBackups(d);
        if (v.json) out.log(JSON.stringify(list, null, 2));
        else if (list.length === 0) out.log(`No backups in ${d}`);
        else {
          out.log(`Backups of ${file} in ${d}:`);
          for (const b of list) out.log(`  ${show(b)}`);
        }
        return;
      }
      if (v.verb === 'create') {
        if (!existsSync(file)) throw new UsageError(`no replica at ${file}`);
        const integrity = checkIntegrity(file);
        if (!integrity.ok) throw new Error(`the replica is damaged: ${integrity.messages.join('; ')}`);
        const db = openReplica(file, { readonly: true });
        try {
          const now = Date.now();
          const d = needDir();
          const b = await createBackup(db.$client, d, 'manual', now, {
            onProgress: (p) => out.progress({ phase: 'backup', ...p }),
          });
          out.done();
          rotateBackups(d, now);
          out.log(v.json ? JSON.stringify(b, null, 2) : `Backup written: ${show(b)}`);
        } finally {
          db.$client.close();
        }
        return;
      }
      if (v.verb === 'restore') {
        let chosen: string;
        if (v.latest) {
          if (typeof v.file === 'string') throw new UsageError('give FILE or --latest, not both');
          const d = needDir();
          const good = newestGoodBackup(d);
          if (!good) throw new Error(`no backup in ${d} passes its integrity check`);
          chosen = good.file;
        } else if (typeof v.file === 'string') {
          chosen = existsSync(v.file) || !dir ? v.file : join(dir, v.file);
          if (!existsSync(chosen)) throw new UsageError(`no backup ${v.file} (see: backup list)`);
        } else throw new UsageError('restore needs FILE or --latest');
        try {
          // Only a damaged replica whose id is lost takes the id of the backup its operator named.
          const r = await restoreBackup(chosen, file, Date.now(), {
            replicaId: replicaId ?? readReplicaId(chosen),
          });
          out.log(`Restored ${file} from ${chosen}.`);
          if (r.preRestore) out.log(`The replaced replica was kept as ${r.preRestore.name}.`);
          if (r.damagedCopy) out.log(`The replaced replica was unreadable; moved to ${r.damagedCopy}.`);
        } catch (err) {
          if (err instanceof BackupDamagedError || err instanceof BackupForeignError)
            throw new Error(err.message);
          throw err;
        }
        return;
      }
      throw new UsageError(
        v.verb === undefined ? 'say create, list or restore' : `unknown backup command "${String(v.verb)}"`,
      );
    },
  },
  info: {
    summary: 'counts of every entity in the replica',
    usage: `info [--db FILE] [--json]

Prints the replica's scope, its clock (the demo's stored "now" for a demo), and the number of rows of
every entity.`,
    options: { ...common, json: { type: 'boolean' } },
    run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file))
        throw new UsageError(`no replica at ${file} (make one with: npm run cli -- demo --db ${file})`);
      const db = openReplica(file, { readonly: true });
      try {
        const counts = entityCounts(db);
        const demoNow = getMeta(db, META.demoNow);
        const info = {
          file,
          scope: JSON.parse(getMeta(db, META.scope) ?? 'null') as unknown,
          demoNow: demoNow === null ? null : formatBishkekInstant(Number(demoNow)),
          demoScale: getMeta(db, META.demoScale),
          counts: Object.fromEntries(counts.map((c) => [c.entity, c.count])),
        };
        if (v.json) {
          out.log(JSON.stringify(info, null, 2));
          return;
        }
        out.log(`Replica ${file}`);
        out.log(
          `  scope: ${JSON.stringify(info.scope)}${info.demoNow ? `; demo now: ${info.demoNow} (${info.demoScale})` : ''}`,
        );
        const width = Math.max(...counts.map((c) => translate('ru', `entity.${c.entity}`).length));
        for (const c of counts) {
          const label = translate('ru', `entity.${c.entity}`).padEnd(width);
          out.log(`  ${label}  ${formatNumber(c.count).padStart(12)}  ${ENTITY_TABLES[c.entity]}`);
        }
      } finally {
        db.$client.close();
      }
    },
  },
};

/** The CLI reads everything the replica holds, as the study office would (no login on a terminal). */
const REPLICA_OPERATOR = {
  grants: [{ role: 'studyOffice', scopeKind: 'university', scopeId: null }],
  teacherId: null,
} as const satisfies Viewer;

/** An API error (bad period, unknown unit) as a one-line message in the chosen language. */
function withAppErrors<T>(locale: Locale, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(translate(locale, `error.${err.code}`, err.params));
    throw err;
  }
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1));
const pp = (x: number | null) => (x === null ? '' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`);

/** The control report as text: a header, one row per unit, the total. */
export function controlTable(r: ControlReport, locale: Locale): string[] {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const head = [
    t('control.col.due'),
    t('control.col.fillRate'),
    t('control.col.onTime'),
    t('control.col.late'),
    t('control.col.missing'),
    t('control.col.trend'),
  ];
  const rows = r.rows.map((x) => ({ name: x.name[locale], f: x.figures, trend: x.trend.change }));
  const width = Math.max(24, ...rows.map((x) => x.name.length), t('control.total').length) + 2;
  const line = (name: string, cells: string[]) =>
    name.padEnd(width) + cells.map((c, i) => c.padStart(Math.max((head[i] ?? '').length, 7) + 2)).join('');
  const cells = (f: ControlReport['total'], trend: number | null) => [
    String(f.due),
    pct(f.fillRate),
    pct(f.timeliness),
    String(f.late),
    String(f.missing),
    pp(trend),
  ];
  const title = `${t('control.title')} — ${r.period.week ?? ''} ${r.period.from} – ${r.period.to}, ${t('control.checkedAt', { time: formatBishkekStamp(r.checkedAt) })}`;
  const out = [title.replace(' —  ', ' — ')];
  if (r.within.length) out.push(r.within.map((w) => `${t(`unit.${w.kind}`)}: ${w.name[locale]}`).join(' › '));
  if (r.total.due === 0) {
    out.push(t('control.empty'));
    return out;
  }
  out.push(line(t(`control.by.${r.by}`), head));
  for (const x of rows) out.push(line(x.name, cells(x.f, x.trend)));
  out.push(line(t('control.total'), cells(r.total, null)));
  out.push(t('control.notDue', r.notDue));
  return out;
}

/** Write a whole file or nothing: a temp file renamed into place. */
function writeFileAtomic(file: string, bytes: Uint8Array): void {
  writeFileSync(`${file}.part`, bytes);
  renameSync(`${file}.part`, file);
}

function dbPath(v: Record<string, unknown>): string {
  return typeof v.db === 'string' && v.db ? v.db : defaultReplicaPath();
}

function terminalOutput(stream: NodeJS.WriteStream = process.stderr): Output {
  let shown = false;
  let lastPhase = '';
  return {
    log: (line) => console.log(line),
    progress(p) {
      if (stream.isTTY) {
        const width = 30;
        const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
        const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
        stream.write(
          `\r${bar} ${String(Math.round(frac * 100)).padStart(3)}%  ${p.phase.padEnd(12)} ${p.done}/${p.total}   `,
        );
        shown = true;
      } else if (p.phase !== lastPhase) {
        stream.write(`${p.phase}…\n`);
        lastPhase = p.phase;
      }
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

function usage(): string {
  return `Usage: npm run cli -- <command> [options]   (every command: --db FILE, --help)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`)
  .join('\n')}

Default replica: ${defaultReplicaPath()}`;
}

/** Run the CLI with arguments (without node and script); returns the exit code. */
export async function runCli(argv: string[], out: Output = terminalOutput()): Promise<number> {
  // Commands of two words (`archive create`) are looked up first.
  const two = argv.length >= 2 ? `${argv[0]} ${argv[1]}` : '';
  const [name, ...rest] = two in COMMANDS ? [two, ...argv.slice(2)] : argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: cmd.options,
      strict: true,
      allowPositionals: cmd.positional !== undefined,
    });
    const values: Record<string, string | boolean | Array<string | boolean> | undefined> = {
      ...parsed.values,
    };
    const names = typeof cmd.positional === 'string' ? [cmd.positional] : (cmd.positional ?? []);
    if (parsed.positionals.length > names.length)
      throw new UsageError(`too many arguments: ${parsed.positionals.slice(names.length).join(' ')}`);
    parsed.positionals.forEach((arg, i) => {
      const name = names[i] ?? '';
      if (values[name] !== undefined) throw new UsageError(`one ${name.toUpperCase()} only`);
      values[name] = arg;
    });
    if (values.help) {
      out.log(`Usage: npm run cli -- ${cmd.usage}`);
      return 0;
    }
    const code = await cmd.run(values, out);
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    out.done();
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${name}: ${message}`);
    if (err instanceof ReplicaDamagedError)
      console.error(
        'Restore the newest good backup with: npm run cli -- backup restore --latest [--db FILE]',
      );
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`Usage: npm run cli -- ${cmd.usage.split('\n')[0]}`);
      return 2;
    }
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
