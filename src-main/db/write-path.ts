import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { uuidv7 } from '../../src-shared/ids';
import {
  MUTATIONS,
  SCHEMA_VERSION,
  type MutationArgs,
  type MutationName,
} from '../../src-shared/sync/mutations';
import type { Db } from './open';

/**
 * The one write path (ARCHITECTURE.md, Conventions that sync depends on): every local edit goes through
 * `writeLocal`, which in ONE SQLite transaction changes the rows, appends their audit entries and
 * queues the outbox mutation. No other code writes synced tables; pull applies pages by its own path.
 */

type Value = string | number | null;

/** One row change of a mutation: `set` null deletes the row; otherwise it is updated or inserted. */
export type RowChange = {
  table: string;
  key: Readonly<Record<string, string | number>>;
  set: Readonly<Record<string, Value>> | null;
};

export type LocalMutation<N extends MutationName = MutationName> = {
  name: N;
  args: MutationArgs<N>;
  /** The row version the edit was based on (SYNC.md: the server compares it). */
  baseVersion: number | null;
  changes: RowChange[];
  reason?: string;
};

export type Actor = { userId: number; deviceId: string; now: number };

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not an identifier: ${name}`);
  return `"${name}"`;
}

function where(key: Readonly<Record<string, string | number>>): { sql: string; params: Value[] } {
  const cols = Object.keys(key);
  if (cols.length === 0) throw new Error('a row change needs a key');
  return { sql: cols.map((c) => `${ident(c)} = ?`).join(' AND '), params: cols.map((c) => key[c] as Value) };
}

function applyChange(
  sqlite: Database.Database,
  c: RowChange,
  actor: Actor,
): { op: 'insert' | 'update' | 'delete'; old: unknown; now: unknown } | null {
  const w = where(c.key);
  const select = sqlite.prepare(`SELECT * FROM ${ident(c.table)} WHERE ${w.sql}`);
  const old = select.get(...w.params) ?? null;
  if (c.set === null) {
    if (!old) return null;
    sqlite.prepare(`DELETE FROM ${ident(c.table)} WHERE ${w.sql}`).run(...w.params);
    return { op: 'delete', old, now: null };
  }
  const values: Record<string, Value> = { ...c.set, updated_at: actor.now, updated_by: actor.userId };
  const cols = Object.keys(values);
  if (old) {
    sqlite
      .prepare(`UPDATE ${ident(c.table)} SET ${cols.map((k) => `${ident(k)} = ?`).join(', ')} WHERE ${w.sql}`)
      .run(...cols.map((k) => values[k]), ...w.params);
  } else {
    // A row new to this replica: row_version 0 until the gateway gives it one.
    const row: Record<string, Value> = { ...c.key, row_version: 0, ...values };
    const all = Object.keys(row);
    sqlite
      .prepare(
        `INSERT INTO ${ident(c.table)} (${all.map(ident).join(', ')}) VALUES (${all.map(() => '?').join(', ')})`,
      )
      .run(...all.map((k) => row[k]));
  }
  return { op: old ? 'update' : 'insert', old, now: select.get(...w.params) };
}

/**
 * Apply local edits, each with its audit entries and its outbox mutation, all in one transaction:
 * either everything is written or nothing is. Returns the mutation ids in order.
 */
export function writeLocal(db: Db, actor: Actor, mutations: readonly LocalMutation[]): string[] {
  const sqlite = db.$client;
  const audit =
    sqlite.prepare(`INSERT INTO audit_log (at, user_id, device_id, entity, entity_key, op, old_value, new_value, reason, mutation_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const outbox =
    sqlite.prepare(`INSERT INTO outbox (mutation_id, device_id, user_id, name, args, base_version, schema_version, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  return sqlite.transaction(() =>
    mutations.map((m) => {
      const args = MUTATIONS[m.name].parse(m.args);
      const mutationId = uuidv7(actor.now, randomBytes(10));
      for (const c of m.changes) {
        const done = applyChange(sqlite, c, actor);
        if (!done) continue;
        audit.run(
          actor.now,
          actor.userId,
          actor.deviceId,
          c.table,
          JSON.stringify(c.key),
          done.op,
          done.old === null ? null : JSON.stringify(done.old),
          done.now === null ? null : JSON.stringify(done.now),
          m.reason ?? null,
          mutationId,
        );
      }
      outbox.run(
        mutationId,
        actor.deviceId,
        actor.userId,
        m.name,
        JSON.stringify(args),
        m.baseVersion,
        SCHEMA_VERSION,
        actor.now,
      );
      return mutationId;
    }),
  )();
}

/**
 * Record a refused edit in the audit log (DOMAIN.md, Locks: "any other edit of locked data is refused
 * and audited"): who tried which method on what, and why. Nothing else is written.
 */
export function auditRefusal(
  db: Db,
  actor: Actor,
  refusal: { method: string; key: Record<string, unknown>; input: unknown; reason: string },
): void {
  const input = JSON.stringify(refusal.input);
  db.$client
    .prepare(
      `INSERT INTO audit_log (at, user_id, device_id, entity, entity_key, op, old_value, new_value, reason, mutation_id)
       VALUES (?, ?, ?, ?, ?, 'refused', NULL, ?, ?, NULL)`,
    )
    .run(
      actor.now,
      actor.userId,
      actor.deviceId,
      refusal.method,
      JSON.stringify(refusal.key),
      input.length > 20_000 ? JSON.stringify({ truncated: input.slice(0, 20_000) }) : input,
      refusal.reason,
    );
}
