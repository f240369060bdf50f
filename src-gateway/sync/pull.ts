import { Checksum, checksumOf, partitionOf, type Cell } from '../../src-shared/sync/checksum';
import { syncedTable, SYNCED_TABLES, type ScopeRef, scopeKey } from '../../src-shared/sync/tables';
import type { LogEntry, PullResponse, SnapshotResponse } from '../../src-shared/sync/wire';
import type { Sql } from '../db/client';
import { syncedColumns } from '../db/tables';
import { scopeFilter } from './scopes';

/**
 * Pull (SYNC.md): the change log after a cursor, and the snapshot of current rows for a first sync or a
 * resync. A first sync reads `head` (the last committed seq), downloads every table's rows in pages,
 * then pulls the log from that head: rows changed meanwhile come again and are applied by version.
 */
export class MustResync extends Error {}

export async function head(q: Sql): Promise<number> {
  const [c] = await q.query<{ seq: number }>('SELECT seq FROM sync_counter WHERE id = 1');
  return c?.seq ?? 0;
}

/** Log entries of a scope after `after`, at most about `limit`, ending on a transaction boundary. */
export async function pullLog(q: Sql, scope: ScopeRef, after: number, limit: number): Promise<PullResponse> {
  const [c] = await q.query<{ seq: number; pruned: number }>(
    'SELECT seq, pruned_through AS pruned FROM sync_counter WHERE id = 1',
  );
  const top = c?.seq ?? 0;
  if (after < (c?.pruned ?? 0) || after > top)
    throw new MustResync(`cursor ${after} is outside the retained log`);
  const match = scope.kind === 'university' ? 'TRUE' : 'scopes && $4::text[]';
  const params: unknown[] = [after, top, limit];
  if (scope.kind !== 'university') params.push([scopeKey(scope), '*']);
  const rows = await q.query<{
    seq: number;
    txEnd: number;
    entity: string;
    pk: string;
    op: 'upsert' | 'delete';
    rowVersion: number;
    data: unknown[] | null;
  }>(
    `SELECT seq, tx_end AS "txEnd", entity, pk, op, row_version AS "rowVersion", data FROM change_log
     WHERE seq > $1 AND seq <= $2 AND ${match} ORDER BY seq LIMIT $3`,
    params,
  );
  let next = top;
  let hasMore = false;
  if (rows.length === limit) {
    const last = rows[rows.length - 1];
    if (last) {
      // Complete the last transaction, so a page never ends inside one.
      if (last.txEnd > last.seq) {
        const rest = await q.query<(typeof rows)[number]>(
          `SELECT seq, tx_end AS "txEnd", entity, pk, op, row_version AS "rowVersion", data FROM change_log
           WHERE seq > $1 AND seq <= $2 AND ${match.replace('$4', '$3')} ORDER BY seq`,
          scope.kind === 'university'
            ? [last.seq, last.txEnd]
            : [last.seq, last.txEnd, [scopeKey(scope), '*']],
        );
        rows.push(...rest);
      }
      next = last.txEnd;
      hasMore = next < top;
    }
  }
  const columns: Record<string, string[]> = {};
  const entries: LogEntry[] = rows.map((r) => {
    const t = syncedTable(r.entity);
    if (t && !columns[r.entity]) columns[r.entity] = syncedColumns(t);
    return [
      r.seq,
      r.entity,
      r.op,
      r.rowVersion,
      r.op === 'delete' ? (JSON.parse(r.pk) as unknown[]) : (r.data ?? []),
    ];
  });
  return { columns, entries, next, hasMore };
}

type PageQuery = {
  sql: string;
  params: unknown[];
  cols: string[];
  keyAt: number[];
  pkList: string;
};

/** The SQL of one page of a table's current rows in a scope, by primary key after `after`. */
function pageQuery(
  scope: ScopeRef,
  table: string,
  after: ReadonlyArray<string | number> | null,
  limit: number,
  partition?: string,
): PageQuery {
  const t = syncedTable(table);
  if (!t) throw new Error(`${table} is not synced`);
  const cols = syncedColumns(t);
  const f = scopeFilter(table, scope);
  const params = [...f.params];
  let keyCond = 'TRUE';
  if (partition) {
    // The rows of one partition (see partitionOf): a range of 1024 numeric keys, or a text prefix.
    const first = `t."${t.pk[0] ?? ''}"`;
    if (partition.startsWith('n')) {
      params.push(Number(partition.slice(1)) * 1024, (Number(partition.slice(1)) + 1) * 1024);
      keyCond = `${first} >= $${params.length - 1} AND ${first} < $${params.length}`;
    } else {
      params.push(partition.slice(1));
      keyCond = `left(${first}, 2) = $${params.length}`;
    }
  }
  if (after) {
    const holders = after.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    keyCond += ` AND (${t.pk.map((k) => `t."${k}"`).join(', ')}) > (${holders.join(', ')})`;
  }
  params.push(limit);
  const pkList = t.pk.map((k) => `t."${k}"`).join(', ');
  return {
    sql: `SELECT ${cols.map((c) => `t."${c}"`).join(', ')} FROM "${table}" t WHERE ${f.where} AND ${keyCond}
      ORDER BY ${pkList} LIMIT $${params.length}`,
    params,
    cols,
    keyAt: t.pk.map((k) => cols.indexOf(k)),
    pkList,
  };
}

/** One page of a table's current rows in a scope, as values (for checksums and tests). */
export async function snapshotPage(
  q: Sql,
  scope: ScopeRef,
  table: string,
  after: ReadonlyArray<string | number> | null,
  limit: number,
  partition?: string,
): Promise<SnapshotResponse> {
  const p = pageQuery(scope, table, after, limit, partition);
  const values = await q.rows(p.sql, p.params);
  const last = values[values.length - 1];
  return {
    table,
    columns: p.cols,
    rows: values,
    next: values.length === limit && last ? p.keyAt.map((i) => last[i] as string | number) : null,
  };
}

/**
 * The same page as the JSON text of the wire answer, built by PostgreSQL itself (`json_agg`): the
 * gateway passes it on without turning every value into a JavaScript object and back — the download's
 * hot path.
 */
export async function snapshotPageJson(
  q: Sql,
  scope: ScopeRef,
  table: string,
  after: ReadonlyArray<string | number> | null,
  limit: number,
  partition?: string,
): Promise<{ body: string; next: string | null }> {
  const p = pageQuery(scope, table, after, limit, partition);
  const quoted = p.cols.map((c) => `t."${c}"`).join(', ');
  // The rows' order within a page does not matter to the replica; the next page starts after the
  // largest key (keys are one column, or whole numbers compared as an array): no second sort.
  const t = syncedTable(table);
  const lastKey =
    t && t.pk.length > 1
      ? `array_to_json(max(ARRAY[${p.pkList}]))::text`
      : `json_build_array(max(${p.pkList}))::text`;
  const [r] = await q.rows(
    `SELECT coalesce(json_agg(json_build_array(${quoted})), '[]')::text, count(*)::int, ${lastKey}
     FROM (${p.sql}) t`,
    p.params,
  );
  const [rows, count, last] = (r ?? ['[]', 0, null]) as [string, number, string | null];
  const next = count === limit && last ? last : null;
  return {
    body: `{"table":${JSON.stringify(table)},"columns":${JSON.stringify(p.cols)},"rows":${rows},"next":${next ?? 'null'}}`,
    next,
  };
}

/** Compact a scope's checksum deltas into one row per table once there are more than this. */
const COMPACT_AFTER = 2000;

/**
 * Count and checksum of every synced table in a scope, with the seq they are current at. Read from
 * the maintained deltas (run it in a repeatable-read transaction: the head and the deltas are then
 * one snapshot); where a scope has no base at the current membership generation, the base is first
 * computed from the rows and stored.
 */
export async function scopeChecksums(
  q: Sql,
  scope: ScopeRef,
): Promise<{ seq: number; tables: Array<{ table: string; count: number; sum: string }> }> {
  const [c] = await q.query<{ seq: number; gen: number }>(
    'SELECT seq, scopes_gen AS gen FROM sync_counter WHERE id = 1',
  );
  const seq = Number(c?.seq ?? 0);
  const gen = Number(c?.gen ?? 0);
  const key = scopeKey(scope);
  const bases = await q.query<{ scope: string; gen: number }>(
    'SELECT scope, gen FROM checksum_bases WHERE scope = ANY($1::text[])',
    [[key, '*']],
  );
  const built = (k: string) => bases.some((b) => b.scope === k && Number(b.gen) === gen);
  if (!built(key) || !built('*')) return { seq, tables: await buildBase(q, scope, gen) };
  const rows = await q.query<{ scope: string; tbl: string; n: string; lo: string; hi: string; k: string }>(
    `SELECT scope, tbl, sum(n)::text AS n, sum(lo)::text AS lo, sum(hi)::text AS hi, count(*)::text AS k
     FROM checksum_deltas WHERE scope = ANY($1::text[]) GROUP BY scope, tbl`,
    [[key, '*']],
  );
  const sums = new Map<string, { count: number; sum: string }>();
  for (const r of rows) {
    if ((r.scope === '*') !== (syncedTable(r.tbl)?.kind === 'ref')) continue;
    sums.set(r.tbl, checksumOf(Number(r.n), BigInt(r.lo), BigInt(r.hi)));
  }
  const tables = SYNCED_TABLES.map((t) => ({
    table: t.name,
    ...(sums.get(t.name) ?? { count: 0, sum: '0'.repeat(16) }),
  }));
  if (rows.reduce((n, r) => n + Number(r.k), 0) > COMPACT_AFTER) {
    await bestEffort(q, async () => {
      await q.query('DELETE FROM checksum_deltas WHERE scope = ANY($1::text[])', [[key, '*']]);
      await insertSums(q, key, tables);
    });
  }
  return { seq, tables };
}

/** Replace a scope's deltas by sums computed from its rows, and mark its base current. */
async function buildBase(
  q: Sql,
  scope: ScopeRef,
  gen: number,
): Promise<Array<{ table: string; count: number; sum: string }>> {
  const tables: Array<{ table: string; count: number; sum: string }> = [];
  for (const t of SYNCED_TABLES) {
    const sums = await tableChecksums(q, scope, t.name, false);
    const total = sums.get('') ?? new Checksum();
    tables.push({ table: t.name, count: total.count, sum: total.sum });
  }
  const key = scopeKey(scope);
  await bestEffort(q, async () => {
    await q.query('DELETE FROM checksum_deltas WHERE scope = ANY($1::text[])', [[key, '*']]);
    await insertSums(q, key, tables);
    await q.query(
      `INSERT INTO checksum_bases (scope, gen) VALUES ($1, $3), ($2, $3)
       ON CONFLICT (scope) DO UPDATE SET gen = excluded.gen`,
      [key, '*', gen],
    );
  });
  return tables;
}

/**
 * Storing sums is an optimisation: when a concurrent reader of the same scope stored them first (a
 * serialization failure in this repeatable-read transaction), the answer stands and the store is
 * rolled back to a savepoint.
 */
async function bestEffort(q: Sql, store: () => Promise<void>): Promise<void> {
  await q.query('SAVEPOINT checksum_store');
  try {
    await store();
    await q.query('RELEASE SAVEPOINT checksum_store');
  } catch {
    await q.query('ROLLBACK TO SAVEPOINT checksum_store');
  }
}

async function insertSums(
  q: Sql,
  key: string,
  tables: ReadonlyArray<{ table: string; count: number; sum: string }>,
): Promise<void> {
  const v = tables.map((t) => ({
    scope: syncedTable(t.table)?.kind === 'ref' ? '*' : key,
    tbl: t.table,
    n: t.count,
    lo: Number.parseInt(t.sum.slice(8), 16),
    hi: Number.parseInt(t.sum.slice(0, 8), 16),
  }));
  await q.query(
    `INSERT INTO checksum_deltas (scope, tbl, n, lo, hi)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])`,
    [v.map((x) => x.scope), v.map((x) => x.tbl), v.map((x) => x.n), v.map((x) => x.lo), v.map((x) => x.hi)],
  );
}

export async function tableChecksums(
  q: Sql,
  scope: ScopeRef,
  table: string,
  byPartition: boolean,
): Promise<Map<string, Checksum>> {
  const out = new Map<string, Checksum>();
  let after: ReadonlyArray<string | number> | null = null;
  for (;;) {
    const page = await snapshotPage(q, scope, table, after, 20_000);
    for (const r of page.rows) {
      const key = byPartition ? partitionOf(r[0] as string | number) : '';
      let c = out.get(key);
      if (!c) out.set(key, (c = new Checksum()));
      c.add(r as Cell[]);
    }
    if (!page.next) break;
    after = page.next;
  }
  return out;
}
