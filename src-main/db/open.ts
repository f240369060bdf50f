import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { backupDirFor, createBackupSync, ensureReplicaId } from './backup';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the generated migrations of the replica live (also right for the electron-vite bundle in out/main). */
export const LOCAL_MIGRATIONS = fileURLToPath(new URL('../../drizzle/local', import.meta.url));

export type OpenOptions = {
  /** Open without writing (no migrations). */
  readonly?: boolean;
  /** Fast settings for a one-off bulk load into a new file (no journal; the caller renames on success). */
  bulkLoad?: boolean;
  migrationsFolder?: string;
  /**
   * Where the `pre-migration` backup goes when the file holds data and migrations are pending (default:
   * `backups/` beside the file; null: none, for files made from scratch).
   */
  backupDir?: string | null;
  /** The time the backup is named by (default: the wall clock). */
  now?: number;
};

/**
 * Migrations of the journal (drizzle/local/meta/_journal.json) not yet applied to the file: drizzle
 * applies every migration newer than the newest row of `__drizzle_migrations`, and so counts this.
 */
export function pendingMigrations(
  sqlite: Database.Database,
  migrationsFolder: string = LOCAL_MIGRATIONS,
): number {
  const all = readMigrationFiles({ migrationsFolder });
  const table = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  const last = table
    ? (sqlite.prepare('SELECT max(created_at) AS t FROM __drizzle_migrations').get() as { t: number | null })
        .t
    : null;
  return all.filter((m) => last === null || Number(last) < m.folderMillis).length;
}

/** Whether the file holds any table of ours (a new, empty file does not need a backup). */
function hasData(sqlite: Database.Database): boolean {
  return (
    sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")
      .get() !== undefined
  );
}

/**
 * Open a replica: WAL, synchronous=FULL (SYNC.md: each pulled page and its cursor must survive a
 * crash), foreign keys on, then apply the generated migrations — after a `pre-migration` backup when
 * the file already holds data and some are pending.
 */
export function openReplica(file: string, opts: OpenOptions = {}): Db {
  const sqlite = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
  });
  sqlite.pragma('busy_timeout = 5000');
  if (opts.bulkLoad) {
    sqlite.pragma('journal_mode = OFF');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('cache_size = -262144');
    sqlite.pragma('temp_store = MEMORY');
  } else if (!opts.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  if (!opts.readonly) {
    const migrationsFolder = opts.migrationsFolder ?? LOCAL_MIGRATIONS;
    // Issue 14: the replica's own id, before any backup of it (each backup carries it).
    const replicaId = opts.bulkLoad ? null : ensureReplicaId(sqlite, opts.now ?? Date.now());
    // Issue 7: a copy before every migration of a replica that holds data, to go back to if it fails.
    if (
      opts.backupDir !== null &&
      !opts.bulkLoad &&
      hasData(sqlite) &&
      pendingMigrations(sqlite, migrationsFolder) > 0
    ) {
      const dir =
        opts.backupDir ?? (replicaId ? backupDirFor(file, replicaId) : join(dirname(file), 'backups'));
      createBackupSync(sqlite, dir, 'pre-migration', opts.now ?? Date.now());
    }
    migrate(db, { migrationsFolder });
    if (!opts.bulkLoad && !replicaId) ensureReplicaId(sqlite, opts.now ?? Date.now());
  }
  return db;
}
