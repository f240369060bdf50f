import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { canArchive } from '../../src-shared/domain/roles';
import { formatBishkekStamp } from '../../src-shared/domain/time';
import { LOCALES, type Locale } from '../../src-shared/i18n/translate';
import type { ArchivePeriod, ArchiveUnit } from '../../src-shared/contract/archive.contract';
import { verifyPassword } from '../auth/password';
import { boot, type App } from '../boot';
import { findUserByLogin, sessionUserOf } from '../db/users.repo';
import { getMeta, META } from '../db/meta';
import { SYNC_META } from '../sync/engine';
import { parseScopeKey } from '../../src-shared/sync/tables';
import { freshPackage } from './confine';
import { archiveFileName, archiveFolder, replicaForPackage } from './files';
import { openPackage, requireRegistered, wholePackage, type OpenablePackage } from './open';
import { AppError } from '../../src-shared/contract/errors';
import { registerPackage } from './register';
import { runPackageJob } from './run-job';
import { unitFacts } from './scope';
import { checkPackage, registerStanding, verdict } from './verify';

/**
 * The archive commands of the CLI (`archive create|verify|open`), as functions of parsed options so the
 * command table in src-main/cli.ts stays a table. Failures of the user's making throw `usage(...)`.
 */

type Out = {
  log: (line: string) => void;
  progress: (p: { phase: string; done: number; total: number }) => void;
  done: () => void;
};
type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export function parseUnit(text: string | undefined, usage: (m: string) => Error): ArchiveUnit | null {
  if (text === undefined) return null;
  if (text === 'university') return { kind: 'university', id: null };
  const m = /^(faculty|department|group):([1-9]\d{0,9})$/.exec(text);
  if (!m) throw usage(`--unit must be university, faculty:ID, department:ID or group:ID, got "${text}"`);
  return { kind: m[1] as ArchiveUnit['kind'], id: Number(m[2]) };
}

export function parsePeriod(text: string | undefined, usage: (m: string) => Error): ArchivePeriod | null {
  if (text === undefined) return null;
  const m = /^(semester|year):([1-9]\d{0,9})$/.exec(text);
  if (!m) throw usage(`--period must be semester:ID or year:ID, got "${text}"`);
  return { kind: m[1] as ArchivePeriod['kind'], id: Number(m[2]) };
}

/** Who registers a package made from the CLI: `--as LOGIN` with the password in AVN_DESK_PASSWORD. */
function registrant(app: App, login: string | undefined, unit: ArchiveUnit, usage: (m: string) => Error) {
  if (login === undefined) return null;
  const password = process.env.AVN_DESK_PASSWORD ?? '';
  const u = findUserByLogin(app.db, login);
  if (!u || !u.active || u.passwordHash === null || !verifyPassword(password, u.passwordHash))
    throw usage(`--as ${login}: unknown login or wrong password (give it in AVN_DESK_PASSWORD)`);
  const found = sessionUserOf(app.db, u.id);
  const facts = unitFacts(app.db, unit);
  if (!found || !facts || !canArchive(found.grants, facts.target, 'make'))
    throw usage(`--as ${login}: not an archivist of that unit`);
  return { ...found.user, grants: found.grants };
}

export async function archiveCreate(
  dbFile: string,
  v: Values,
  out: Out,
  usage: (m: string) => Error,
): Promise<number> {
  if (!existsSync(dbFile)) throw usage(`no replica at ${dbFile}`);
  const period = parsePeriod(v.period as string | undefined, usage);
  const locale = (v.locale ?? 'ru') as Locale;
  if (!LOCALES.includes(locale)) throw usage(`--locale must be ru or ky, got "${String(v.locale)}"`);
  const app = boot({ dbPath: dbFile, demoIfMissing: null, log: () => undefined });
  try {
    // Without a unit: everything in the replica (its scope).
    const unit = parseUnit(v.unit as string | undefined, usage) ?? replicaUnit(app);
    if (!unitFacts(app.db, unit)) throw usage(`no such unit in the replica: ${unit.kind}:${unit.id ?? ''}`);
    const by = registrant(app, v.as as string | undefined, unit, usage);
    const now = app.deps.clock.now();
    // The CLI takes any path of its operator's, but never writes over an existing file (issue 14).
    const file =
      typeof v.out === 'string' && v.out
        ? v.out
        : freshPackage(archiveFolder(dbFile), archiveFileName(unit, period, now));
    if (existsSync(file)) throw usage(`${file} exists already: the package is never written over a file`);
    const started = performance.now();
    const r = await runPackageJob(
      {
        dbPath: dbFile,
        unit,
        period,
        out: file,
        locale,
        now,
        madeBy: { userId: by?.id ?? null, name: by?.displayName ?? null },
        device: app.deps.deviceId,
        appVersion: app.deps.version,
      },
      { onProgress: out.progress },
    );
    out.done();
    if (by)
      registerPackage(
        app.db,
        { userId: by.id, teacherId: by.teacherId, grants: by.grants, deviceId: app.deps.deviceId, now },
        r,
        basename(r.file),
      );
    const rows = Object.values(r.counts).reduce((s, n) => s + n, 0);
    out.log(
      `${r.file}: ${r.files} files, ${rows} records, ${r.sizeBytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    out.log(`digest (SHA-256 of manifest.json): ${r.digest}`);
    out.log(
      by
        ? `registered in the archive register as ${by.login}`
        : 'NOT registered, so archive verify will not find it whole and archive open needs --force: give --as LOGIN (password in AVN_DESK_PASSWORD), or make it from the Archive screen',
    );
    return 0;
  } finally {
    app.close();
  }
}

/** The replica's own scope as an archive unit (its sync scope when connected, else the demo's). */
function replicaUnit(app: App): ArchiveUnit {
  const synced = parseScopeKey(getMeta(app.db, SYNC_META.scope) ?? '');
  if (synced) return synced.kind === 'university' ? { kind: 'university', id: null } : synced;
  const scope = JSON.parse(getMeta(app.db, META.scope) ?? '{"kind":"university","id":null}') as {
    kind: string;
    id: number | null;
  };
  return (scope.kind === 'faculty' || scope.kind === 'department') && scope.id !== null
    ? { kind: scope.kind, id: scope.id }
    : { kind: 'university', id: null };
}

export async function archiveVerify(
  dbFile: string,
  v: Values,
  out: Out,
  usage: (m: string) => Error,
): Promise<number> {
  const file = v.file;
  if (typeof file !== 'string' || !existsSync(file)) throw usage('PACKAGE is required (an existing file)');
  const check = await checkPackage(file);
  let standing: ReturnType<typeof registerStanding> | null = null;
  if (existsSync(dbFile)) {
    const app = boot({ dbPath: dbFile, demoIfMissing: null, log: () => undefined });
    try {
      standing = registerStanding(app.db, check.digest, check.manifest?.packageId ?? null);
    } finally {
      app.close();
    }
  }
  // Issue 15, item 3: whole only with the registered digest (no replica: no register, not whole).
  const { whole, problems } = verdict(check, standing?.registered ?? null);
  if (v.json) {
    out.log(
      JSON.stringify(
        {
          whole,
          digest: check.digest,
          problems,
          files: check.files,
          registered: standing?.registered ?? null,
        },
        null,
        2,
      ),
    );
  } else {
    for (const p of problems)
      out.log(`${p.kind.toUpperCase().padEnd(12)} ${p.file ?? ''}${PLAIN[p.kind] ?? ''}`);
    if (check.manifest)
      out.log(
        `${check.manifest.unit.name.ru}, ${check.manifest.period.name}; made ${formatBishkekStamp(check.manifest.madeAt)}; ${check.files} files`,
      );
    out.log(`digest: ${check.digest ?? '—'}`);
    out.log(
      standing === null
        ? `register: NOT CHECKED, no replica at ${dbFile} (give --db): a package is whole only with its registered digest`
        : standing.registered === 'matches'
          ? `register: the digest is registered${standing.verifiedAt ? `, last verified ${formatBishkekStamp(standing.verifiedAt)}` : ''}`
          : standing.registered === 'differs'
            ? 'register: rewritten: the digest is not the registered one (this package id is registered with another digest)'
            : 'register: not in the archive register (neither its digest nor its package id)',
    );
    out.log(
      whole
        ? 'WHOLE: every file present and unchanged, the digest the registered one'
        : `NOT WHOLE: ${problems.length} problem(s)`,
    );
  }
  return whole ? 0 : 1;
}

/** What the register's problems mean, beside their kind (the file's kinds speak for themselves). */
const PLAIN: Partial<Record<string, string>> = {
  rewritten: ': rewritten: the digest is not the registered one',
  unregistered: ': not in the archive register',
};

/**
 * Open a whole package into a read-only replica. One whose digest is not the registered one (in the
 * replica of --db; without one, nothing is registered) is refused — null, the reason logged — unless
 * `--force`; forced, the replica remembers how the package stood (issue 15, item 3).
 */
export async function archiveOpen(
  dbFile: string,
  v: Values,
  out: Out,
  usage: (m: string) => Error,
): Promise<{ replica: string } | null> {
  const file = v.file;
  if (typeof file !== 'string' || !existsSync(file)) throw usage('PACKAGE is required (an existing file)');
  const checked = await wholePackage(file).catch((err: unknown) => {
    throw err instanceof AppError
      ? usage(`${file} is not a whole archive package: ${String(err.params.reason ?? '')}`)
      : err;
  });
  const host = existsSync(dbFile)
    ? boot({ dbPath: dbFile, demoIfMissing: null, log: () => undefined })
    : null;
  try {
    let cleared: OpenablePackage;
    try {
      cleared = requireRegistered(checked, host?.db ?? null, { force: v.force === true });
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'PACKAGE_UNREGISTERED')) throw err;
      out.log(
        `NOT OPENED: ${file}: ${
          host === null
            ? `no replica at ${dbFile}, so no archive register to check the digest against`
            : err.params.registered === 'differs'
              ? 'rewritten: the digest is not the registered one'
              : 'not in the archive register'
        }`,
      );
      out.log('add --force to open it anyway (the opened replica is marked as not matching the register)');
      return null;
    }
    const target = typeof v.out === 'string' && v.out ? v.out : replicaForPackage(dbFile, cleared.digest);
    const r = await openPackage(file, target, { host: host?.db, onProgress: out.progress, checked: cleared });
    out.done();
    const rows = Object.values(r.counts).reduce((s, n) => s + n, 0);
    out.log(`${r.replica}: ${rows} records, read-only; digest ${r.digest}`);
    if (r.registered !== 'matches')
      out.log(
        `FORCED: the package is ${r.registered === 'differs' ? 'rewritten (the digest is not the registered one)' : 'not in the archive register'}; the replica is marked so`,
      );
    out.log(`browse and print: npm run web -- --db ${r.replica}   (log in with the accounts of ${dbFile})`);
    return { replica: r.replica };
  } finally {
    host?.close();
  }
}
