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
  /** The device's claimed time and the window start it was bounded by (DOMAIN.md, Time). */
  claimedAt?: number | null;
  windowFrom?: number | null;
  /** `before_lock`: accepted on an offline time before a lock that stands at receipt. */
  flag?: string | null;
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

/** Rows written, audited and logged per statement (arrays bound as parameters). */
const CHUNK = 2000;

/** Each column's SQL type, per table (read once from the catalogue): to bind typed key arrays. */
const columnTypes = new Map<string, Map<string, string>>();
async function typesOf(q: Sql, table: string): Promise<Map<string, string>> {
  let types = columnTypes.get(table);
  if (!types) {
    const rows = await q.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [table],
    );
    types = new Map(rows.map((r) => [r.name, r.type]));
    columnTypes.set(table, types);
  }
  return types;
}

/**
 * Delete rows of one table by their keys in one statement; returns the deleted rows (their old values)
 * in the order of the keys. Keys of rows not there are skipped.
 */
async function deleteRows(
  q: Sql,
  table: string,
  keys: ReadonlyArray<Readonly<Record<string, string | number>>>,
): Promise<WrittenRow[]> {
  const cols = Object.keys(keys[0] ?? {});
  const types = await typesOf(q, table);
  const arrays = cols.map((c) => keys.map((k) => k[c]));
  const typed = cols.map((c, i) => {
    const type = types.get(c);
    if (!type || !/^[a-z][a-z0-9 ]*$/.test(type)) throw new Error(`${table}.${c}: no column type`);
    return `$${i + 1}::${type}[]`;
  });
  const olds = await q.query(
    `DELETE FROM ${id(table)} WHERE (${cols.map(id).join(', ')}) IN (SELECT * FROM unnest(${typed.join(', ')}))
     RETURNING *`,
    arrays,
  );
  const keyText = (r: Readonly<Record<string, unknown>>) => cols.map((c) => String(r[c])).join('\u0000');
  const order = new Map(keys.map((k, i) => [keyText(k), i]));
  return olds
    .sort((a, b) => (order.get(keyText(a)) ?? 0) - (order.get(keyText(b)) ?? 0))
    .map((old) => ({ table, op: 'delete' as const, old, row: null }));
}

export async function writeCentral(
  q: Sql,
  changes: readonly CentralChange[],
  meta: WriteMeta,
): Promise<{ rows: WrittenRow[]; seqEnd: number }> {
  const written: WrittenRow[] = [];
  for (let i = 0; i < changes.length;) {
    const c = changes[i];
    const t = syncedTable(c.table);
    if (!t) throw new Error(`${c.table} is not synced`);
    if (c.set === null) {
      // A run of deletes of one table (a purge deletes a year's rows): one statement a chunk.
      let j = i + 1;
      while (j < changes.length && j - i < CHUNK && changes[j].set === null && changes[j].table === c.table)
        j++;
      written.push(
        ...(await deleteRows(
          q,
          c.table,
          changes.slice(i, j).map((x) => x.key),
        )),
      );
      i = j;
      continue;
    }
    i += 1;
    const old = await lockRow(q, c.table, c.key);
    const values: Record<string, unknown> = { ...c.set, updated_at: meta.at, updated_by: meta.userId };
    const cols = Object.keys(values);
    let row: Row | undefined;
    if (old) {
      const set = cols.map((k, n) => `${id(k)} = $${n + 1}`).join(', ');
      const kw = keyWhere(c.key, cols.length + 1);
      [row] = await q.query(
        `UPDATE ${id(c.table)} SET ${set}, row_version = row_version + 1 WHERE ${kw.where} RETURNING *`,
        [...cols.map((k) => values[k]), ...kw.params],
      );
    } else {
      const all = { ...c.key, ...values, row_version: 1 };
      const names = Object.keys(all);
      [row] = await q.query(
        `INSERT INTO ${id(c.table)} (${names.map(id).join(', ')}) VALUES (${names.map((_, n) => `$${n + 1}`).join(', ')}) RETURNING *`,
        names.map((k) => (all as Record<string, unknown>)[k]),
      );
    }
    written.push({ table: c.table, op: 'upsert', old, row: row ?? null });
  }
  for (let from = 0; from < written.length; from += CHUNK) {
    const part = written.slice(from, from + CHUNK);
    await q.query(
      `INSERT INTO central_audit (at, edit_time, user_id, device_id, mutation_id, outcome, entity, entity_key, old_value, new_value, reason, claimed_at, window_from, flag)
       SELECT $1, $2, $3, $4, $5, $6, u.e, u.k, u.o::jsonb, u.n::jsonb, $7, $12, $13, $14
       FROM unnest($8::text[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY AS u(e, k, o, n, i) ORDER BY u.i`,
      [
        meta.at,
        meta.editTime ?? null,
        meta.userId,
        meta.deviceId ?? null,
        meta.mutationId ?? null,
        meta.outcome ?? 'APPLIED',
        meta.reason ?? null,
        part.map((r) => r.table),
        part.map((r) => JSON.stringify(keyOf(r))),
        part.map((r) => (r.old === null ? null : JSON.stringify(r.old))),
        part.map((r) => (r.row === null ? null : JSON.stringify(r.row))),
        meta.claimedAt ?? null,
        meta.windowFrom ?? null,
        meta.flag ?? null,
      ],
    );
  }
  if (written.length === 0) return { rows: written, seqEnd: 0 };
  const scopes: string[][] = [];
  const found = new Map<string, string[]>();
  for (const r of written) scopes.push(await rowScopes(q, r.table, (r.row ?? r.old) as Row, found));
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
  const end = Number(counter.seq);
  const first = end - written.length + 1;
  for (let from = 0; from < written.length; from += CHUNK) {
    const part = written.slice(from, from + CHUNK);
    // Scopes travel joined by commas (an array of arrays would be flattened by unnest); none has one.
    await q.query(
      `INSERT INTO change_log (seq, tx_end, entity, pk, op, row_version, data, scopes, at)
       SELECT u.s, $1, u.e, u.p, u.o, u.v, u.d::jsonb, string_to_array(u.sc, ','), $2
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]) AS u(s, e, p, o, v, d, sc)`,
      [
        end,
        meta.at,
        part.map((_, n) => first + from + n),
        part.map((r) => r.table),
        part.map((r) => JSON.stringify(keyOf(r))),
        part.map((r) => r.op),
        part.map((r) => (r.row ? Number(r.row.row_version) : Number((r.old as Row).row_version) + 1)),
        part.map((r) => (r.row ? JSON.stringify(rowValues(r.table, r.row)) : null)),
        part.map((_, n) => (scopes[from + n] ?? []).join(',')),
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
