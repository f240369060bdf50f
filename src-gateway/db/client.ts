import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';

/**
 * The central database: real PostgreSQL when a URL is given (DATABASE_URL), else embedded PGlite in
 * a data folder. The sync code speaks SQL through this small interface; drizzle provides the schema
 * and the migrations (drizzle/central, applied at open).
 */
export const CENTRAL_MIGRATIONS = fileURLToPath(new URL('../../drizzle/central', import.meta.url));

export type Row = Record<string, unknown>;
export type Sql = {
  query: <T extends Row = Row>(text: string, params?: unknown[]) => Promise<T[]>;
  /** Rows as arrays of values in select order: no objects to build (bulk reads). */
  rows: (text: string, params?: unknown[]) => Promise<unknown[][]>;
};
export type CentralDb = Sql & {
  kind: 'pglite' | 'postgres';
  /** Run `fn` in one transaction (READ COMMITTED unless asked); rolls back on any error. */
  tx: <T>(fn: (q: Sql) => Promise<T>, isolation?: 'read committed' | 'repeatable read') => Promise<T>;
  /** Bulk-load rows with COPY (MEASURED.md: 330k rows/s on PGlite, 580k on PostgreSQL). */
  copyIn: (table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>) => Promise<number>;
  close: () => Promise<void>;
};

// int8 as a JS number: our int8 values are ids, sequence numbers and epoch milliseconds (< 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return `"${s.replace(/"/g, '""')}"`;
}

function* csvChunks(
  rows: Iterable<readonly unknown[]>,
  rowsPerChunk: number,
): Generator<{ text: string; count: number }> {
  let lines: string[] = [];
  for (const r of rows) {
    lines.push(r.map(csvValue).join(','));
    if (lines.length >= rowsPerChunk) {
      yield { text: `${lines.join('\n')}\n`, count: lines.length };
      lines = [];
    }
  }
  if (lines.length) yield { text: `${lines.join('\n')}\n`, count: lines.length };
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not an identifier: ${name}`);
  return `"${name}"`;
}

async function openPglite(dataDir: string): Promise<CentralDb> {
  const db = await PGlite.create(dataDir);
  await migratePglite(drizzlePglite({ client: db }), { migrationsFolder: CENTRAL_MIGRATIONS });
  type Queryable = Pick<PGlite, 'query'>;
  const sqlOf = (q: Queryable): Sql => ({
    query: async <T extends Row>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
    rows: async (text: string, params?: unknown[]) =>
      (await q.query<unknown[]>(text, params, { rowMode: 'array' })).rows,
  });
  return {
    kind: 'pglite',
    ...sqlOf(db),
    tx: (fn) => db.transaction((t) => fn(sqlOf(t))),
    async copyIn(table, columns, rows) {
      let n = 0;
      for (const chunk of csvChunks(rows, 100_000)) {
        await db.query(
          `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
          [],
          {
            blob: new Blob([chunk.text]),
          },
        );
        n += chunk.count;
      }
      return n;
    },
    close: () => db.close(),
  };
}

async function openPostgres(url: string): Promise<CentralDb> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection that dies (the server restarts, an administrator ends it) is dropped and
  // replaced by the pool; without a listener its 'error' event would crash the gateway.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') console.error(`PostgreSQL: an idle connection failed: ${err.message}`);
  });
  await migratePg(drizzlePg({ client: pool }), { migrationsFolder: CENTRAL_MIGRATIONS });
  const sqlOf = (q: pg.Pool | pg.PoolClient): Sql => ({
    query: async <T extends Row>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
    rows: async (text: string, params?: unknown[]) =>
      (await q.query<unknown[]>({ text, values: params, rowMode: 'array' })).rows,
  });
  return {
    kind: 'postgres',
    ...sqlOf(pool),
    async tx(fn, isolation = 'read committed') {
      const client = await pool.connect();
      try {
        await client.query(
          `BEGIN ISOLATION LEVEL ${isolation === 'repeatable read' ? 'REPEATABLE READ' : 'READ COMMITTED'}`,
        );
        const result = await fn(sqlOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async copyIn(table, columns, rows) {
      const client = await pool.connect();
      let n = 0;
      try {
        const stream = client.query(
          copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        const done = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', reject);
        });
        for (const chunk of csvChunks(rows, 20_000)) {
          n += chunk.count;
          if (!stream.write(chunk.text)) await new Promise((r) => stream.once('drain', r));
        }
        stream.end();
        await done;
      } finally {
        client.release();
      }
      return n;
    },
    close: () => pool.end(),
  };
}

/** Open the central database: PostgreSQL at `databaseUrl`, or PGlite in `dataDir`. */
export async function openCentral(opts: { databaseUrl?: string; dataDir?: string }): Promise<CentralDb> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  if (!opts.dataDir) throw new Error('the gateway needs DATABASE_URL or a PGlite data folder');
  return openPglite(opts.dataDir);
}
