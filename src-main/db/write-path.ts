import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { uuidv7 } from '../../src-shared/ids';
import { mayAct } from '../../src-shared/domain/matrix';
import { definition } from '../../src-shared/sync/registry';
import {
  refuse,
  type Actor,
  type Refusal,
  type RowChange,
  type RowRef,
} from '../../src-shared/sync/registry/types';
import {
  MUTATIONS,
  SCHEMA_VERSION,
  type MutationArgs,
  type MutationName,
} from '../../src-shared/sync/mutations';
import { loadFacts } from '../sync/facts-sqlite';
import type { Db } from './open';

/**
 * The one write path (ARCHITECTURE.md, Conventions that sync depends on): every local edit goes through
 * `commitLocal`, which in ONE SQLite transaction, for each mutation in order, reads its facts with the
 * registry's loader, judges it with the registry's pure rule, writes the rows of its pure effect with
 * their audit entries and queues it in the outbox — either everything is written or nothing is. The
 * gateway judges the same mutation again with the same rule. No other code writes synced tables; pull
 * applies pages by its own path, and `reapplyOutbox` re-applies pending edits on a new download with
 * the same effects.
 */

type Value = string | number | null;

/** A local edit as its handler states it: a registry mutation and its arguments. */
export type Intent = {
  [N in MutationName]: { name: N; args: MutationArgs<N>; reason?: string };
}[MutationName];

/** Who makes local edits, on which device, and the replica's clock. */
export type LocalActor = Actor & { deviceId: string; now: number };

/** A mutation the registry's rule refused; nothing of the call was written. */
export class MutationRefused extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly mutation: MutationName,
    /** Which of the call's intents (0-based). */
    readonly index: number,
  ) {
    super(`${mutation}: ${refusal.outcome} ${refusal.code}`);
    this.name = 'MutationRefused';
  }
}

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

/** The target key of a row, as the outbox stores it: `table|key…`. */
export function targetKey(ref: RowRef): string {
  return [ref.table, ...Object.values(ref.key)].join('|');
}

/** Whether a row exists. */
function exists(sqlite: Database.Database, ref: RowRef): boolean {
  const w = where(ref.key);
  return sqlite.prepare(`SELECT 1 FROM ${ident(ref.table)} WHERE ${w.sql}`).get(...w.params) !== undefined;
}

/**
 * Write one row change (updated by whom and when); a row new to this replica gets row_version 0 until
 * the gateway gives it one. Returns what was there and what is there now (null: nothing happened).
 */
export function applyChange(
  sqlite: Database.Database,
  c: RowChange,
  by: { userId: number; now: number },
): { op: 'insert' | 'update' | 'delete'; old: unknown; now: unknown } | null {
  const w = where(c.key);
  const select = sqlite.prepare(`SELECT * FROM ${ident(c.table)} WHERE ${w.sql}`);
  const old = select.get(...w.params) ?? null;
  if (c.set === null) {
    if (!old) return null;
    sqlite.prepare(`DELETE FROM ${ident(c.table)} WHERE ${w.sql}`).run(...w.params);
    return { op: 'delete', old, now: null };
  }
  const values: Record<string, Value> = {
    ...(c.set as Record<string, Value>),
    updated_at: by.now,
    updated_by: by.userId,
  };
  const cols = Object.keys(values);
  if (old) {
    sqlite
      .prepare(`UPDATE ${ident(c.table)} SET ${cols.map((k) => `${ident(k)} = ?`).join(', ')} WHERE ${w.sql}`)
      .run(...cols.map((k) => values[k]), ...w.params);
  } else {
    const row: Record<string, Value> = { ...(c.key as Record<string, Value>), row_version: 0, ...values };
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
 * Judge and apply local edits, each with its audit entries and its outbox mutation, all in one
 * transaction; a refusal of any (MutationRefused) writes nothing. A later intent sees the rows of the
 * earlier ones (a cover changing hands: the cancel, then the new assignment). Returns the mutation ids.
 */
export function commitLocal(db: Db, actor: LocalActor, intents: readonly Intent[]): string[] {
  const sqlite = db.$client;
  const audit =
    sqlite.prepare(`INSERT INTO audit_log (at, user_id, device_id, entity, entity_key, op, old_value, new_value, reason, mutation_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const outbox =
    sqlite.prepare(`INSERT INTO outbox (mutation_id, device_id, user_id, name, args, base_version, schema_version, created_at, target, after)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const previous = sqlite.prepare(
    'SELECT mutation_id AS id FROM outbox WHERE target = ? ORDER BY local_seq DESC LIMIT 1',
  );
  return sqlite.transaction(() =>
    intents.map((intent, index) => {
      const name = intent.name;
      const args = MUTATIONS[name].parse(intent.args) as unknown;
      const def = definition(name);
      const refused = (r: Refusal) => new MutationRefused(r, name, index);
      if (!mayAct(actor.grants, def.action(args), 'do')) throw refused(refuse('FORBIDDEN', 'role'));
      const target = def.target(args);
      if (target.creates && exists(sqlite, target.creates.ref))
        throw refused(refuse('FORBIDDEN', 'id_taken', target.creates.arg));
      const facts = loadFacts(sqlite, def.load(args, { side: 'desktop', actor, at: actor.now }));
      const version = def.version ? def.version(facts) : null;
      const judge = { actor, at: actor.now, baseVersion: version };
      const refusal = def.refusal(args, facts, judge);
      if (refusal) throw refused(refusal);
      const mutationId = uuidv7(actor.now, randomBytes(10));
      for (const c of def.effect(args, facts, judge)) {
        const done = applyChange(sqlite, c, { userId: actor.userId, now: actor.now });
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
          intent.reason ?? null,
          mutationId,
        );
      }
      // An edit of a row that an earlier edit of this PC (not yet confirmed by a pull) changed follows
      // that edit: the gateway judges its base against what that edit left, not against the version this
      // replica still shows.
      const key = target.row ? targetKey(target.row) : null;
      const after =
        def.version && key !== null ? ((previous.get(key) as { id: string } | undefined)?.id ?? null) : null;
      outbox.run(
        mutationId,
        actor.deviceId,
        actor.userId,
        name,
        JSON.stringify(args),
        version,
        SCHEMA_VERSION,
        actor.now,
        key,
        after,
      );
      return mutationId;
    }),
  )();
}

/**
 * Re-apply the effects of the outbox's edits on freshly downloaded rows (SYNC.md, Pull: MUST_RESYNC
 * keeps the outbox), in order, each at the time it was made and as its author — the same effects the
 * handlers wrote, with the facts the new rows give. No audit and no outbox entries: they exist.
 */
export function reapplyOutbox(sqlite: Database.Database): void {
  const rows = sqlite
    .prepare(
      `SELECT o.name, o.args, o.user_id AS userId, o.created_at AS at, o.base_version AS base, u.teacher_id AS teacherId
       FROM outbox o LEFT JOIN users u ON u.id = o.user_id ORDER BY o.local_seq`,
    )
    .all() as Array<{
    name: MutationName;
    args: string;
    userId: number;
    at: number;
    base: number | null;
    teacherId: number | null;
  }>;
  for (const r of rows) {
    const parsed = MUTATIONS[r.name]?.safeParse(JSON.parse(r.args));
    if (!parsed?.success) continue;
    const def = definition(r.name);
    const actor: Actor = { userId: r.userId, teacherId: r.teacherId, grants: [] };
    const facts = loadFacts(sqlite, def.load(parsed.data, { side: 'desktop', actor, at: r.at }));
    for (const c of def.effect(parsed.data, facts, { actor, at: r.at, baseVersion: r.base }))
      applyChange(sqlite, c, { userId: r.userId, now: r.at });
  }
}

/**
 * Record a refused edit in the audit log (DOMAIN.md, Locks: "any other edit of locked data is refused
 * and audited"): who tried which method on what, and why. Nothing else is written.
 */
export function auditRefusal(
  db: Db,
  actor: { userId: number; deviceId: string; now: number },
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
