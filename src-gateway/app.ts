import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { loginDigest, nullLogger, type Logger } from '../src-shared/log';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../src-shared/sync/mutations';
import { scopeKey, type ScopeRef } from '../src-shared/sync/tables';
import {
  HEADER,
  loginRequest,
  pushRequest,
  refreshRequest,
  revokeRequest,
  unlockRequest,
  type GatewayErrorCode,
  type MutationOutcome,
} from '../src-shared/sync/wire';
import type { CentralDb } from './db/client';
import { authenticate, login, refresh, revoke, type Caller } from './sync/auth';
import { clientOfAddress, waitSeconds } from '../src-shared/domain/login-throttle';
import {
  adminEditRequest,
  checksumsQuery,
  commonHeaders,
  headQuery,
  pullQuery,
  readHeaders,
  readJson,
  readQuery,
  snapshotQuery,
} from './input';
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
import { writeCentral } from './sync/write';

/**
 * The AVN gateway's HTTP API (SYNC.md, Endpoints and answers). Request-level failures answer with an
 * HTTP status and `{ code, reason }` and change nothing: 400 malformed, 401 no or bad token, 403 a
 * scope the token does not hold, 409 MUST_RESYNC, 413 too large, 426 MUST_UPGRADE.
 */
export type GatewayDeps = {
  db: CentralDb;
  now: () => number;
  /** Where unexpected failures are reported (their text never goes to the client). */
  log?: (m: string) => void;
  /**
   * Serve `/admin/edit`, a write past every check, for tests, benchmarks and demos
   * (`npm run gateway -- --dev-endpoints`); never in production.
   */
  devEndpoints?: boolean;
  /** The structured log (issue 14, item 5): requests, logins, push judgments, errors — ids and counts. */
  logger?: Logger;
  /**
   * Reverse proxies in front of the gateway (their addresses as the socket shows them): from these
   * peers only, the client is read from `X-Forwarded-For` (`addressOf`).
   */
  trustedProxies?: readonly string[];
};
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

/** An address as compared with the trusted proxies: lower case, no zone, IPv4-mapped as IPv4. */
const plainAddress = (a: string): string =>
  a
    .trim()
    .toLowerCase()
    .replace(/%.*$/, '')
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/**
 * The client's address: the TCP peer the gateway itself sees — unless that peer is a reverse proxy the
 * gateway was told to trust (`--trust-proxy`), and then the nearest address of `X-Forwarded-For` that is
 * not one of them (the proxy appends the address it saw; anything further left was written by the
 * client and is not believed). Nothing a client writes is believed from any other peer; an entry that is
 * not an IP address leaves the proxy's own address.
 */
function addressOf(c: Context, trusted: ReadonlySet<string>): string | null {
  let peer: string | null;
  try {
    peer = getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
  if (peer === null || !trusted.has(plainAddress(peer))) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i] ?? '');
    if (isIP(hop) === 0) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

/** The client of a login, for its throttling (`addressOf`; IPv6 by its /64, see `clientOfAddress`). */
function peerOf(c: Context, trusted: ReadonlySet<string>): string {
  return clientOfAddress(addressOf(c, trusted) ?? 'unknown');
}

/**
 * The route a request ended in, as registered (the handler's, not a middleware's): never the path with
 * its query. `unmatched` when no handler matched (a 404).
 */
function routeOf(c: Context): string {
  return (
    matchedRoutes(c)
      .filter((r) => r.method !== 'ALL')
      .at(-1)?.path ?? 'unmatched'
  );
}

/** A push's judgments as counts: accepted, duplicates, refused by the registry's code (or outcome). */
function judged(outcomes: readonly MutationOutcome[]): {
  mutations: number;
  applied: number;
  duplicate: number;
  refused: number;
  refusedBy: Record<string, number>;
} {
  const refusedBy: Record<string, number> = {};
  let applied = 0;
  let duplicate = 0;
  for (const o of outcomes) {
    if (o.outcome === 'APPLIED') applied++;
    else if (o.outcome === 'DUPLICATE') duplicate++;
    else {
      const key = o.code ?? o.outcome;
      refusedBy[key] = (refusedBy[key] ?? 0) + 1;
    }
  }
  return {
    mutations: outcomes.length,
    applied,
    duplicate,
    refused: outcomes.length - applied - duplicate,
    refusedBy,
  };
}

export function gatewayApp(deps: GatewayDeps): Hono<Env> {
  const { db, now } = deps;
  const log = deps.log ?? (() => undefined);
  const logger = deps.logger ?? nullLogger;
  const trusted = new Set((deps.trustedProxies ?? []).map(plainAddress));
  const app = new Hono<Env>();

  // One line per request: the route as registered (never the query, which names scopes and keys),
  // the status, how long, and whose token it was.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const caller = c.get('caller') as Caller | undefined;
    const status = c.res.status;
    const line = {
      method: c.req.method,
      route: routeOf(c as Context),
      status,
      ms: Math.round(performance.now() - started),
      userId: caller?.userId ?? null,
      deviceId: caller?.deviceId ?? null,
    };
    if (status >= 500) logger.error('http.request', line);
    else logger.info('http.request', line);
  });
  // An unexpected failure is reported here and answered with a fixed text: neither an exception's
  // message nor the database's ever reaches the client. The stack stays in the gateway's log.
  app.onError((err, c) => {
    logger.error('http.error', { method: c.req.method, route: routeOf(c), code: 'INTERNAL' }, err);
    log(`${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return fail('INTERNAL', 'internal error');
  });
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
    const h = readHeaders(c, commonHeaders);
    if (h instanceof Response) return h;
    if (Number(h[HEADER.protocol]) !== PROTOCOL_VERSION || Number(h[HEADER.schema]) !== SCHEMA_VERSION) {
      return fail(
        'MUST_UPGRADE',
        `the gateway speaks protocol ${PROTOCOL_VERSION}, schema ${SCHEMA_VERSION}`,
      );
    }
    await next();
  });

  app.get('/sync/clock', (c) => c.json({ now: now() }));

  app.post('/auth/login', async (c) => {
    const b = await readJson(c, loginRequest);
    if (b instanceof Response) return b;
    const t = now();
    const client = peerOf(c, trusted);
    // Throttling (issue 14, item 2): the counters of the login and of the client are locked for the
    // whole try; a try that must wait is refused before its password is looked at.
    const r = await db.tx(async (q) => {
      const { gate, waitMs } = await lockThrottle(q, b.login, client, t);
      if (waitMs > 0) return { waitMs };
      const out = await login(q, b, t);
      if (out === 'credentials') await recordLoginFailure(q, gate, t);
      else if (out === 'device') await releaseEmpty(q, gate);
      else await recordLoginSuccess(q, b.login, gate);
      return out;
    });
    if (typeof r === 'object' && 'waitMs' in r) {
      logger.warn('auth.login.throttled', {
        loginHash: loginDigest(b.login),
        deviceId: b.deviceId,
        client: addressOf(c, trusted),
        waitMs: r.waitMs,
        code: 'THROTTLED',
      });
      return throttled(r.waitMs);
    }
    if (r === 'credentials' || r === 'device') {
      // Who tried is a digest of the login; never the login or the password.
      logger.warn('auth.login.refused', {
        loginHash: loginDigest(b.login),
        deviceId: b.deviceId,
        client: addressOf(c, trusted),
        why: r,
        code: r === 'credentials' ? 'UNAUTHORIZED' : 'FORBIDDEN',
      });
      return r === 'credentials'
        ? fail('UNAUTHORIZED', 'wrong login or password')
        : fail('FORBIDDEN', 'this device is registered to another account: log in with its device secret');
    }
    logger.info('auth.login', {
      userId: r.caller.userId,
      deviceId: r.caller.deviceId,
      client: addressOf(c, trusted),
      newDevice: r.deviceSecret !== null,
    });
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
    const b = await readJson(c, refreshRequest);
    if (b instanceof Response) return b;
    const t = now();
    const r = await db.tx((q) => refresh(q, b, t));
    if (!r) {
      logger.warn('auth.refresh.refused', {
        deviceId: b.deviceId,
        client: addressOf(c, trusted),
        code: 'UNAUTHORIZED',
      });
      return fail(
        'UNAUTHORIZED',
        'the refresh token is unknown, expired or revoked, or the device secret is wrong',
      );
    }
    await recordClock(c, b.deviceId, t);
    return c.json({ token: r.token, expiresAt: r.expiresAt });
  });

  // Everything below needs a bearer token.
  app.use('/auth/logout', auth);
  app.use('/auth/revoke', auth);
  app.use('/auth/unlock', auth);
  app.use('/sync/*', auth);
  if (deps.devEndpoints) app.use('/admin/*', auth);

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

  /** The device's clock offset this request shows (null when it states no time), in whole ms. */
  function offsetOf(c: Context, serverNow: number): number | null {
    const deviceTime = Number(c.req.header(HEADER.deviceTime));
    return Number.isFinite(deviceTime) && deviceTime > 0 ? Math.round(serverNow - deviceTime) : null;
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
    const b = await readJson(c, revokeRequest);
    if (b instanceof Response) return b;
    const revoked = await revoke(
      db,
      b.deviceId !== undefined ? { deviceId: b.deviceId } : { userId: b.userId ?? 0 },
      now(),
    );
    callers.clear();
    logger.info('auth.revoke', {
      userId: c.get('caller').userId,
      targetDeviceId: b.deviceId ?? null,
      targetUserId: b.userId ?? null,
      revoked,
    });
    return c.json({ revoked });
  });

  /**
   * An admin lifts a login lock (issue 14, item 2): `{ login }` forgets that login's wrong passwords,
   * `{ client }` those of a client address. Who is an admin is judged from the gateway's own role rows.
   */
  app.post('/auth/unlock', async (c) => {
    if (!c.get('caller').grants.some((g) => g.role === 'admin'))
      return fail('FORBIDDEN', 'only an admin lifts login locks');
    const v = await readJson(c, unlockRequest);
    if (v instanceof Response) return v;
    const unlocked = await db.tx((q) =>
      liftLock(q, v.login !== undefined ? { login: v.login } : { client: v.client ?? '' }),
    );
    logger.info('auth.unlock', {
      userId: c.get('caller').userId,
      loginHash: v.login !== undefined ? loginDigest(v.login) : null,
      byClient: v.client !== undefined,
      unlocked,
    });
    return c.json({ unlocked });
  });

  /** The scope a (validated) `?scope=` names, if the caller may hold it. */
  function held(c: Context<Env>, scope: { key: string; ref: ScopeRef }): ScopeRef | Response {
    if (!c.get('caller').scopes.includes(scope.key))
      return fail('FORBIDDEN', `the token does not hold scope ${scope.key}`);
    return scope.ref;
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
    const q = readQuery(c, headQuery);
    if (q instanceof Response) return q;
    const scope = held(c, q.scope);
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
    const q = readQuery(c, snapshotQuery);
    if (q instanceof Response) return q;
    const scope = held(c, q.scope);
    if (scope instanceof Response) return scope;
    const { table, limit, after, partition } = q;
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
    const q = readQuery(c, pullQuery);
    if (q instanceof Response) return q;
    const scope = held(c, q.scope);
    if (scope instanceof Response) return scope;
    try {
      return c.json(await pullLog(db, scope, q.after, q.limit));
    } catch (err) {
      if (err instanceof MustResync) return fail('MUST_RESYNC', err.message);
      throw err;
    }
  });

  app.post('/sync/push', async (c) => {
    const b = await readJson(c, pushRequest);
    if (b instanceof Response) return b;
    const caller = c.get('caller');
    if (b.deviceId !== caller.deviceId) return fail('FORBIDDEN', 'the token belongs to another device');
    // Checked with the other headers (commonHeaders).
    const cycle = c.req.header(HEADER.cycle) ?? null;
    const from = await db.tx((q) => pushWindow(q, caller.deviceId, caller.userId, cycle, now()));
    const r = await push(db, caller, b.mutations, { from }, now);
    logger.info('sync.push', {
      userId: caller.userId,
      deviceId: caller.deviceId,
      cycle,
      ...judged(r.outcomes),
    });
    return c.json(r);
  });

  app.get('/sync/checksums', async (c) => {
    const q = readQuery(c, checksumsQuery);
    if (q instanceof Response) return q;
    const scope = held(c, q.scope);
    if (scope instanceof Response) return scope;
    const table = q.table;
    if (table === undefined) {
      const cached = sums.get(`${scopeKey(scope)}@${await head(db)}`);
      return c.json(await (cached ?? checksumsOf(scope)));
    }
    const parts = await tableChecksums(db, scope, table, true);
    return c.json({
      table,
      partitions: [...parts.entries()].map(([partition, s]) => ({ partition, count: s.count, sum: s.sum })),
    });
  });

  /**
   * Central edits as AVN web makes them (a teacher filling the journal in their personal cabinet), for
   * tests, benchmarks and demos: through the central write path, so the change log sees them. Admin
   * only, and served only with `devEndpoints` — it writes past every rule.
   */
  if (deps.devEndpoints)
    app.post('/admin/edit', async (c) => {
      const caller = c.get('caller');
      if (!caller.grants.some((g) => g.role === 'admin')) return fail('FORBIDDEN', 'admin only');
      const b = await readJson(c, adminEditRequest);
      if (b instanceof Response) return b;
      const t = now();
      const r = await db.tx((q) =>
        writeCentral(q, b.changes, { at: t, userId: caller.userId, reason: 'central edit (AVN web)' }),
      );
      return c.json({ seq: r.seqEnd });
    });

  return app;
}
