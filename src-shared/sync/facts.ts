/**
 * Fact loaders written once for both sides (issue 13): a mutation's loader is a generator that yields
 * the queries it needs and receives their rows, so the same code reads the replica (better-sqlite3,
 * synchronously, `src-main/sync/facts-sqlite.ts`) and the central database (PostgreSQL or PGlite,
 * asynchronously, `src-gateway/sync/facts-pg.ts`). Pure: the loaders only build SQL text and shape rows.
 *
 * The SQL must mean the same on SQLite and PostgreSQL: `?` placeholders (the gateway numbers them), no
 * casts, no booleans in select lists (SQLite has none: compare with 0/1 columns, count instead of
 * EXISTS), no `?` inside string literals. `lock` asks the gateway to lock the rows read (`FOR UPDATE`)
 * until its transaction ends — the replica has one writer and ignores it.
 */
export type Query = { sql: string; params: readonly unknown[]; lock?: boolean };

/** A loader: yields queries, receives each one's rows, returns the facts. */
export type Load<T> = Generator<Query, T, unknown[]>;

/** Rows of a query. */
export function* rows<R>(sql: string, params: readonly unknown[] = [], lock = false): Load<R[]> {
  const got = yield { sql, params, lock };
  return got as R[];
}

/** The first row of a query, or null. */
export function* one<R>(sql: string, params: readonly unknown[] = [], lock = false): Load<R | null> {
  const got = yield* rows<R>(sql, params, lock);
  return got[0] ?? null;
}

/** A loader that needs no query. */
// eslint-disable-next-line require-yield
export function* just<T>(value: T): Load<T> {
  return value;
}

/** Which side a loader runs on: a few facts exist only centrally (what a purge deletes). */
export type Side = 'desktop' | 'gateway';

/** A stored row as a loader reads it (`SELECT *`). */
export type StoredRow = Record<string, unknown>;
