import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { HEADER } from '../../src-shared/sync/wire';
import { startGateway } from '../../src-gateway/server';
import { BACKENDS, freshCentral, testGateway, type TestGateway } from '../helpers/central';
import { DEMO_NOW } from '../helpers/replica';
import { closers } from '../helpers/sync';

/**
 * Login throttling at the gateway (issue 14, item 2): wrong passwords back off exponentially per login
 * and per client (the TCP peer the gateway sees), up to a lock of minutes an admin lifts; a throttled
 * try is refused with 429 and Retry-After before its password is looked at. Real HTTP on loopback;
 * other clients are other loopback addresses (127.0.0.x); only the clock is fake.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

type Answer = { status: number; retryAfter: string | undefined; body: Record<string, unknown> };

/** One POST from a chosen loopback address (the client the gateway sees), with extra headers. */
function post(
  gw: TestGateway,
  path: string,
  body: unknown,
  opts: { from?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gw.port,
        path,
        method: 'POST',
        localAddress: opts.from ?? '127.0.0.1',
        headers: {
          [HEADER.protocol]: String(PROTOCOL_VERSION),
          [HEADER.schema]: String(SCHEMA_VERSION),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(ra) ? ra[0] : ra,
            body: JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** A login try from a fresh device (no device secret is needed: each try registers its own). */
const tryLogin = (
  gw: TestGateway,
  login: string,
  password: string,
  opts: { from?: string; headers?: Record<string, string> } = {},
) => post(gw, '/auth/login', { login, password, deviceId: randomUUID() }, opts);

describe.each(BACKENDS)('login throttling at the gateway on %s', (backend) => {
  let now = DEMO_NOW;
  const start = async () => {
    now = DEMO_NOW;
    return track(await testGateway(backend, () => now));
  };

  it('the 6th wrong password waits (429, Retry-After), the right one too; after the wait it passes and clears the counter', async () => {
    const gw = await start();
    for (let i = 0; i < 5; i++) expect((await tryLogin(gw, 'dean', 'wrong')).status).toBe(401);
    const sixth = await tryLogin(gw, 'dean', 'wrong');
    expect(sixth.status).toBe(429);
    expect(sixth.retryAfter).toBe('1');
    expect(sixth.body).toMatchObject({ code: 'THROTTLED', retryAfter: 1 });
    // The right password during the wait is refused unjudged.
    expect((await tryLogin(gw, 'dean', 'demo')).status).toBe(429);
    now += 1000;
    expect((await tryLogin(gw, 'dean', 'demo')).status).toBe(200);
    // Cleared: five free wrong passwords again.
    for (let i = 0; i < 5; i++) expect((await tryLogin(gw, 'dean', 'wrong')).status).toBe(401);
    expect((await tryLogin(gw, 'dean', 'wrong')).status).toBe(429);
  });

  it('the wait doubles and is capped at 15 minutes — never indefinite', async () => {
    const gw = await start();
    for (let i = 0; i < 5; i++) await tryLogin(gw, 'head', 'wrong', { from: '127.0.0.2' });
    const waits: number[] = [];
    for (let i = 0; i < 13; i++) {
      const r = await tryLogin(gw, 'head', 'wrong', { from: '127.0.0.2' });
      expect(r.status).toBe(429);
      const s = Number(r.retryAfter);
      waits.push(s);
      now += s * 1000;
      // The wait has passed: this try is judged (and is wrong again).
      expect((await tryLogin(gw, 'head', 'wrong', { from: '127.0.0.2' })).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
    now += 900_000;
    expect((await tryLogin(gw, 'head', 'demo', { from: '127.0.0.2' })).status).toBe(200);
  });

  it('one client spraying wrong passwords across logins is slowed for every login, whatever X-Forwarded-For says', async () => {
    const gw = await start();
    for (let i = 0; i < 20; i++) {
      const r = await tryLogin(gw, `nobody${i}`, 'wrong', {
        from: '127.0.0.5',
        headers: { 'x-forwarded-for': `10.0.${i}.1`, 'x-real-ip': `10.0.${i}.1` },
      });
      expect(r.status).toBe(401);
    }
    // A login never tried before, from the same client, with a forged forwarding header: it waits.
    const r = await tryLogin(gw, 'teacher', 'demo', {
      from: '127.0.0.5',
      headers: { 'x-forwarded-for': '10.9.9.9', forwarded: 'for=10.9.9.9' },
    });
    expect(r.status).toBe(429);
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
    // Another client is not slowed by it.
    expect((await tryLogin(gw, 'teacher', 'demo', { from: '127.0.0.6' })).status).toBe(200);
  });

  it('behind a trusted reverse proxy, clients count by the address the proxy saw; what they write further left is not believed', async () => {
    const c = await freshCentral(backend);
    now = DEMO_NOW;
    const g = await startGateway({
      ...c.opts,
      port: 0,
      now: () => now,
      log: () => undefined,
      trustedProxies: ['127.0.0.9'],
    });
    const gw = track({ ...g, backend, opts: c.opts, stop: async () => (await g.close(), await c.drop()) });
    // One client behind the proxy sprays wrong passwords, forging hops to the left of the proxy's entry.
    for (let i = 0; i < 20; i++) {
      const r = await tryLogin(gw, `nobody${i}`, 'wrong', {
        from: '127.0.0.9',
        headers: { 'x-forwarded-for': `10.1.${i}.1, 203.0.113.7` },
      });
      expect(r.status).toBe(401);
    }
    const sprayer = await tryLogin(gw, 'teacher', 'demo', {
      from: '127.0.0.9',
      headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' },
    });
    expect(sprayer.status).toBe(429);
    // Another client behind the same proxy is not slowed by it.
    const other = await tryLogin(gw, 'teacher', 'demo', {
      from: '127.0.0.9',
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(other.status).toBe(200);
    // A peer that is not the proxy cannot borrow another client's counter by writing the header.
    for (let i = 0; i < 20; i++)
      expect(
        (
          await tryLogin(gw, `nobody${i}`, 'wrong', {
            from: '127.0.0.10',
            headers: { 'x-forwarded-for': '203.0.113.9' },
          })
        ).status,
      ).toBe(401);
    const behind = await tryLogin(gw, 'teacher', 'demo', {
      from: '127.0.0.9',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(behind.status).toBe(200);
    expect((await tryLogin(gw, 'teacher', 'demo', { from: '127.0.0.10' })).status).toBe(429);
  });

  it('a burst of parallel wrong passwords gets no more free tries than a sequence', async () => {
    const gw = await start();
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => tryLogin(gw, 'dean', 'wrong', { from: '127.0.0.7' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11);
  });

  it('an admin lifts a lock and the person logs in at once; nobody else may lift one', async () => {
    const gw = await start();
    for (let i = 0; i < 10; i++) await tryLogin(gw, 'dean', 'wrong', { from: '127.0.0.8' });
    expect((await tryLogin(gw, 'dean', 'demo', { from: '127.0.0.9' })).status).toBe(429);
    const teacher = await tryLogin(gw, 'teacher', 'demo', { from: '127.0.0.9' });
    const admin = await tryLogin(gw, 'admin', 'demo', { from: '127.0.0.9' });
    expect([teacher.status, admin.status]).toEqual([200, 200]);
    const as = (a: Answer) => ({
      from: '127.0.0.9',
      headers: { authorization: `Bearer ${String(a.body.token)}` },
    });
    const refused = await post(gw, '/auth/unlock', { login: 'dean' }, as(teacher));
    expect(refused.status).toBe(403);
    expect((await tryLogin(gw, 'dean', 'demo', { from: '127.0.0.9' })).status).toBe(429);
    expect((await post(gw, '/auth/unlock', { who: 'dean' }, as(admin))).status).toBe(400);
    const lifted = await post(gw, '/auth/unlock', { login: 'dean' }, as(admin));
    expect(lifted).toMatchObject({ status: 200, body: { unlocked: true } });
    expect((await tryLogin(gw, 'dean', 'demo', { from: '127.0.0.9' })).status).toBe(200);
    // A client's lock is lifted the same way, by its address.
    for (let i = 0; i < 21; i++) await tryLogin(gw, `x${i}`, 'wrong', { from: '127.0.0.10' });
    expect((await tryLogin(gw, 'head', 'demo', { from: '127.0.0.10' })).status).toBe(429);
    expect(await post(gw, '/auth/unlock', { client: '127.0.0.10' }, as(admin))).toMatchObject({
      status: 200,
      body: { unlocked: true },
    });
    expect((await tryLogin(gw, 'head', 'demo', { from: '127.0.0.10' })).status).toBe(200);
  });
});
