import { getTableColumns, getTableName } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as replica from '../../src-main/db/schema';
import { replicaColumns } from '../../src-main/sync/rows';
import { allColumns, syncedColumns } from '../../src-gateway/db/tables';
import { SYNCED_TABLES } from '../../src-shared/sync/tables';

const replicaTable = (name: string) => {
  const t = Object.values(replica).find(
    (v) => typeof v === 'object' && v !== null && 'getSQL' in v && getTableName(v as never) === name,
  );
  if (!t) throw new Error(`no replica table ${name}`);
  return t as never;
};

/** ARCHITECTURE.md, rule 7: the synced tables of both schemas are held in parity by a test. */
describe('schema parity', () => {
  it('every synced table has the same columns, in the same order, in the replica and centrally', () => {
    for (const t of SYNCED_TABLES) {
      const r = replicaColumns(t);
      expect(r, t.name).toEqual(syncedColumns(t));
      // Partitions and keys start at the first column.
      expect(r[0], t.name).toBe(t.pk[0]);
      expect(r).toEqual(expect.arrayContaining(['row_version', 'updated_at', 'updated_by']));
    }
  });

  it('the column catalogue in src-shared names exactly both schemas’ columns, in order', () => {
    for (const t of SYNCED_TABLES) {
      const local = Object.values(getTableColumns(replicaTable(t.name))).map(
        (c) => (c as { name: string }).name,
      );
      expect([...t.columns], t.name).toEqual(local);
      expect([...t.columns], t.name).toEqual(allColumns(t.name));
      expect(
        t.pk.every((k) => t.columns.includes(k)),
        t.name,
      ).toBe(true);
    }
  });

  it('every replica table with sync columns is in the sync catalogue', () => {
    const versioned = Object.values(replica)
      .filter((v) => typeof v === 'object' && v !== null && 'getSQL' in v)
      .filter((v) =>
        Object.values(getTableColumns(v as never)).some(
          (c) => (c as { name: string }).name === 'row_version',
        ),
      )
      .map((v) => getTableName(v as never))
      .sort();
    expect(versioned).toEqual(SYNCED_TABLES.map((t) => t.name).sort());
  });
});
