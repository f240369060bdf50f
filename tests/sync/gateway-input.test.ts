import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayApp } from '../../src-gateway/app';
import { startGateway, type RunningGateway } from '../../src-gateway/server';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { HEADER } from '../../src-shared/sync/wire';
import { BACKENDS, freshCentral } from '../helpers/central';

/**
 * The gateway's door (issue 14, item 4): every route validates its query, body and headers, and a
 * malformed request is a 400 naming the field — never a 500 with PostgreSQL's or an exception's text.
 * The sweep enumerates the Hono app's own routes, so a route added without a case here fails.
 */

/** Text that would betray the database or an exception in an answer. */
const LEAKS = [
  /syntax/i,
  /invalid input syntax/i,
  /relation/i,
  /column/i,
  /Error:/,
  /\bat .*\.[cm]?[jt]s:\d+/,
  /postgres|pglite|sqlstate/i,
  /out of range/i,
  /violates/i,
];

type Case = {
  /** What the case sends that is wrong. */
  what: string;
  query?: Record<string, string>;
  /** A query string sent as it is (bad percent-encoding). */
  rawQuery?: string;
  body?: string;
  headers?: Record<string, string>;
  /** The field the 400 must name. */
  field: string;
};

const uuid = () => randomUUID();
const json = (v: unknown) => JSON.stringify(v);
const mutation = (over: Record<string, unknown>) => ({
  mutationId: uuid(),
  localSeq: 1,
  name: 'marks.set',
  args: {},
  baseVersion: null,
  createdAt: 1,
  ...over,
});

/**
 * Malformed input of every route (`METHOD path`). `null`: the route takes no input at all (a junk
 * query is ignored and it still answers 200).
 */
function casesOf(scope: string, deviceId: string): Record<string, Case[] | null> {
  const badHeaders: Case[] = [
    {
      what: 'a device time that is not a number',
      headers: { [HEADER.deviceTime]: 'soon' },
      field: HEADER.deviceTime,
    },
    { what: 'a fractional protocol', headers: { [HEADER.protocol]: '1.0x' }, field: HEADER.protocol },
    { what: 'a sync cycle that is not a UUID', headers: { [HEADER.cycle]: "'; --" }, field: HEADER.cycle },
  ];
  return {
    'GET /health': null,
    'GET /sync/clock': badHeaders,
    'POST /auth/login': [
      { what: 'a body that is not JSON', body: '{login', field: 'body' },
      {
        what: 'a login that is a number',
        body: json({ login: 5, password: 'x', deviceId: uuid() }),
        field: 'login',
      },
      {
        what: 'a device id that is no UUID',
        body: json({ login: 'a', password: 'x', deviceId: '1' }),
        field: 'deviceId',
      },
      {
        what: 'a NUL in the login',
        body: json({ login: 'adm\u0000in', password: 'x', deviceId: uuid() }),
        field: 'login',
      },
      { what: 'a lone surrogate', body: '{"login":"\\ud800","password":"x","deviceId":"x"}', field: 'login' },
      ...badHeaders,
    ],
    'POST /auth/refresh': [
      { what: 'an empty body', body: '', field: 'body' },
      { what: 'no device id', body: json({ refreshToken: 'r', deviceSecret: 's' }), field: 'deviceId' },
      {
        what: 'a refresh token that is a list',
        body: json({ deviceId: uuid(), refreshToken: [], deviceSecret: 's' }),
        field: 'refreshToken',
      },
    ],
    'POST /auth/logout': badHeaders,
    'POST /auth/revoke': [
      { what: 'a body that is not JSON', body: 'revoke all', field: 'body' },
      { what: 'a user id that is text', body: json({ userId: '1 OR 1=1' }), field: 'userId' },
      { what: 'a user id out of range', body: json({ userId: 2 ** 40 }), field: 'userId' },
    ],
    'POST /auth/unlock': [
      { what: 'a body that is not JSON', body: 'unlock', field: 'body' },
      { what: 'a login that is a number', body: json({ login: 5 }), field: 'login' },
      { what: 'a NUL in the login', body: json({ login: 'de\u0000an' }), field: 'login' },
      {
        what: 'a login and a client at once',
        body: json({ login: 'dean', client: '10.0.0.1' }),
        field: 'body',
      },
    ],
    'GET /sync/head': [
      { what: 'no scope', query: {}, field: 'scope' },
      { what: 'a scope that is SQL', query: { scope: "faculty:1'; DROP TABLE marks; --" }, field: 'scope' },
      { what: 'a scope id out of range', query: { scope: 'faculty:9999999999' }, field: 'scope' },
      { what: 'bad percent-encoding', rawQuery: 'scope=faculty%3A%E0%A4%A', field: 'scope' },
    ],
    'GET /sync/snapshot': [
      { what: 'an unknown table', query: { scope, table: 'pg_user' }, field: 'table' },
      { what: 'a negative limit', query: { scope, table: 'students', limit: '-1' }, field: 'limit' },
      { what: 'a limit in exponent form', query: { scope, table: 'students', limit: '1e3' }, field: 'limit' },
      { what: 'a limit too large', query: { scope, table: 'students', limit: '99999999' }, field: 'limit' },
      {
        what: 'a text key of a numeric table',
        query: { scope, table: 'students', after: '["x"]' },
        field: 'after',
      },
      { what: 'a key out of range', query: { scope, table: 'students', after: '[1e20]' }, field: 'after' },
      { what: 'a fractional key', query: { scope, table: 'students', after: '[1.5]' }, field: 'after' },
      { what: 'a key that is not JSON', query: { scope, table: 'students', after: '[1' }, field: 'after' },
      { what: 'a key too short', query: { scope, table: 'marks', after: '[1]' }, field: 'after' },
      {
        what: 'a numeric key of a text table',
        query: { scope, table: 'absences', after: '[5]' },
        field: 'after',
      },
      {
        what: 'a NUL in a text key',
        query: { scope, table: 'absences', after: '["a\\u0000"]' },
        field: 'after',
      },
      {
        what: 'a text partition of a numeric table',
        query: { scope, table: 'students', partition: 'sab' },
        field: 'partition',
      },
      {
        what: 'a partition out of range',
        query: { scope, table: 'students', partition: 'n99999999' },
        field: 'partition',
      },
      {
        what: 'a numeric partition of a text table',
        query: { scope, table: 'absences', partition: 'n1' },
        field: 'partition',
      },
      { what: 'a bad scope', query: { scope: 'faculty:x', table: 'students' }, field: 'scope' },
    ],
    'GET /sync/pull': [
      { what: 'no cursor', query: { scope }, field: 'after' },
      { what: 'a negative cursor', query: { scope, after: '-1' }, field: 'after' },
      { what: 'a fractional cursor', query: { scope, after: '1.5' }, field: 'after' },
      { what: 'a cursor that is text', query: { scope, after: 'abc' }, field: 'after' },
      { what: 'a zero limit', query: { scope, after: '0', limit: '0' }, field: 'limit' },
    ],
    'POST /sync/push': [
      { what: 'a body that is not JSON', body: '[', field: 'body' },
      {
        what: 'mutations that are not a list',
        body: json({ deviceId, mutations: 'all' }),
        field: 'mutations',
      },
      {
        what: 'a base version out of range',
        body: json({ deviceId, mutations: [mutation({ baseVersion: 2 ** 40 })] }),
        field: 'mutations.0.baseVersion',
      },
      {
        what: 'a local seq that is text',
        body: json({ deviceId, mutations: [mutation({ localSeq: '1' })] }),
        field: 'mutations.0.localSeq',
      },
      {
        what: 'a NUL in the arguments',
        body: json({ deviceId, mutations: [mutation({ args: { topic: 'a\u0000b' } })] }),
        field: 'mutations.0.args.topic',
      },
      {
        what: 'an unknown mutation',
        body: json({ deviceId, mutations: [mutation({ name: 'drop' })] }),
        field: 'mutations.0.name',
      },
      {
        what: 'a sync cycle that is not a UUID',
        body: json({ deviceId, mutations: [] }),
        headers: { [HEADER.cycle]: 'x' },
        field: HEADER.cycle,
      },
    ],
    'GET /sync/checksums': [
      { what: 'an unknown table', query: { scope, table: 'users; --' }, field: 'table' },
      { what: 'a bad scope', query: { scope: 'department:0' }, field: 'scope' },
    ],
    'POST /admin/edit': [
      { what: 'a body that is not JSON', body: 'x', field: 'body' },
      { what: 'changes that are not a list', body: json({ changes: 'x' }), field: 'changes' },
      {
        what: 'an unknown table',
        body: json({ changes: [{ table: 'pg_class', key: { id: 1 }, set: {} }] }),
        field: 'changes.0.table',
      },
      {
        what: 'a key that names no key field',
        body: json({ changes: [{ table: 'lessons', key: { 'id = 1 OR TRUE': 1 }, set: {} }] }),
        field: 'changes.0.key.id = 1 OR TRUE',
      },
      {
        what: 'a set that names no field',
        body: json({ changes: [{ table: 'lessons', key: { id: 1 }, set: { nope: 1 } }] }),
        field: 'changes.0.set.nope',
      },
    ],
  };
}

const base = { [HEADER.protocol]: String(PROTOCOL_VERSION), [HEADER.schema]: String(SCHEMA_VERSION) };

describe.each(BACKENDS)('gateway input on %s', (backend) => {
  let gw: RunningGateway;
  let plain: RunningGateway;
  const drops: Array<() => Promise<void>> = [];
  const logged: string[] = [];
  let token = '';
  let scope = '';
  let deviceId = '';

  beforeAll(async () => {
    const c = await freshCentral(backend);
    const p = await freshCentral(backend);
    drops.push(c.drop, p.drop);
    gw = await startGateway({ ...c.opts, port: 0, devEndpoints: true, log: (m) => logged.push(m) });
    plain = await startGateway({ ...p.opts, port: 0, log: () => undefined });
    deviceId = uuid();
    const r = await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: { ...base, 'content-type': 'application/json' },
      body: json({ login: 'admin', password: 'demo', deviceId }),
    });
    const b = (await r.json()) as { token: string; scopes: string[] };
    token = b.token;
    scope = b.scopes[0] ?? 'university';
  });
  afterAll(async () => {
    await gw.close();
    await plain.close();
    for (const d of drops) await d();
  });

  async function send(url: string, method: string, path: string, c: Partial<Case>, auth = token) {
    const qs = c.rawQuery ? `?${c.rawQuery}` : c.query ? `?${new URLSearchParams(c.query).toString()}` : '';
    const res = await fetch(`${url}${path}${qs}`, {
      method,
      headers: {
        ...base,
        authorization: `Bearer ${auth}`,
        ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...c.headers,
      },
      body: method === 'POST' ? (c.body ?? '{}') : undefined,
    });
    return { status: res.status, text: await res.text() };
  }

  it('answers every route’s malformed input with 400 naming the field, and no database text', async () => {
    const routes = gatewayApp({ db: gw.db, now: Date.now, devEndpoints: true })
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    const cases = casesOf(scope, deviceId);
    // A new route must come with its cases.
    expect(new Set(Object.keys(cases))).toEqual(new Set(routes));
    const wrong: string[] = [];
    for (const [route, list] of Object.entries(cases)) {
      const [method = '', path = ''] = route.split(' ');
      if (list === null) {
        const r = await send(gw.url, method, path, { query: { junk: "'; --" } });
        if (r.status !== 200) wrong.push(`${route} with a junk query: ${r.status} ${r.text}`);
        continue;
      }
      expect(list.length, route).toBeGreaterThan(0);
      for (const c of list) {
        const r = await send(gw.url, method, path, c);
        let body: { code?: string; field?: string } = {};
        try {
          body = JSON.parse(r.text) as typeof body;
        } catch {
          /* reported below */
        }
        const leak = LEAKS.find((l) => l.test(r.text));
        if (r.status !== 400 || body.code !== 'MALFORMED' || body.field !== c.field || leak)
          wrong.push(`${route}, ${c.what}: ${r.status} ${r.text}${leak ? ` (leaks ${String(leak)})` : ''}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('answers a failure inside with a fixed 500, and reports it only to its log', async () => {
    // A dev-endpoint write of a value the column cannot take: PostgreSQL refuses it.
    const r = await send(gw.url, 'POST', '/admin/edit', {
      body: json({ changes: [{ table: 'lessons', key: { id: 1 }, set: { pair: 'not a number' } }] }),
    });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toEqual({ code: 'INTERNAL', reason: 'internal error' });
    expect(logged.join('\n')).toMatch(/POST \/admin\/edit/);
    logged.length = 0;
  });

  it('serves /admin/edit only with devEndpoints (npm run gateway -- --dev-endpoints)', async () => {
    const login = await fetch(`${plain.url}/auth/login`, {
      method: 'POST',
      headers: { ...base, 'content-type': 'application/json' },
      body: json({ login: 'admin', password: 'demo', deviceId: uuid() }),
    });
    const admin = ((await login.json()) as { token: string }).token;
    const edit = { body: json({ changes: [{ table: 'lessons', key: { id: 1 }, set: { topic: 'x' } }] }) };
    expect((await send(plain.url, 'POST', '/admin/edit', edit, admin)).status).toBe(404);
    expect((await send(plain.url, 'POST', '/admin/edit', edit, 'no token')).status).toBe(404);
    expect((await send(gw.url, 'POST', '/admin/edit', edit)).status).toBe(200);
    // Unknown routes are 404 too.
    expect((await send(gw.url, 'GET', '/sync/nothing', {})).status).toBe(404);
    expect((await send(gw.url, 'GET', '/sync/%zz', {})).status).toBe(404);
  });
});
