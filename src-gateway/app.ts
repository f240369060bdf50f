import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../src-shared/sync/mutations';
import { parseScopeKey, scopeKey, syncedTable, type ScopeRef } from '../src-shared/sync/tables';
import {
  HEADER,
  loginRequest,
  pushRequest,
  refreshRequest,
  revokeRequest,
  unlockRequest,
  type GatewayErrorCode,
} from '../src-shared/sync/wire';
import type { CentralDb } from './db/client';
import { authenticate, login, refresh, revoke, type Caller } from './sync/auth';
import { clientOfAddress, waitSeconds } from '../src-shared/domain/login-throttle';
import { pushWindow, touchContact } from './sync/contacts';
import { head, MustResync, pullLog, scopeChecksums, snapshotPageJson, tableChecksums } from './sync/pull';
import { push } from './sync/push';
import {
  liftLock,
  lockThrottle,
  recordLoginFailure,
  recordLoginSuccess,
  releaseEmpty,
} from './sync/throttle';
import { writeCentral, type CentralChange } from './sync/write';

/**
 * The AVN gateway's HTTP API (SYNC.md, Endpoints and answers). Request-level failures answer with an
 * HTTP status and `{ code, reason }` and change nothing: 400 malformed, 401 no or bad token, 403 a
 * scope the token does not hold, 409 MUST_RESYNC, 413 too large, 426 MUST_UPGRADE.
 */
export type GatewayDeps = { db: CentralDb; now: () => number };
type Env = { Variables: { caller: Caller } };

const STATUS: Record<GatewayErrorCode, 400 | 401 | 403 | 409 | 413 | 426 | 429 | 500> = {
  MALFORMED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MUST_RESYNC: 409,
  TOO_LARGE: 413,
  MUST_UPGRADE: 426,
  THROTTLED: 429,
  INTERNAL: 500,
};

/** A request-level failure: the HTTP status of its code and `{ code, reason }`. */
const fail = (code: GatewayErrorCode, reason: string): Response =>
  new Response(JSON.stringify({ code, reason }), {
    status: STATUS[code],
    headers: { 'content-type': 'application/json' },
  });

/** A login refused unjudged, for too many wrong passwords: 429, Retry-After and the seconds in the body. */
const throttled = (waitMs: number): Response => {
  const retryAfter = waitSeconds(waitMs);
  return new Response(
    JSON.stringify({
      code: 'THROTTLED',
      reason: `too many wrong passwords: try again in ${retryAfter} s`,
      retryAfter,
    }),
    {
      status: STATUS.THROTTLED,
      headers: { 'content-type': 'application/json', 'retry-after': String(retryAfter) },
    },
  );
};

/**
 * The client of a login, for its throttling: the TCP peer address the gateway itself sees — never a
 * header the client writes (X-Forwarded-For is not believed) nor its own device id.
 */
function peerOf(c: Context): string {
  return clientOfAddress(getConnInfo(c).remote.address ?? 'unknown');
}

async function body<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ ok: true; value: z.infer<T> } | { ok: false; reason: string }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: r.data };
}

function intParam(v: string | undefined, min: number, max: number): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

export function gatewayApp(deps: GatewayDeps): Hono<Env> {
  const { db, now } = deps;
  const app = new Hono<Env>();

  app.onError((err) => fail('INTERNAL', err.message));
  app.use(
    '*',
    bodyLimit({
      maxSize: 4 * 1024 * 1024,
      onError: () => fail('TOO_LARGE', 'the request is larger than 4 MiB'),
    }),
  );
  app.get('/health', (c) => c.json({ ok: true }));

  // Every other request states the protocol and schema it speaks.
  app.use('*', async (c, next) => {
    const p = c.req.header(HEADER.protocol);
    const s = c.req.header(HEADER.schema);
    if (p === undefined || s === undefined)
      return fail('MALFORMED', `${HEADER.protocol} and ${HEADER.schema} headers are required`);
    if (Number(p) !== PROTOCOL_VERSION || Number(s) !== SCHEMA_VERSION) {
      return fail(
        'MUST_UPGRADE',
        `the gateway speaks protocol ${PROTOCOL_VERSION}, schema ${SCHEMA_VERSION}`,
      );
    }
    await next();
  });

  app.get('/sync/clock', (c) => c.json({ now: now() }));

  app.post('/auth/login', async (c) => {
    const b = await body(c, loginRequest);
    if (!b.ok) return fail('MALFORMED', b.reason);
    const t = now();
    const client = peerOf(c);
    // Throttling (issue 14, item 2): the counters of the login and of the client are locked for the
    // whole try; a try that must wait is refused before its password is looked at.
    const r = await db.tx(async (q) => {
      const { gate, waitMs } = await lockThrottle(q, b.value.login, client, t);
      if (waitMs > 0) return { waitMs };
      const out = await login(q, b.value, t);
      if (out === 'credentials') await recordLoginFailure(q, gate, t);
      else if (out === 'device') await releaseEmpty(q, gate);
      else await recordLoginSuccess(q, b.value.login, gate);
      return out;
    });
    if (typeof r === 'object' && 'waitMs' in r) return throttled(r.waitMs);
    if (r === 'credentials') return fail('UNAUTHORIZED', 'wrong login or password');
    if (r === 'device')
      return fail('FORBIDDEN', 'this device is registered to another account: log in with its device secret');
    await recordClock(c, r.caller.deviceId, t);
    return c.json({
      token: r.token,
      expiresAt: r.expiresAt,
      refreshToken: r.refreshToken,
      userId: r.caller.userId,
      grants: r.caller.grants,
      scopes: r.caller.scopes,
      serverTime: t,
      lastLocalSeq: r.lastLocalSeq,
      deviceSecret: r.deviceSecret,
    });
  });

  /** A new access token for a refresh token and the device's secret (issue 14). */
  app.post('/auth/refresh', async (c) => {
    const b = await body(c, refreshRequest);
    if (!b.ok) return fail('MALFORMED', b.reason);
    const t = now();
    const r = await db.tx((q) => refresh(q, b.value, t));
    if (!r)
      return fail(
        'UNAUTHORIZED',
        'the refresh token is unknown, expired or revoked, or the device secret is wrong',
      );
    await recordClock(c, b.value.deviceId, t);
    return c.json({ token: r.token, expiresAt: r.expiresAt });
  });

  // Everything below needs a bearer token.
  app.use('/auth/logout', auth);
  app.use('/auth/revoke', auth);
  app.use('/auth/unlock', auth);
  app.use('/sync/*', auth);
  app.use('/admin/*', auth);

  /**
   * Who a token belongs to, remembered for a few seconds: a download asks page after page, and each
   * would otherwise repeat the same lookups. Revoking forgets at once.
   */
  const callers = new Map<string, { caller: Caller; until: number; expiresAt: number }>();
  async function callerOf(token: string): Promise<Caller | 'expired' | null> {
    const hit = callers.get(token);
    if (hit && hit.until > Date.now()) return hit.expiresAt > now() ? hit.caller : 'expired';
    const caller = await authenticate(db, token, now());
    if (caller !== null && caller !== 'expired')
      callers.set(token, { caller, until: Date.now() + 10_000, expiresAt: caller.expiresAt });
    else callers.delete(token);
    return caller;
  }

  async function auth(c: Context<Env>, next: () => Promise<void>) {
    if (c.req.path === '/sync/clock') return next();
    const h = c.req.header('authorization') ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7).trim() : '';
    if (!token) return fail('UNAUTHORIZED', 'no bearer token');
    const caller = await callerOf(token);
    if (caller === 'expired') return fail('UNAUTHORIZED', 'token expired');
    if (!caller) return fail('UNAUTHORIZED', 'unknown or revoked token');
    c.set('caller', caller);
    await next();
    const t = now();
    // Every request but a push is a contact that ends a push cycle (the push route keeps its own);
    // with the clock, one statement (a download's every page pays it).
    if (c.req.path !== '/sync/push')
      await touchContact(db, caller.deviceId, caller.userId, t, offsetOf(c, t));
    else await recordClock(c, caller.deviceId, t);
  }

  /** The device's clock offset this request shows (null when it states no time). */
  function offsetOf(c: Context, serverNow: number): number | null {
    const deviceTime = Number(c.req.header(HEADER.deviceTime));
    return Number.isFinite(deviceTime) && deviceTime > 0 ? serverNow - deviceTime : null;
  }

  /** Remember how far the device's clock is from ours, for the edits it pushes next time (DOMAIN.md, Time). */
  async function recordClock(c: Context, deviceId: string, serverNow: number) {
    const offset = offsetOf(c, serverNow);
    if (offset === null) return;
    await db.query('UPDATE devices SET clock_offset_ms = $2, last_seen_at = $3 WHERE id = $1', [
      deviceId,
      offset,
      serverNow,
    ]);
  }

  app.post('/auth/logout', async (c) => {
    const h = c.req.header('authorization') ?? '';
    await revoke(db, { token: h.slice(7).trim() }, now());
    callers.clear();
    return c.json({ ok: true });
  });

  app.post('/auth/revoke', async (c) => {
    if (!c.get('caller').grants.some((g) => g.role === 'admin'))
      return fail('FORBIDDEN', 'only an admin revokes devices');
    const b = await body(c, revokeRequest);
    if (!b.ok) return fail('MALFORMED', b.reason);
    const revoked = await revoke(
      db,
      b.value.deviceId !== undefined ? { deviceId: b.value.deviceId } : { userId: b.value.userId ?? 0 },
      now(),
    );
    callers.clear();
    return c.json({ revoked });
  });

  /**
   * An admin lifts a login lock (issue 14, item 2): `{ login }` forgets that login's wrong passwords,
   * `{ client }` those of a client address. Who is an admin is judged from the gateway's own role rows.
   */
  app.post('/auth/unlock', async (c) => {
    if (!c.get('caller').grants.some((g) => g.role === 'admin'))
      return fail('FORBIDDEN', 'only an admin lifts login locks');
    const b = await body(c, unlockRequest);
    if (!b.ok) return fail('MALFORMED', b.reason);
    const v = b.value;
    const unlocked = await db.tx((q) =>
      liftLock(q, v.login !== undefined ? { login: v.login } : { client: v.client ?? '' }),
    );
    return c.json({ unlocked });
  });

  /** The scope named by `?scope=`, if the caller may hold it. */
  function scopeOf(c: Context<Env>): ScopeRef | Response {
    const key = c.req.query('scope') ?? '';
    const scope = parseScopeKey(key);
    if (!scope)
      return fail('MALFORMED', `scope: expected university, faculty:N or department:N, got "${key}"`);
    if (!c.get('caller').scopes.includes(key))
      return fail('FORBIDDEN', `the token does not hold scope ${key}`);
    return scope;
  }

  /**
   * Checksums of a scope at a seq, computed once and shared: a download starts by asking for the head,
   * so the gateway computes them while the pages go out, and they are ready when the replica has
   * caught up and asks. Entries at an older seq are dropped.
   */
  const sums = new Map<string, Promise<Awaited<ReturnType<typeof scopeChecksums>>>>();
  function checksumsOf(scope: ScopeRef): Promise<Awaited<ReturnType<typeof scopeChecksums>>> {
    const key = scopeKey(scope);
    const run = db.tx((q) => scopeChecksums(q, scope), 'repeatable read');
    return run.then((r) => {
      const cached = sums.get(`${key}@${r.seq}`);
      sums.set(`${key}@${r.seq}`, cached ?? Promise.resolve(r));
      for (const k of sums.keys()) if (k.startsWith(`${key}@`) && k !== `${key}@${r.seq}`) sums.delete(k);
      return r;
    });
  }

  /**
   * Pages read ahead during a download: serving a page starts reading the next one of its table, so
   * PostgreSQL works while the page travels and the replica writes it. A read-ahead page is taken only
   * by the request it was read for, soon enough; a device keeps a few (one per download lane), and a
   * new download (/sync/head) drops them, as they may be older than its head.
   */
  const READ_AHEAD_MS = 10_000;
  const READ_AHEAD_PER_DEVICE = 4;
  const readAhead = new Map<string, Map<string, { at: number; page: ReturnType<typeof snapshotPageJson> }>>();

  app.get('/sync/head', async (c) => {
    const scope = scopeOf(c);
    if (scope instanceof Response) return scope;
    // A download starts here: a page read ahead for an earlier one may be older than this head.
    readAhead.delete(c.get('caller').deviceId);
    const seq = await head(db);
    const key = `${scopeKey(scope)}@${seq}`;
    if (!sums.has(key)) {
      const pending = checksumsOf(scope);
      sums.set(key, pending);
      pending.catch(() => sums.delete(key));
    }
    return c.json({ seq });
  });

  app.get('/sync/snapshot', async (c) => {
    const scope = scopeOf(c);
    if (scope instanceof Response) return scope;
    const table = c.req.query('table') ?? '';
    if (!syncedTable(table)) return fail('MALFORMED', `table: "${table}" is not synced`);
    const limit = intParam(c.req.query('limit') ?? '5000', 1, 50_000);
    if (limit === null) return fail('MALFORMED', 'limit: a number from 1 to 50000');
    let after: Array<string | number> | null = null;
    const a = c.req.query('after');
    if (a) {
      try {
        after = JSON.parse(a) as Array<string | number>;
        if (!Array.isArray(after) || after.length !== syncedTable(table)?.pk.length) throw new Error();
      } catch {
        return fail('MALFORMED', 'after: the JSON key of the last row');
      }
    }
    const partition = c.req.query('partition');
    if (partition !== undefined && !/^(n\d{1,12}|s.{1,2})$/.test(partition))
      return fail('MALFORMED', 'partition: as the checksums name it');
    const key = (from: unknown) =>
      `${scopeKey(scope)}|${table}|${limit}|${partition ?? ''}|${JSON.stringify(from)}`;
    // A page sorts up to `limit` rows: in memory, not in temporary files.
    const readPage = (from: Array<string | number> | null, n: number, part: string | undefined) =>
      db.tx(async (q) => {
        await q.query("SET LOCAL work_mem = '64MB'");
        return snapshotPageJson(q, scope, table, from, n, part);
      });
    const device = c.get('caller').deviceId;
    const mine =
      readAhead.get(device) ?? new Map<string, { at: number; page: ReturnType<typeof snapshotPageJson> }>();
    readAhead.set(device, mine);
    const ahead = mine.get(key(after));
    mine.delete(key(after));
    let page: Awaited<ReturnType<typeof snapshotPageJson>>;
    try {
      page =
        ahead && now() - ahead.at < READ_AHEAD_MS
          ? await ahead.page
          : await readPage(after, limit, partition);
    } catch {
      page = await readPage(after, limit, partition);
    }
    if (page.next) {
      // Read the next page while this one travels and is written (a download asks for it next).
      const nextAfter = JSON.parse(page.next) as Array<string | number>;
      const pending = readPage(nextAfter, limit, partition);
      pending.catch(() => undefined);
      mine.set(key(nextAfter), { at: now(), page: pending });
      for (const k of mine.keys()) if (mine.size > READ_AHEAD_PER_DEVICE) mine.delete(k);
    }
    return c.body(page.body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/sync/pull', async (c) => {
    const scope = scopeOf(c);
    if (scope instanceof Response) return scope;
    const after = intParam(c.req.query('after'), 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c.req.query('limit') ?? '5000', 1, 50_000);
    if (after === null) return fail('MALFORMED', 'after: the cursor, a whole number');
    if (limit === null) return fail('MALFORMED', 'limit: a number from 1 to 50000');
    try {
      return c.json(await pullLog(db, scope, after, limit));
    } catch (err) {
      if (err instanceof MustResync) return fail('MUST_RESYNC', err.message);
      throw err;
    }
  });

  app.post('/sync/push', async (c) => {
    const b = await body(c, pushRequest);
    if (!b.ok) return fail('MALFORMED', b.reason);
    const caller = c.get('caller');
    if (b.value.deviceId !== caller.deviceId) return fail('FORBIDDEN', 'the token belongs to another device');
    const cycle = c.req.header(HEADER.cycle) ?? null;
    if (cycle !== null && !/^[0-9a-f-]{36}$/.test(cycle)) return fail('MALFORMED', `${HEADER.cycle}: a UUID`);
    const from = await db.tx((q) => pushWindow(q, caller.deviceId, caller.userId, cycle, now()));
    return c.json(await push(db, caller, b.value.mutations, { from }, now));
  });

  app.get('/sync/checksums', async (c) => {
    const scope = scopeOf(c);
    if (scope instanceof Response) return scope;
    const table = c.req.query('table');
    if (table === undefined) {
      const cached = sums.get(`${scopeKey(scope)}@${await head(db)}`);
      return c.json(await (cached ?? checksumsOf(scope)));
    }
    if (!syncedTable(table)) return fail('MALFORMED', `table: "${table}" is not synced`);
    const parts = await tableChecksums(db, scope, table, true);
    return c.json({
      table,
      partitions: [...parts.entries()].map(([partition, s]) => ({ partition, count: s.count, sum: s.sum })),
    });
  });

  /**
   * Central edits as AVN web makes them (a teacher filling the journal in their personal cabinet), for
   * tests, benchmarks and demos: through the central write path, so the change log sees them. Admin only.
   */
  app.post('/admin/edit', async (c) => {
    const caller = c.get('caller');
    if (!caller.grants.some((g) => g.role === 'admin')) return fail('FORBIDDEN', 'admin only');
    let changes: CentralChange[];
    try {
      changes = (await c.req.json<{ changes: CentralChange[] }>()).changes;
      if (!Array.isArray(changes) || changes.some((ch) => !syncedTable(ch.table))) throw new Error();
    } catch {
      return fail('MALFORMED', 'changes: a list of { table, key, set }');
    }
    const t = now();
    const r = await db.tx((q) =>
      writeCentral(q, changes, { at: t, userId: caller.userId, reason: 'central edit (AVN web)' }),
    );
    return c.json({ seq: r.seqEnd });
  });

  return app;
}
