import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralDb } from '../../src-gateway/db/client';
import { MUTATION_NAMES, type MutationName } from '../../src-shared/sync/mutations';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import { RawClient, type RawMutation } from '../helpers/raw-client';
import { DEMO_NOW } from '../helpers/replica';
import { centralEdit } from '../helpers/sync';
import { CASES, type Case, type Ctx } from './cases';
import { makeFixtures } from './fixtures';

/**
 * The gateway judges every mutation from the rows it holds and its own clock (issue 13). For EVERY
 * mutation of the registry — generated from CASES, which is typed over the registry's names — an
 * ordinary account with a client of its own tries what a dishonest user would: another unit's row id
 * for a create, another user's mutation id, a target outside its scope through the stored row and
 * through the new values, an edit time claimed before a lock (or before its last contact) from a
 * device in contact after it, and a skewed clock to the same end. Each is refused (or its time bounded
 * into the window the gateway can vouch for), the central rows stay as they were, and the attempt is
 * in the central audit; the honest edit is applied once and its replay is DUPLICATE.
 */
let clock = DEMO_NOW;
const tick = (ms = 1000) => (clock += ms);
const HOUR = 3600_000;

/** What a refused attempt must leave as it was: every synced write takes a seq; messages and resolutions. */
async function fingerprint(db: CentralDb): Promise<string> {
  const [c] = await db.query<{ seq: number }>('SELECT seq FROM sync_counter WHERE id = 1');
  const [m] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
  const [r] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM mutations WHERE resolved_at IS NOT NULL',
  );
  return JSON.stringify([Number(c?.seq), m?.n, r?.n]);
}

async function rowOf(db: CentralDb, table: string, key: Record<string, string | number>): Promise<string> {
  const cols = Object.keys(key);
  const rows = await db.query(
    `SELECT * FROM "${table}" WHERE ${cols.map((k, i) => `"${k}" = $${i + 1}`).join(' AND ')}`,
    cols.map((k) => key[k]),
  );
  return JSON.stringify(rows);
}

async function auditOf(db: CentralDb, mutationId: string, userId: number) {
  return db.query<{
    outcome: string;
    claimed_at: number | null;
    window_from: number | null;
    edit_time: number;
  }>(
    'SELECT outcome, claimed_at, window_from, edit_time FROM central_audit WHERE mutation_id = $1 AND user_id = $2',
    [mutationId, userId],
  );
}

describe.each(BACKENDS)('every mutation of the registry, judged by the gateway on %s', (backend) => {
  let gw: TestGateway;
  let ctx: Ctx;
  const counters = new Map<string, number>();

  beforeAll(async () => {
    gw = await testGateway(backend, () => clock);
    const fx = await makeFixtures(gw.url, gw.db);
    ctx = {
      url: gw.url,
      db: gw.db,
      fx,
      next: (key) => {
        const n = counters.get(key) ?? 0;
        counters.set(key, n + 1);
        return n;
      },
      client: async (login) => {
        const c = new RawClient(gw.url, () => clock);
        const status = await c.login(login);
        if (status !== 200) throw new Error(`login ${login}: ${status}`);
        return c;
      },
    };
    // A message another user sent: messages live only centrally, so the fixture sends one.
    const dean2 = await ctx.client('dean2');
    const sent = await dean2.push([
      {
        name: 'messages.send',
        args: {
          messageId: randomUUID(),
          toUserId: fx.users.teacher,
          kind: 'notice',
          subject: 'Ф2',
          body: 'Ф2',
        },
      },
    ]);
    expect(sent.outcomes[0]?.outcome).toBe('APPLIED');
    const [msg] = await gw.db.query<{ id: string }>('SELECT id FROM messages WHERE from_user_id = $1', [
      fx.users.dean2,
    ]);
    fx.foreign.message = msg?.id ?? '';
  });
  afterAll(async () => {
    await gw?.stop();
  });

  /** The honest edit of a case, pushed by its author; applied. */
  async function honest<N extends MutationName>(name: N, c: Case<N>) {
    const client = await ctx.client(c.login);
    const args = await c.honest(ctx);
    const base = c.base ? await c.base(gw.db, args) : null;
    tick();
    const r = await client.push([{ name, args, baseVersion: base } as RawMutation]);
    expect(r.outcomes[0], `${name}: ${JSON.stringify(r.outcomes[0])}`).toMatchObject({ outcome: 'APPLIED' });
    return { client, args, base, sent: r.sent[0] };
  }

  /** An attempt that must be refused: the outcome, nothing changed, the attempt audited. */
  async function refused<N extends MutationName>(
    name: N,
    client: RawClient,
    m: Omit<RawMutation, 'name'> & { args: unknown },
    outcome: string,
    watched?: [string, Record<string, string | number>],
  ) {
    const before = await fingerprint(gw.db);
    const row = watched ? await rowOf(gw.db, ...watched) : '';
    tick();
    const r = await client.push([{ ...m, name } as RawMutation]);
    const o = r.outcomes[0];
    expect(o, `${name}: ${JSON.stringify(o)}`).toMatchObject({ outcome });
    expect(o?.code, 'a refusal says why, as a code people read translated').toBeTruthy();
    expect(await fingerprint(gw.db)).toBe(before);
    if (watched) expect(await rowOf(gw.db, ...watched)).toBe(row);
    const audit = await auditOf(gw.db, r.sent[0]?.mutationId ?? '', client.userId);
    expect(audit.map((a) => a.outcome)).toContain(outcome);
    return o;
  }

  for (const name of MUTATION_NAMES) {
    describe(name, () => {
      const c = CASES[name] as Case<MutationName>;

      it('applies the honest edit once; its replay is DUPLICATE and changes nothing', async () => {
        const h = await honest(name, c);
        const before = await fingerprint(gw.db);
        tick();
        const r = await h.client.push([
          {
            name,
            args: h.args,
            baseVersion: h.base,
            mutationId: h.sent.mutationId,
            localSeq: h.sent.localSeq,
          } as RawMutation,
        ]);
        expect(r.outcomes[0]).toMatchObject({ outcome: 'DUPLICATE', stored: 'APPLIED' });
        expect(await fingerprint(gw.db)).toBe(before);
        const stored = await gw.db.query('SELECT 1 FROM mutations WHERE mutation_id = $1', [
          h.sent.mutationId,
        ]);
        expect(stored).toHaveLength(1);
        await c.undo?.(ctx, h.args);
      });

      it('refuses another user’s mutation id, without telling them its outcome', async () => {
        const h = await honest(name, c);
        const thief = await ctx.client(c.login === 'study' ? 'dean' : 'study');
        const o = await refused(
          name,
          thief,
          { args: h.args, baseVersion: h.base, mutationId: h.sent.mutationId },
          'FORBIDDEN',
        );
        expect(o).toMatchObject({ code: 'mutation_taken', serverRow: null });
        expect(o?.stored).toBeUndefined();
        const [owner] = await gw.db.query<{ user_id: number; outcome: string }>(
          'SELECT user_id, outcome FROM mutations WHERE mutation_id = $1',
          [h.sent.mutationId],
        );
        expect(owner).toMatchObject({ user_id: h.client.userId, outcome: 'APPLIED' });
        await c.undo?.(ctx, h.args);
      });

      if (c.reuse) {
        const reuse = c.reuse;
        it('refuses a create that names an existing row of another unit: never an overwrite', async () => {
          const client = await ctx.client(c.login);
          const args = { ...(await c.honest(ctx)), [reuse.arg]: reuse.foreign(ctx.fx) };
          const o = await refused(name, client, { args }, 'FORBIDDEN', [
            reuse.table,
            { id: reuse.foreign(ctx.fx) },
          ]);
          expect(o?.code).toBe('id_taken');
        });
      }

      if (c.stored) {
        const stored = c.stored;
        it('refuses a target outside the sender’s scope reached through the stored row', async () => {
          const client = await ctx.client(c.login);
          const args = await stored.args(ctx);
          await refused(
            name,
            client,
            { args, baseVersion: c.base ? await c.base(gw.db, args) : null },
            stored.outcome,
            stored.row?.(args),
          );
        });
      }

      if (c.values) {
        const values = c.values;
        it('refuses a target outside the sender’s scope reached through the new values', async () => {
          const client = await ctx.client(c.login);
          await refused(name, client, { args: await values.args(ctx) }, values.outcome);
        });
      }

      it('believes a claimed time only after the device’s last contact (a lock it was told of stands)', async () => {
        const client = await ctx.client(c.login);
        const loggedInAt = clock;
        const args = await c.honest(ctx);
        tick(HOUR);
        const lockId = randomUUID();
        if (c.lockOf) {
          // Closed centrally after the edit the device claims; the device then talks to the gateway.
          await centralEdit(gw.url, [
            {
              table: 'locks',
              key: { id: lockId },
              set: {
                offering_id: await c.lockOf(gw.db, args),
                closed_on: '2026-12-31',
                closed_at: clock,
                closed_by: null,
              },
            },
          ]);
        }
        tick(HOUR);
        await client.contact();
        const contactAt = clock;
        tick(HOUR);
        const claim = loggedInAt + 60_000;
        const m = { args, baseVersion: c.base ? await c.base(gw.db, args) : null, createdAt: claim };
        if (c.lockOf) {
          await refused(name, client, m, 'LOCKED');
          const [a] = await gw.db.query<{ claimed_at: number; window_from: number; edit_time: number }>(
            "SELECT claimed_at, window_from, edit_time FROM central_audit WHERE user_id = $1 AND outcome = 'LOCKED' ORDER BY id DESC LIMIT 1",
            [client.userId],
          );
          // Both times and the bound that applied are kept.
          expect(a).toEqual({ claimed_at: claim, window_from: contactAt, edit_time: contactAt });
          await centralEdit(gw.url, [{ table: 'locks', key: { id: lockId }, set: null }]);
        } else {
          tick();
          const r = await client.push([{ name, ...m } as RawMutation]);
          expect(r.outcomes[0], JSON.stringify(r.outcomes[0])).toMatchObject({ outcome: 'APPLIED' });
          const [row] = await gw.db.query<{ claimed_at: number; window_from: number; edit_time: number }>(
            'SELECT claimed_at, window_from, edit_time FROM mutations WHERE mutation_id = $1',
            [r.sent[0]?.mutationId],
          );
          expect(row).toEqual({ claimed_at: claim, window_from: contactAt, edit_time: contactAt });
          if (c.timeOf) expect(await c.timeOf(gw.db, args)).toBe(contactAt);
          await c.undo?.(ctx, args);
        }
      });

      it('a skewed device clock changes nothing honest, and cannot claim an earlier time', async () => {
        // Honest: the device's clock runs a year ahead, consistently; its edit is applied at its true time.
        const ahead = new RawClient(gw.url, () => clock + 365 * 86_400_000);
        expect(await ahead.login(c.login)).toBe(200);
        const args = await c.honest(ctx);
        tick(5000);
        const editedAt = clock;
        const base = c.base ? await c.base(gw.db, args) : null;
        tick(5000);
        const r = await ahead.push([
          { name, args, baseVersion: base, createdAt: editedAt + 365 * 86_400_000 } as RawMutation,
        ]);
        expect(r.outcomes[0], JSON.stringify(r.outcomes[0])).toMatchObject({ outcome: 'APPLIED' });
        const [row] = await gw.db.query<{ edit_time: number }>(
          'SELECT edit_time FROM mutations WHERE mutation_id = $1',
          [r.sent[0]?.mutationId],
        );
        expect(row?.edit_time).toBe(editedAt);
        await c.undo?.(ctx, args);

        // Dishonest: after a lock, the device reports a clock six hours fast, so that its edits seem to
        // come from before the lock once the gateway corrects them.
        const lockId = randomUUID();
        const args2 = await c.honest(ctx);
        tick(HOUR);
        if (c.lockOf)
          await centralEdit(gw.url, [
            {
              table: 'locks',
              key: { id: lockId },
              set: {
                offering_id: await c.lockOf(gw.db, args2),
                closed_on: '2026-12-31',
                closed_at: clock,
                closed_by: null,
              },
            },
          ]);
        tick(HOUR);
        const fast = new RawClient(gw.url, () => clock + 6 * HOUR);
        expect(await fast.login(c.login)).toBe(200);
        const contactAt = clock;
        tick(HOUR);
        const m = { args: args2, baseVersion: c.base ? await c.base(gw.db, args2) : null, createdAt: clock };
        if (c.lockOf) {
          await refused(name, fast, m, 'LOCKED');
          await centralEdit(gw.url, [{ table: 'locks', key: { id: lockId }, set: null }]);
        } else {
          tick();
          const r2 = await fast.push([{ name, ...m } as RawMutation]);
          expect(r2.outcomes[0], JSON.stringify(r2.outcomes[0])).toMatchObject({ outcome: 'APPLIED' });
          const [row2] = await gw.db.query<{ edit_time: number; claimed_at: number }>(
            'SELECT edit_time, claimed_at FROM mutations WHERE mutation_id = $1',
            [r2.sent[0]?.mutationId],
          );
          expect(row2?.claimed_at).toBeLessThan(contactAt);
          expect(row2?.edit_time).toBe(contactAt);
          await c.undo?.(ctx, args2);
        }
      });
    });
  }
});
