import { createInterface } from 'node:readline';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql } from 'drizzle-orm';
import type { RegisterStandingKind } from '../../src-shared/contract/archive.contract';
import { AppError } from '../../src-shared/contract/errors';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { BulkInsert } from '../db/bulk';
import { ensureLessonFill } from '../db/control.repo';
import { getMeta, META, setMeta } from '../db/meta';
import { openReplica, type Db } from '../db/open';
import { jobContext, writeAtomicallyAsync, type JobOptions } from '../jobs/job';
import type { Manifest } from './package';
import { PACKAGE_TABLES } from './scope';
import { checkPackage, registerStanding } from './verify';
import { eachEntry } from './zip-read';

/**
 * Opening a package years later (issue 7): a whole package is loaded into a separate replica file,
 * which the app then opens read-only to browse and print from (boot sees `archive.package` in its
 * meta). Accounts travel without password hashes, so the people who may open it log in with the
 * passwords of the replica it was opened from: the verifiers of the staff accounts present in both (by
 * id and login) are copied — they live in a column no package file holds, so packaging the opened
 * replica again gives the same data files.
 *
 * The archive register decides what opens (issue 15, item 3): a package whose digest is not the
 * registered one opens only when the person insists (`force`), and the replica remembers how it stood.
 */

/** The meta key marking an archive replica: the package's manifest summary (JSON). */
export const ARCHIVE_META = 'archive.package';

export type ArchiveReplicaInfo = {
  packageId: string;
  digest: string;
  unit: Manifest['unit'];
  period: Manifest['period'];
  madeAt: number;
  file: string;
  /**
   * How the package stood in the archive register when it was opened: anything but 'matches' was
   * forced. Absent in replicas opened before the register decided (issue 15, item 3).
   */
  registered?: RegisterStandingKind;
};

export function archiveInfo(db: Db): ArchiveReplicaInfo | null {
  const text = getMeta(db, ARCHIVE_META);
  return text ? (JSON.parse(text) as ArchiveReplicaInfo) : null;
}

/** A checked package that is whole: its manifest and digest. */
export type WholePackage = { manifest: Manifest; digest: string };

/** Check a package file and require it whole (PACKAGE_INVALID naming every problem otherwise). */
export async function wholePackage(file: string): Promise<WholePackage> {
  const check = await checkPackage(file);
  if (!check.whole || !check.manifest || !check.digest)
    throw new AppError('PACKAGE_INVALID', {
      reason: check.problems.map((p) => `${p.kind}${p.file ? ` ${p.file}` : ''}`).join(', '),
    });
  return { manifest: check.manifest, digest: check.digest };
}

/** A whole package with its standing in the archive register, cleared to be opened. */
export type OpenablePackage = WholePackage & { registered: RegisterStandingKind };

/**
 * Clear a whole package for opening against the archive register (`register`: the replica whose
 * register decides; null — none could be read — counts as not registered). Anything but the registered
 * digest is refused with PACKAGE_UNREGISTERED (params: `registered`, and `reason` in `locale`) unless
 * `force`.
 */
export function requireRegistered(
  checked: WholePackage,
  register: Db | null,
  opts: { force?: boolean; locale?: Locale } = {},
): OpenablePackage {
  const registered = register
    ? registerStanding(register, checked.digest, checked.manifest.packageId).registered
    : 'not_registered';
  if (registered !== 'matches' && !opts.force)
    throw new AppError('PACKAGE_UNREGISTERED', {
      registered,
      reason: translate(opts.locale ?? 'ru', `archive.unregistered.${registered}`),
    });
  return { ...checked, registered };
}

/**
 * Load a whole package into a new replica at `target` (replacing one there). `checked`: the package
 * already found whole by `wholePackage` and cleared by `requireRegistered` (it is not read twice);
 * otherwise it is checked here against `host`'s register, refused unless registered or `force`.
 */
export async function openPackage(
  file: string,
  target: string,
  opts: JobOptions & { host?: Db; checked?: OpenablePackage; force?: boolean } = {},
): Promise<{
  replica: string;
  digest: string;
  counts: Record<string, number>;
  registered: RegisterStandingKind;
}> {
  const ctx = jobContext(opts);
  const { manifest, digest, registered } =
    opts.checked ?? requireRegistered(await wholePackage(file), opts.host ?? null, { force: opts.force });
  mkdirSync(dirname(target), { recursive: true });
  const counts: Record<string, number> = {};
  await writeAtomicallyAsync(target, async (tmp) => {
    const db = openReplica(tmp, { bulkLoad: true });
    const sqlite = db.$client;
    try {
      // Rows arrive table by table; references are checked once everything is in.
      sqlite.pragma('foreign_keys = OFF');
      const order = new Map(PACKAGE_TABLES.map((t, i) => [`data/${t}.ndjson`, i]));
      let loaded = 0;
      sqlite.exec('BEGIN');
      await eachEntry(file, async (e) => {
        if (!order.has(e.path)) return;
        const table = e.path.slice('data/'.length, -'.ndjson'.length);
        let insert: BulkInsert | null = null;
        let n = 0;
        for await (const line of createInterface({ input: await e.open(), crlfDelay: Infinity })) {
          if (line === '') continue;
          const row = JSON.parse(line) as Record<string, string | number | null>;
          insert ??= new BulkInsert(
            sqlite,
            `"${table}"`,
            Object.keys(row).map((c) => `"${c}"`),
          );
          insert.add(Object.values(row));
          n += 1;
          if (n % 5000 === 0) ctx.checkCancelled();
        }
        insert?.finish();
        counts[table] = n;
        loaded += 1;
        ctx.progress('open', loaded, PACKAGE_TABLES.length);
      });
      const broken = sqlite.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0)
        throw new AppError('PACKAGE_INVALID', {
          reason: `${broken.length} rows refer to rows not in the package`,
        });
      for (const [table, n] of Object.entries(manifest.counts))
        if ((counts[table] ?? 0) !== n)
          throw new AppError('PACKAGE_INVALID', {
            reason: `${table}: ${counts[table] ?? 0} rows, manifest says ${n}`,
          });
      if (opts.host) copyVerifiers(opts.host, db);
      // The control report's per-lesson cache, filled now: the replica is read-only from here on.
      ensureLessonFill(db, manifest.period.from, manifest.period.to);
      const scope =
        manifest.unit.kind === 'faculty' || manifest.unit.kind === 'department'
          ? { kind: manifest.unit.kind, id: manifest.unit.id }
          : manifest.unit.kind === 'group'
            ? {
                kind: 'faculty',
                id:
                  db.get<{ f: number }>(
                    sql`SELECT faculty_id AS f FROM groups WHERE id = ${manifest.unit.id}`,
                  )?.f ?? null,
              }
            : { kind: 'university', id: null };
      setMeta(db, META.scope, JSON.stringify(scope));
      const info: ArchiveReplicaInfo = {
        packageId: manifest.packageId,
        digest,
        unit: manifest.unit,
        period: manifest.period,
        madeAt: manifest.madeAt,
        file,
        registered,
      };
      setMeta(db, ARCHIVE_META, JSON.stringify(info));
      sqlite.exec('COMMIT');
      sqlite.pragma('journal_mode = DELETE');
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw err;
    } finally {
      sqlite.close();
    }
  });
  return { replica: target, digest, counts, registered };
}

/** Copy the password verifiers of staff accounts present in both replicas (same id and login). */
function copyVerifiers(host: Db, archive: Db): void {
  const rows = host.all<{ id: number; login: string; hash: string }>(
    sql`SELECT id, login, password_hash AS hash FROM users WHERE password_hash IS NOT NULL AND student_id IS NULL`,
  );
  const set = archive.$client.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND login = ?');
  for (const r of rows) set.run(r.hash, r.id, r.login);
}
