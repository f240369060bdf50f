import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { SYNCED_TABLES, type SyncedTable } from '../../src-shared/sync/tables';
import * as synced from './schema/synced';

/** The central drizzle table of each synced table, and its columns in schema order. */
const BY_NAME = new Map<string, PgTable>(Object.values(synced).map((t) => [getTableName(t), t]));

export function centralTable(name: string): PgTable {
  const t = BY_NAME.get(name);
  if (!t) throw new Error(`no central table ${name}`);
  return t;
}

/** All columns of a central table, in schema order (the order of the wire format and checksums). */
export function allColumns(name: string): string[] {
  return Object.values(getTableColumns(centralTable(name))).map((c) => c.name);
}

/** The columns that travel to replicas (without `exclude`). */
export function syncedColumns(t: SyncedTable): string[] {
  return allColumns(t.name).filter((c) => !(t.exclude ?? []).includes(c));
}

export const CENTRAL_SYNCED = SYNCED_TABLES;
