import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type Database from 'better-sqlite3';
import { Checksum, partitionOf, type Cell } from '../../src-shared/sync/checksum';
import { SYNCED_TABLES, type SyncedTable } from '../../src-shared/sync/tables';
import * as schema from '../db/schema';

/**
 * The replica's side of the wire format: the synced columns of each table (from the drizzle schema, in
 * schema order — the same order as the gateway's, see schema-parity.test.ts), and fast prepared
 * statements to apply pulled rows.
 */
const TABLES = new Map<string, SQLiteTable>();
for (const v of Object.values(schema)) {
  if (v && typeof v === 'object' && 'getSQL' in v) {
    try {
      TABLES.set(getTableName(v as SQLiteTable), v as SQLiteTable);
    } catch {
      // not a table
    }
  }
}

export function replicaColumns(t: SyncedTable): string[] {
  const table = TABLES.get(t.name);
  if (!table) throw new Error(`no replica table ${t.name}`);
  return Object.values(getTableColumns(table))
    .map((c) => c.name)
    .filter((c) => !(t.exclude ?? []).includes(c));
}

const q = (c: string) => `"${c}"`;

/** Prepared statements to upsert (newer versions only) and delete rows of one table. */
export class TableWriter {
  readonly columns: string[];
  private readonly upsertStmt: Database.Statement;
  private readonly forceStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly remap: number[] | null;

  constructor(
    db: Database.Database,
    readonly table: SyncedTable,
    incoming: readonly string[],
  ) {
    this.columns = replicaColumns(table);
    const missing = this.columns.filter((c) => !incoming.includes(c));
    const extra = incoming.filter((c) => !this.columns.includes(c));
    if (missing.length || extra.length) {
      throw new Error(
        `${table.name}: the gateway sends columns [${incoming.join(', ')}], the replica has [${this.columns.join(', ')}]`,
      );
    }
    this.remap = incoming.every((c, i) => this.columns[i] === c)
      ? null
      : this.columns.map((c) => incoming.indexOf(c));
    const cols = this.columns.map(q).join(', ');
    const holders = this.columns.map(() => '?').join(', ');
    const updates = this.columns
      .filter((c) => !table.pk.includes(c))
      .map((c) => `${q(c)} = excluded.${q(c)}`)
      .join(', ');
    const conflict = `ON CONFLICT (${table.pk.map(q).join(', ')}) DO UPDATE SET ${updates}`;
    this.upsertStmt = db.prepare(
      `INSERT INTO ${q(table.name)} (${cols}) VALUES (${holders}) ${conflict} WHERE excluded.row_version >= ${q(table.name)}.row_version`,
    );
    this.forceStmt = db.prepare(`INSERT INTO ${q(table.name)} (${cols}) VALUES (${holders}) ${conflict}`);
    this.insertStmt = db.prepare(`INSERT INTO ${q(table.name)} (${cols}) VALUES (${holders})`);
    this.deleteStmt = db.prepare(
      `DELETE FROM ${q(table.name)} WHERE ${table.pk.map((k) => `${q(k)} = ?`).join(' AND ')} AND row_version <= ?`,
    );
  }

  /** A row's values in the replica's column order (the checksums' order). */
  ordered(values: readonly unknown[]): unknown[] {
    return this.order(values);
  }

  private order(values: readonly unknown[]): unknown[] {
    const row: readonly unknown[] = values;
    if (!Array.isArray(values) || values.length !== this.columns.length) {
      throw new Error(
        `${this.table.name}: a row of ${Array.isArray(values) ? values.length : typeof values} values, expected ${this.columns.length}`,
      );
    }
    return this.remap ? this.remap.map((i) => row[i]) : (row as unknown[]);
  }

  /** The primary key of a row given in the incoming column order. */
  keyOf(values: readonly unknown[]): unknown[] {
    const v = this.order(values);
    return this.table.pk.map((k) => v[this.columns.indexOf(k)]);
  }

  /** Upsert a pulled row unless the replica already has a newer version. */
  upsert(values: readonly unknown[]): void {
    this.upsertStmt.run(this.order(values));
  }

  /** Insert a row into an emptied table (downloads). */
  insert(values: readonly unknown[]): void {
    this.insertStmt.run(this.order(values));
  }

  /** Write a row whatever version the replica has (repairs). */
  force(values: readonly unknown[]): void {
    this.forceStmt.run(this.order(values));
  }

  delete(key: readonly unknown[], rowVersion: number): void {
    this.deleteStmt.run(...key, rowVersion);
  }
}

/** Checksums of the replica's rows of each synced table, recomputed from the stored rows. */
export function replicaChecksums(
  db: Database.Database,
  tables: readonly SyncedTable[] = SYNCED_TABLES,
): Map<string, Checksum> {
  const out = new Map<string, Checksum>();
  for (const t of tables) {
    const c = new Checksum();
    const cols = replicaColumns(t);
    for (const row of db
      .prepare(`SELECT ${cols.map(q).join(', ')} FROM ${q(t.name)}`)
      .raw()
      .iterate())
      c.add(row as Cell[]);
    out.set(t.name, c);
  }
  return out;
}

/** Checksums of one table's partitions (by first key value). */
export function replicaPartitions(db: Database.Database, t: SyncedTable): Map<string, Checksum> {
  const out = new Map<string, Checksum>();
  const cols = replicaColumns(t);
  for (const row of db
    .prepare(`SELECT ${cols.map(q).join(', ')} FROM ${q(t.name)}`)
    .raw()
    .iterate()) {
    const values = row as Cell[];
    const p = partitionOf(values[0] as string | number);
    let c = out.get(p);
    if (!c) out.set(p, (c = new Checksum()));
    c.add(values);
  }
  return out;
}
