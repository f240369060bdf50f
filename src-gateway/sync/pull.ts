import { Checksum, partitionOf, type Cell } from '../../src-shared/sync/checksum';
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
  pkDesc: string;
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
    pkDesc: t.pk.map((k) => `t."${k}" DESC`).join(', '),
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
  const [r] = await q.rows(
    `SELECT coalesce(json_agg(json_build_array(${quoted}) ORDER BY ${p.pkList}), '[]')::text,
       count(*)::int, (array_agg(json_build_array(${p.pkList}) ORDER BY ${p.pkDesc}))[1]::text
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

/**
 * Count and checksum of every synced table in a scope, computed from the rows as they stand, with
 * the seq they are current at; or, for one table, the checksums of its partitions.
 */
export async function scopeChecksums(
  q: Sql,
  scope: ScopeRef,
): Promise<{ seq: number; tables: Array<{ table: string; count: number; sum: string }> }> {
  const seq = await head(q);
  const tables = [];
  for (const t of SYNCED_TABLES) {
    const sums = await tableChecksums(q, scope, t.name, false);
    const total = sums.get('') ?? new Checksum();
    tables.push({ table: t.name, count: total.count, sum: total.sum });
  }
  return { seq, tables };
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
