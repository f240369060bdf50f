import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
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
};

/**
 * Open a replica: WAL, synchronous=FULL (SYNC.md: each pulled page and its cursor must survive a
 * crash), foreign keys on, then apply the generated migrations.
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
  if (!opts.readonly) migrate(db, { migrationsFolder: opts.migrationsFolder ?? LOCAL_MIGRATIONS });
  return db;
}
