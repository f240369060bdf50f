import { rowDigest, type Cell } from '../../src-shared/sync/checksum';
import { syncedTable } from '../../src-shared/sync/tables';
import type { Row, Sql } from '../db/client';
import { syncedColumns } from '../db/tables';
import { changesMembership, rowScopes } from './scopes';

/**
 * The central write path: every change of a synced table goes through `writeCentral`, inside the
 * caller's transaction. It locks and changes the rows (bumping rowVersion), audits them, and — as the
 * last step before commit — takes a range of seq from the single counter row and appends the change
 * log entries. Holding the counter row until commit serializes writers at that point, so seq order is
 * commit order (SYNC.md: a bare sequence would let a client skip a row).
 */
export type CentralChange = {
  table: string;
  key: Readonly<Record<string, string | number>>;
  /** New column values; null deletes the row. */
  set: Readonly<Record<string, unknown>> | null;
};

export type WriteMeta = {
  at: number;
  userId: number | null;
  deviceId?: string | null;
  mutationId?: string | null;
  editTime?: number | null;
  reason?: string | null;
  outcome?: string;
};

export type WrittenRow = { table: string; op: 'upsert' | 'delete'; old: Row | null; row: Row | null };

const IDENT = /^[a-z_][a-z0-9_]*$/;
function id(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not an identifier: ${name}`);
  return `"${name}"`;
}

function keyWhere(
  key: Readonly<Record<string, string | number>>,
  from = 1,
): { where: string; params: unknown[] } {
  const cols = Object.keys(key);
  return {
    where: cols.map((c, i) => `${id(c)} = $${from + i}`).join(' AND '),
    params: cols.map((c) => key[c]),
  };
}

/** Read a row for update (it stays locked to the end of the transaction). */
export async function lockRow(
  q: Sql,
  table: string,
  key: Readonly<Record<string, string | number>>,
): Promise<Row | null> {
  const w = keyWhere(key);
  const rows = await q.query(`SELECT * FROM ${id(table)} WHERE ${w.where} FOR UPDATE`, w.params);
  return rows[0] ?? null;
}

/** The values of a row in the synced columns' order, as the wire format and the checksums take them. */
export function rowValues(table: string, row: Row): unknown[] {
  const t = syncedTable(table);
  if (!t) throw new Error(`${table} is not synced`);
  return syncedColumns(t).map((c) => row[c] ?? null);
}

export async function writeCentral(
  q: Sql,
  changes: readonly CentralChange[],
  meta: WriteMeta,
): Promise<{ rows: WrittenRow[]; seqEnd: number }> {
  const written: WrittenRow[] = [];
  for (const c of changes) {
    const t = syncedTable(c.table);
    if (!t) throw new Error(`${c.table} is not synced`);
    const old = await lockRow(q, c.table, c.key);
    const w = keyWhere(c.key);
    if (c.set === null) {
      if (!old) continue;
      await q.query(`DELETE FROM ${id(c.table)} WHERE ${w.where}`, w.params);
      written.push({ table: c.table, op: 'delete', old, row: null });
      continue;
    }
    const values: Record<string, unknown> = { ...c.set, updated_at: meta.at, updated_by: meta.userId };
    const cols = Object.keys(values);
    let row: Row | undefined;
    if (old) {
      const set = cols.map((k, i) => `${id(k)} = $${i + 1}`).join(', ');
      const kw = keyWhere(c.key, cols.length + 1);
      [row] = await q.query(
        `UPDATE ${id(c.table)} SET ${set}, row_version = row_version + 1 WHERE ${kw.where} RETURNING *`,
        [...cols.map((k) => values[k]), ...kw.params],
      );
    } else {
      const all = { ...c.key, ...values, row_version: 1 };
      const names = Object.keys(all);
      [row] = await q.query(
        `INSERT INTO ${id(c.table)} (${names.map(id).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
        names.map((k) => (all as Record<string, unknown>)[k]),
      );
    }
    written.push({ table: c.table, op: 'upsert', old, row: row ?? null });
  }
  for (const r of written) {
    await q.query(
      `INSERT INTO central_audit (at, edit_time, user_id, device_id, mutation_id, outcome, entity, entity_key, old_value, new_value, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        meta.at,
        meta.editTime ?? null,
        meta.userId,
        meta.deviceId ?? null,
        meta.mutationId ?? null,
        meta.outcome ?? 'APPLIED',
        r.table,
        JSON.stringify(keyOf(r)),
        r.old === null ? null : JSON.stringify(r.old),
        r.row === null ? null : JSON.stringify(r.row),
        meta.reason ?? null,
      ],
    );
  }
  if (written.length === 0) return { rows: written, seqEnd: 0 };
  const scopes = [];
  for (const r of written) scopes.push(await rowScopes(q, r.table, (r.row ?? r.old) as Row));
  // The maintained checksums of every scope of each row: old row's hash out, new row's in.
  const d: { scope: string[]; tbl: string[]; n: number[]; lo: number[]; hi: number[] } = {
    scope: [],
    tbl: [],
    n: [],
    lo: [],
    hi: [],
  };
  let membership = 0;
  for (const [i, r] of written.entries()) {
    if (changesMembership(r.table, r.old, r.row)) membership = 1;
    const [nl, nh] = r.row ? rowDigest(rowValues(r.table, r.row) as Cell[]) : [0, 0];
    const [ol, oh] = r.old ? rowDigest(rowValues(r.table, r.old) as Cell[]) : [0, 0];
    for (const scope of scopes[i] ?? []) {
      d.scope.push(scope);
      d.tbl.push(r.table);
      d.n.push((r.row ? 1 : 0) - (r.old ? 1 : 0));
      d.lo.push(nl - ol);
      d.hi.push(nh - oh);
    }
  }
  await q.query(
    `INSERT INTO checksum_deltas (scope, tbl, n, lo, hi)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])`,
    [d.scope, d.tbl, d.n, d.lo, d.hi],
  );
  // Last: the seq range. The counter row stays locked until commit.
  const [counter] = await q.query<{ seq: number }>(
    'UPDATE sync_counter SET seq = seq + $1, scopes_gen = scopes_gen + $2 WHERE id = 1 RETURNING seq',
    [written.length, membership],
  );
  if (!counter) throw new Error('sync_counter is missing');
  const end = counter.seq;
  for (const [i, r] of written.entries()) {
    const current = (r.row ?? r.old) as Row;
    await q.query(
      `INSERT INTO change_log (seq, tx_end, entity, pk, op, row_version, data, scopes, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        end - written.length + 1 + i,
        end,
        r.table,
        JSON.stringify(keyOf(r)),
        r.op,
        r.row ? Number(r.row.row_version) : Number(current.row_version) + 1,
        r.row ? JSON.stringify(rowValues(r.table, r.row)) : null,
        scopes[i],
        meta.at,
      ],
    );
  }
  return { rows: written, seqEnd: end };
}

/** The primary key values of a written row, in the catalogue's key order. */
export function keyOf(r: WrittenRow): Array<string | number> {
  const t = syncedTable(r.table);
  const row = (r.row ?? r.old) as Row;
  return (t?.pk ?? []).map((k) => row[k] as string | number);
}
