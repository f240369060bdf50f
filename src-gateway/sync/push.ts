import { mayAct } from '../../src-shared/domain/matrix';
import { definition, parseArgs } from '../../src-shared/sync/registry';
import {
  refuse,
  type Actor,
  type CentralWrite,
  type Refusal,
  type RowChange,
} from '../../src-shared/sync/registry/types';
import type { MutationOutcome, Outcome, PushMutation } from '../../src-shared/sync/wire';
import type { CentralDb, Row, Sql } from '../db/client';
import type { Caller } from './auth';
import { boundedTime } from './contacts';
import { loadFacts } from './facts-pg';
import { writeCentral, type WriteMeta } from './write';

/**
 * Push (SYNC.md): each mutation in its own transaction with its effect, its audit and the device's
 * `lastLocalSeq`. The gateway judges every mutation from the rows it holds and its own clock, with the
 * registry's definitions (the same ones the desktop wrote it with): a repeated id of the same user →
 * the stored outcome; the order; the arguments; the caller's roles against DOMAIN.md's matrix; an id
 * the client chose that already exists; the registry's rule (scope through the stored row and the new
 * values, locks at the bounded edit time); the base version. Every permanent outcome counts as
 * processed (or the queue would deadlock) and is stored with the mutation and audited.
 */

type Verdict =
  | { outcome: 'APPLIED'; changes: RowChange[]; central: CentralWrite[]; flag: string | null }
  | { outcome: Refusal['outcome']; refusal: Refusal; serverRow: Row | null };

/** The English text of a refusal, for logs and the central audit (people see `refusal.<code>`). */
function reasonOf(r: Refusal): string {
  const params = r.params ? ` ${JSON.stringify(r.params)}` : '';
  return `${r.code}${r.field ? ` (${r.field})` : ''}${params}`;
}

/** The version a versioned edit is judged against: its own base, or what the edit it follows left. */
async function effectiveBase(q: Sql, deviceId: string, m: PushMutation): Promise<number | null> {
  if (!m.after) return m.baseVersion;
  const [prev] = await q.query<{
    device: string;
    outcome: Outcome;
    result: number | null;
    base: number | null;
  }>(
    `SELECT device_id AS device, outcome, result_version AS result, effective_base AS base
     FROM mutations WHERE mutation_id = $1`,
    [m.after],
  );
  // Only an edit of this device can be followed; anything else is judged by its own base.
  if (!prev || prev.device !== deviceId) return m.baseVersion;
  return prev.outcome === 'APPLIED' ? prev.result : prev.base;
}

async function judge(
  q: Sql,
  caller: Caller,
  m: PushMutation,
  at: number,
  now: number,
): Promise<{ verdict: Verdict; base: number | null }> {
  const args = parseArgs(m.name, m.args);
  if (args === null)
    return {
      verdict: { outcome: 'INVALID', refusal: refuse('INVALID', 'invalid_args'), serverRow: null },
      base: m.baseVersion,
    };
  const def = definition(m.name);
  const actor: Actor = { userId: caller.userId, teacherId: caller.teacherId, grants: caller.grants };
  const refused = (r: Refusal, serverRow: Row | null = null) => ({
    verdict: { outcome: r.outcome, refusal: r, serverRow },
    base: m.baseVersion,
  });
  if (!mayAct(caller.grants, def.action(args), 'do')) return refused(refuse('FORBIDDEN', 'role'));
  const target = def.target(args);
  if (target.creates) {
    const key = target.creates.ref.key as Record<string, string | number>;
    const cols = Object.keys(key);
    const [taken] = await q.query(
      `SELECT * FROM "${target.creates.ref.table}" WHERE ${cols.map((c, i) => `"${c}" = $${i + 1}`).join(' AND ')}`,
      cols.map((c) => key[c]),
    );
    // Ids are owned: a create naming an existing row is refused, never an overwrite (the same mutation
    // of the same user sent again was answered DUPLICATE before this).
    if (taken) return refused(refuse('FORBIDDEN', 'id_taken', target.creates.arg));
  }
  const facts = await loadFacts(q, def.load(args, { side: 'gateway', actor, at }));
  const base = def.version ? await effectiveBase(q, caller.deviceId, m) : m.baseVersion;
  const j = { actor, at, baseVersion: base };
  const refusal = def.refusal(args, facts, j);
  if (refusal) return { ...refused(refusal, def.stored(facts)), base };
  if (def.version) {
    const current = def.version(facts);
    if (current !== base)
      return {
        ...refused(
          refuse('CONFLICT', 'stale', undefined, { base: base ?? 'none', current: current ?? 'none' }),
          def.stored(facts),
        ),
        base,
      };
  }
  // Accepted on a claimed time before a lock that stands at receipt: flagged for the deanery.
  const atReceipt = at < now ? def.refusal(args, facts, { ...j, at: now }) : null;
  return {
    verdict: {
      outcome: 'APPLIED',
      changes: def.effect(args, facts, j),
      central: def.central ? def.central(args, facts, j) : [],
      flag: atReceipt?.outcome === 'LOCKED' ? 'before_lock' : null,
    },
    base,
  };
}

/** Central tables that do not sync: messages for AVN to deliver, resolutions of refused edits. */
async function writeCentralOnly(
  q: Sql,
  writes: readonly CentralWrite[],
  caller: Caller,
  at: number,
  now: number,
  audit: (entity: string, key: string, value: unknown) => Promise<void>,
): Promise<void> {
  for (const w of writes) {
    if (w.kind === 'message') {
      await q.query(
        `INSERT INTO messages (id, from_user_id, to_user_id, kind, subject, body, related, created_at, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)`,
        [w.id, caller.userId, w.toUserId, w.type, w.subject, w.body, at, now],
      );
      await audit('messages', JSON.stringify([w.id]), w);
    } else {
      await q.query(
        'UPDATE mutations SET resolved_at = $2, resolution = $3, resolved_by = $4 WHERE mutation_id = $1',
        [w.mutationId, at, w.resolution, caller.userId],
      );
      await audit('mutations', JSON.stringify([w.mutationId]), w);
    }
  }
}

type Window = { from: number; to: number };

async function processOne(
  db: CentralDb,
  caller: Caller,
  m: PushMutation,
  window: Window,
): Promise<MutationOutcome> {
  const now = window.to;
  return db.tx(async (q) => {
    const [stored] = await q.query<{
      userId: number;
      outcome: Outcome;
      seq: number | null;
      reason: string | null;
      serverRow: Row | null;
    }>(
      'SELECT user_id AS "userId", outcome, seq, reason, server_row AS "serverRow" FROM mutations WHERE mutation_id = $1',
      [m.mutationId],
    );
    // A replay of one's own mutation: its stored outcome again.
    if (stored && Number(stored.userId) === caller.userId)
      return {
        mutationId: m.mutationId,
        outcome: 'DUPLICATE',
        stored: stored.outcome,
        seq: stored.seq,
        reason: stored.reason,
        code: null,
        serverRow: stored.serverRow,
      };
    const [device] = await q.query<{ last: number; offset: number }>(
      'SELECT last_local_seq AS last, clock_offset_ms AS "offset" FROM devices WHERE id = $1 FOR UPDATE',
      [caller.deviceId],
    );
    if (!device)
      return {
        mutationId: m.mutationId,
        outcome: 'OUT_OF_ORDER',
        seq: null,
        reason: 'unknown device',
        code: null,
        serverRow: null,
      };
    if (m.localSeq !== Number(device.last) + 1) {
      return {
        mutationId: m.mutationId,
        outcome: 'OUT_OF_ORDER',
        seq: null,
        reason: `expected localSeq ${Number(device.last) + 1}`,
        code: null,
        serverRow: null,
      };
    }
    const { claimed, at } = boundedTime(m.createdAt, Number(device.offset), window);
    const auditRow = async (
      outcome: string,
      entity: string | null,
      key: string | null,
      value: unknown,
      reason: string | null,
      flag: string | null,
    ) => {
      await q.query(
        `INSERT INTO central_audit (at, edit_time, user_id, device_id, mutation_id, outcome, entity, entity_key, new_value, reason, claimed_at, window_from, flag)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          now,
          at,
          caller.userId,
          caller.deviceId,
          m.mutationId,
          outcome,
          entity,
          key,
          JSON.stringify(value),
          reason,
          claimed,
          window.from,
          flag,
        ],
      );
    };
    const advance = () =>
      q.query('UPDATE devices SET last_local_seq = $2, last_seen_at = $3 WHERE id = $1', [
        caller.deviceId,
        m.localSeq,
        now,
      ]);
    // A mutation id belongs to the user who first sent it: another user's is refused, never answered with
    // that user's outcome. It counts as processed; the id stays theirs (it is not stored again).
    if (stored) {
      const r = refuse('FORBIDDEN', 'mutation_taken');
      await auditRow('FORBIDDEN', m.name, null, { args: m.args }, reasonOf(r), null);
      await advance();
      return {
        mutationId: m.mutationId,
        outcome: 'FORBIDDEN',
        seq: null,
        reason: reasonOf(r),
        code: r.code,
        serverRow: null,
      };
    }
    const { verdict, base } = await judge(q, caller, m, at, now);
    let seq: number | null = null;
    let resultVersion: number | null = null;
    const refusal = verdict.outcome === 'APPLIED' ? null : verdict.refusal;
    const meta: WriteMeta = {
      at: now,
      userId: caller.userId,
      deviceId: caller.deviceId,
      mutationId: m.mutationId,
      editTime: at,
      claimedAt: claimed,
      windowFrom: window.from,
      flag: verdict.outcome === 'APPLIED' ? verdict.flag : null,
    };
    if (verdict.outcome === 'APPLIED') {
      const phases = [...new Set(verdict.changes.map((c) => c.phase ?? 0))].sort((a, b) => a - b);
      for (const p of phases) {
        const w = await writeCentral(
          q,
          verdict.changes.filter((c) => (c.phase ?? 0) === p),
          meta,
        );
        if (w.seqEnd) seq = w.seqEnd;
      }
      // What the edited row is now: a later edit of it from this device is judged against this.
      const row = definition(m.name).target(parseArgs(m.name, m.args)).row;
      if (row) {
        const key = Object.entries(row.key);
        const [cur] = await q.query<{ v: number }>(
          `SELECT row_version AS v FROM "${row.table}" WHERE ${key.map(([k], i) => `"${k}" = $${i + 1}`).join(' AND ')}`,
          key.map(([, v]) => v),
        );
        resultVersion = cur ? Number(cur.v) : null;
      }
      await writeCentralOnly(q, verdict.central, caller, at, now, (entity, key, value) =>
        auditRow('APPLIED', entity, key, value, null, null),
      );
      if (verdict.changes.length === 0 && verdict.central.length === 0)
        await auditRow('APPLIED', m.name, null, { args: m.args }, 'no change', null);
    } else if (refusal) {
      await auditRow(verdict.outcome, m.name, null, m.args, reasonOf(refusal), null);
    }
    const serverRow = verdict.outcome === 'APPLIED' ? null : verdict.serverRow;
    const reason = refusal ? reasonOf(refusal) : null;
    await q.query(
      `INSERT INTO mutations (mutation_id, device_id, local_seq, user_id, name, args, base_version, outcome, seq, reason, server_row,
         received_at, edit_time, claimed_at, window_from, flag, after_mutation, effective_base, result_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        m.mutationId,
        caller.deviceId,
        m.localSeq,
        caller.userId,
        m.name,
        JSON.stringify(m.args),
        m.baseVersion,
        verdict.outcome,
        seq,
        reason,
        serverRow === null ? null : JSON.stringify(serverRow),
        now,
        at,
        claimed,
        window.from,
        meta.flag ?? null,
        m.after ?? null,
        base,
        resultVersion,
      ],
    );
    await advance();
    return {
      mutationId: m.mutationId,
      outcome: verdict.outcome,
      seq,
      reason,
      code: refusal ? refusal.code : null,
      serverRow,
    };
  });
}

/** Process a batch in order; stops at the first OUT_OF_ORDER. */
export async function push(
  db: CentralDb,
  caller: Caller,
  mutations: readonly PushMutation[],
  window: { from: number },
  now: () => number,
): Promise<{ outcomes: MutationOutcome[]; lastLocalSeq: number }> {
  const outcomes: MutationOutcome[] = [];
  for (const m of mutations) {
    const o = await processOne(db, caller, m, { from: window.from, to: now() });
    outcomes.push(o);
    if (o.outcome === 'OUT_OF_ORDER') break;
  }
  const [d] = await db.query<{ last: number }>('SELECT last_local_seq AS last FROM devices WHERE id = $1', [
    caller.deviceId,
  ]);
  return { outcomes, lastLocalSeq: Number(d?.last ?? 0) };
}
