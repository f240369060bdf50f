import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { uuidv7 } from '../../src-shared/ids';
import {
  backupName,
  backupsToKeep,
  hasDailyOf,
  parseBackupName,
  type BackupEntry,
  type BackupKind,
} from '../../src-shared/domain/backups';

/**
 * Backups of the replica (issue 7, item 4): online copies by SQLite's backup API, written to a temp
 * name, checked with `PRAGMA integrity_check`, fsynced and only then renamed to their final name — so
 * a backup killed half-way never looks like one. Listing reads only final names; rotation keeps
 * 7 daily and 4 weekly (src-shared/domain/backups.ts); restore checks the backup first and keeps a
 * `pre-restore` copy of what it replaces.
 */
export type BackupInfo = BackupEntry & { file: string; size: number };

export type Integrity = { ok: true } | { ok: false; messages: string[] };

/** A replica that failed its integrity check: SQLite's first messages and the restore offer. */
export type Damage = { file: string; messages: string[]; offer: BackupInfo | null };

/**
 * The meta key of the replica's own id (issue 14): made at random the first time the file is opened
 * for writing, never synced and never shared with another replica file (unlike `device.id`, which the
 * deterministic demo generator gives every demo replica alike). Backups are kept and checked by it.
 */
export const REPLICA_ID_KEY = 'replica.id';

const REPLICA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The replica id stored in an open connection, or null (no meta table, or none yet). */
export function replicaIdOf(sqlite: Database.Database): string | null {
  try {
    const row = sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(REPLICA_ID_KEY) as
      { value: string } | undefined;
    return row && REPLICA_ID.test(row.value) ? row.value : null;
  } catch {
    return null;
  }
}

/**
 * The replica id of a writable connection, made (UUIDv7, random) when it has none yet; null when the
 * file has no meta table (a new file before its migrations).
 */
export function ensureReplicaId(sqlite: Database.Database, now: number = Date.now()): string | null {
  const have = replicaIdOf(sqlite);
  if (have) return have;
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!table) return null;
  const id = uuidv7(now, randomBytes(10));
  sqlite.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(REPLICA_ID_KEY, id);
  // A replica older than ids: the backups of its line in the shared folder become its own.
  if (sqlite.name && sqlite.name !== ':memory:') {
    const device = sqlite.prepare("SELECT value FROM meta WHERE key = 'device.id'").get() as
      { value: string } | undefined;
    adoptLegacyBackups(sqlite.name, id, device?.value ?? null);
  }
  return id;
}

/**
 * Issue 14: backups made before replicas had ids lie in `backups/` itself, shared by every replica of
 * the folder. When a replica first gets its id, it adopts those that are provably its own line — same
 * `device.id` and no replica id of their own: each is stamped with the new id and moved into its
 * folder. Others stay where they are, never listed or restored by the app (the CLI restores one only
 * by its path, and then only into a replica whose id it may take). Best effort: a file that cannot be
 * read or moved is left alone.
 */
export function adoptLegacyBackups(dbPath: string, replicaId: string, deviceId: string | null): string[] {
  const legacy = join(dirname(dbPath), 'backups');
  if (!deviceId || !existsSync(legacy)) return [];
  const target = backupDirFor(dbPath, replicaId);
  const adopted: string[] = [];
  for (const name of readdirSync(legacy)) {
    if (!parseBackupName(name)) continue;
    const file = join(legacy, name);
    try {
      if (!statSync(file).isFile() || existsSync(join(target, name))) continue;
      const db = new Database(file, { fileMustExist: true });
      try {
        const device = db.prepare("SELECT value FROM meta WHERE key = 'device.id'").get() as
          { value: string } | undefined;
        if (device?.value !== deviceId || replicaIdOf(db) !== null) continue;
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(REPLICA_ID_KEY, replicaId);
        db.pragma('journal_mode = DELETE');
      } finally {
        db.close();
      }
      mkdirSync(target, { recursive: true });
      renameSync(file, join(target, name));
      adopted.push(name);
    } catch {
      // Left where it is.
    }
  }
  return adopted;
}

/**
 * The replica id of a file, read without changing it; null when it has none or cannot be read (a
 * damaged file whose meta table is lost with the rest).
 */
export function readReplicaId(file: string): string | null {
  if (!existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return replicaIdOf(db);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/**
 * The backup folder of a replica: `backups/<replica id>/` next to it (issue 14) — replicas kept in one
 * folder never share, list, rotate or restore each other's backups. Without `replicaId` it is read from
 * the file (given one when it has none and can be written).
 */
export function backupDirOf(dbPath: string, replicaId?: string): string {
  const id = replicaId ?? fileReplicaId(dbPath);
  if (!id) throw new Error(`${dbPath} has no replica id: open it with the app first`);
  return backupDirFor(dbPath, id);
}

/** The replica id of a file, given one when it has none yet and can be written; null otherwise. */
export function fileReplicaId(dbPath: string): string | null {
  const have = readReplicaId(dbPath);
  if (have || !existsSync(dbPath)) return have;
  try {
    const db = new Database(dbPath, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return ensureReplicaId(db);
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/** The backup folder of the replica `replicaId` kept at `dbPath`. */
export function backupDirFor(dbPath: string, replicaId: string): string {
  if (!REPLICA_ID.test(replicaId)) throw new Error(`not a replica id: ${replicaId}`);
  return join(dirname(dbPath), 'backups', replicaId);
}

/** How many integrity messages are kept: the first few say enough. */
const MAX_MESSAGES = 10;

/**
 * Run `PRAGMA integrity_check` on a file: ok, or damaged with the first messages. A file SQLite refuses
 * to open or read (not a database, malformed) is damaged too, with SQLite's message.
 */
export function checkIntegrity(file: string): Integrity {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma(`integrity_check(${MAX_MESSAGES})`) as Array<{ integrity_check: string }>;
    const messages = rows.map((r) => r.integrity_check);
    return messages.length === 1 && messages[0] === 'ok' ? { ok: true } : { ok: false, messages };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)/.test(code))
      return { ok: false, messages: [err instanceof Error ? err.message : String(err)] };
    throw err;
  } finally {
    db?.close();
  }
}

/** Backups in a folder, newest first. Temp files and anything not named as a backup are not listed. */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  const out: BackupInfo[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseBackupName(name);
    if (!parsed) continue;
    const file = join(dir, name);
    try {
      out.push({ name, file, ...parsed, size: statSync(file).size });
    } catch {
      // Removed meanwhile (rotation by another process).
    }
  }
  return out.sort((a, b) => b.time - a.time || (a.name < b.name ? 1 : -1));
}

/** The temp name of a backup being written: hidden, and carrying the writer's pid. */
const TEMP = /^\.(.+)\.(\d+)\.partial$/;
const tempName = (final: string) => `.${final}.${process.pid}.partial`;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Remove the temp files of backups that were killed half-way: their writer's process is gone, or they
 * are a day old (a pid can be reused). A temp file of a backup running in another process stays.
 */
export function cleanLeftovers(dir: string, now: number = Date.now()): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = TEMP.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    try {
      if (alive(Number(m[2])) && now - statSync(file).mtimeMs < 86_400_000) continue;
      rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // Gone already.
    }
  }
  return removed;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Make a rename durable: fsync the folder (not possible on Windows, where NTFS journals it). */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type BackupOptions = {
  /** Pages copied per step (the copy yields to the event loop between steps). */
  pagesPerStep?: number;
  /** Called after each step. */
  onProgress?: (p: { done: number; total: number }) => void;
};

/** Backups of one folder run one at a time (the daily one and an admin's may meet). */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const next = previous.then(f, f);
  const tail = next.catch(() => undefined);
  queues.set(dir, tail);
  void tail.then(() => {
    if (queues.get(dir) === tail) queues.delete(dir);
  });
  return next;
}

/** A final name in `dir` not taken yet. */
function freeName(dir: string, time: number, kind: BackupKind): string {
  for (let n = 1; ; n++) {
    const name = backupName(time, kind, n);
    if (!existsSync(join(dir, name))) return name;
  }
}

/**
 * Check a freshly written copy, make it a self-contained file (rollback journal instead of WAL, so one
 * file is the whole backup), fsync it and rename it to its final name.
 */
function finish(temp: string, dir: string, time: number, kind: BackupKind): BackupInfo {
  const copy = new Database(temp);
  try {
    copy.pragma('journal_mode = DELETE');
    const rows = copy.pragma(`integrity_check(${MAX_MESSAGES})`) as Array<{ integrity_check: string }>;
    if (rows.length !== 1 || rows[0]?.integrity_check !== 'ok')
      throw new Error(
        `the backup copy failed its integrity check: ${rows.map((r) => r.integrity_check).join('; ')}`,
      );
  } finally {
    copy.close();
  }
  fsyncFile(temp);
  const name = freeName(dir, time, kind);
  const file = join(dir, name);
  renameSync(temp, file);
  fsyncDir(dir);
  return { name, file, time, kind, size: statSync(file).size };
}

/**
 * An online backup of an open replica (better-sqlite3's `backup`, page by page, while the app keeps
 * working) into `dir`, named by `now` and `kind`. Leftover temp files of killed backups are removed
 * first. Throws — leaving no backup and no temp file — when the copy fails or is not intact.
 */
export function createBackup(
  source: Database.Database,
  dir: string,
  kind: BackupKind,
  now: number,
  opts: BackupOptions = {},
): Promise<BackupInfo> {
  return serialized(dir, async () => {
    mkdirSync(dir, { recursive: true });
    cleanLeftovers(dir);
    const temp = join(dir, tempName(backupName(now, kind)));
    try {
      await source.backup(temp, {
        progress: ({ totalPages, remainingPages }) => {
          opts.onProgress?.({ done: totalPages - remainingPages, total: totalPages });
          return opts.pagesPerStep ?? 512;
        },
      });
      return finish(temp, dir, now, kind);
    } catch (err) {
      rmSync(temp, { force: true });
      rmSync(`${temp}-journal`, { force: true });
      throw err;
    }
  });
}

/**
 * The same backup, synchronously, for the one place that cannot wait: opening a replica before its
 * migrations (openReplica is synchronous). `VACUUM INTO` writes a consistent copy in one statement.
 */
export function createBackupSync(
  source: Database.Database,
  dir: string,
  kind: BackupKind,
  now: number,
): BackupInfo {
  mkdirSync(dir, { recursive: true });
  cleanLeftovers(dir);
  const temp = join(dir, tempName(backupName(now, kind)));
  try {
    source.prepare('VACUUM INTO ?').run(temp);
    return finish(temp, dir, now, kind);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Delete the backups rotation does not keep at `now`; returns their names. */
export function rotateBackups(dir: string, now: number): string[] {
  const list = listBackups(dir);
  const keep = backupsToKeep(list, now);
  const removed: string[] = [];
  for (const b of list) {
    if (keep.has(b.name)) continue;
    rmSync(b.file, { force: true });
    removed.push(b.name);
  }
  return removed;
}

/**
 * The daily backup (issue 7): made when the folder holds none of the Bishkek day of `now`; rotation runs
 * after every check. Returns the backup made, or null when today's exists.
 */
export async function ensureDailyBackup(
  source: Database.Database,
  dir: string,
  now: number,
): Promise<BackupInfo | null> {
  const made = hasDailyOf(listBackups(dir), now) ? null : await createBackup(source, dir, 'daily', now);
  rotateBackups(dir, now);
  return made;
}

/** The newest backup that passes its integrity check (the restore offer of a damaged replica). */
export function newestGoodBackup(dir: string): BackupInfo | null {
  for (const b of listBackups(dir)) if (checkIntegrity(b.file).ok) return b;
  return null;
}

/** A backup of another replica (its own replica id differs, or it carries none): never restored here. */
export class BackupForeignError extends Error {
  constructor(
    readonly file: string,
    readonly found: string | null,
  ) {
    super(
      found
        ? `the backup ${file} is of another replica (${found}), not of this one`
        : `the backup ${file} carries no replica id: it cannot be told to be this replica's`,
    );
    this.name = 'BackupForeignError';
  }
}

export class BackupDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly messages: string[],
  ) {
    super(`the backup ${file} is damaged: ${messages.join('; ')}`);
    this.name = 'BackupDamagedError';
  }
}

export type RestoreResult = {
  /** The `pre-restore` backup of the replaced file, when it was readable. */
  preRestore: BackupInfo | null;
  /** Where an unreadable replica was moved instead (not a backup: kept for whoever investigates). */
  damagedCopy: string | null;
};

/**
 * Put a backup in place of the replica. The replica must be closed (the caller closes the app first).
 * Order: check the backup and that it is this replica's (its replica id); back up the current file (`pre-restore`) when it is intact, else move it
 * aside as `damaged-<time>.db`; copy the backup to a temp file beside the replica and fsync it; remove
 * the replica's -wal and -shm (they belong to the old file); rename the copy into place.
 */
export async function restoreBackup(
  backupFile: string,
  dbPath: string,
  now: number,
  opts: {
    /** The replica's id; default: read from the replica file. */
    replicaId?: string | null;
    /** Where the `pre-restore` backup goes; default: the replica's backup folder. */
    dir?: string;
  } = {},
): Promise<RestoreResult> {
  const verdict = checkIntegrity(backupFile);
  if (!verdict.ok) throw new BackupDamagedError(backupFile, verdict.messages);
  // Issue 14: the backup's own id (read from the file, not its name or folder) must be the replica's.
  const replicaId = opts.replicaId === undefined ? readReplicaId(dbPath) : opts.replicaId;
  const found = readReplicaId(backupFile);
  if (!replicaId || found !== replicaId) throw new BackupForeignError(backupFile, found);
  const dir = opts.dir ?? backupDirFor(dbPath, replicaId);
  let preRestore: BackupInfo | null = null;
  let damagedCopy: string | null = null;
  if (existsSync(dbPath)) {
    if (checkIntegrity(dbPath).ok) {
      const current = new Database(dbPath, { fileMustExist: true });
      try {
        preRestore = await createBackup(current, dir, 'pre-restore', now);
      } finally {
        current.close();
      }
    } else {
      mkdirSync(dir, { recursive: true });
      damagedCopy = join(dir, `damaged-${backupName(now, 'pre-restore').slice('replica-'.length)}`);
      renameSync(dbPath, damagedCopy);
      if (existsSync(`${dbPath}-wal`)) renameSync(`${dbPath}-wal`, `${damagedCopy}-wal`);
    }
  }
  const temp = `${dbPath}.restore-${process.pid}.partial`;
  try {
    copyFileSync(backupFile, temp);
    fsyncFile(temp);
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${dbPath}${suffix}`, { force: true });
    renameSync(temp, dbPath);
    fsyncDir(dirname(dbPath));
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return { preRestore, damagedCopy };
}
