import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { createBackup } from '../../src-main/db/backup';
import { runPackageJob } from '../../src-main/archive/run-job';
import { eachEntry, readAll } from '../../src-main/archive/zip-read';
import { secretsFileOf } from '../../src-main/sync/secrets';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { ACCESS_TOKEN_MS, HEADER } from '../../src-shared/sync/wire';
import { BACKENDS, testGateway } from '../helpers/central';
import { DEMO_NOW } from '../helpers/replica';
import { closers, desktopLogin, emptyReplica, teacherCells } from '../helpers/sync';

/**
 * Tokens (issue 14, item 1): they live in a 0600 file beside the replica, never in it, its backups or
 * an archive package; access tokens expire in minutes and are renewed only with the refresh token and
 * the device's secret; a revocation ends both; pointing the replica at another gateway is the admin's,
 * and no token ever reaches the new host.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

const HEADERS = { [HEADER.protocol]: String(PROTOCOL_VERSION), [HEADER.schema]: String(SCHEMA_VERSION) };
const userId = (app: App, login: string) =>
  (app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number }).id;

/** Every secret this PC holds: tokens, refresh tokens, the device secret. */
function secretsOf(app: App): string[] {
  const file = JSON.parse(readFileSync(secretsFileOf(app.db.$client.name), 'utf8')) as Record<string, string>;
  return Object.entries(file).flatMap(([k, v]) => {
    if (k.startsWith('sync.device_secret@')) return [v];
    const o = JSON.parse(v) as { token: string; refreshToken: string };
    return [o.token, o.refreshToken];
  });
}

async function connected(backend: (typeof BACKENDS)[number], now: () => number = () => DEMO_NOW) {
  const gw = track(await testGateway(backend, now));
  const app = track(emptyReplica(now));
  await app.deps.sync.connect(gw.url, 'dean', 'demo');
  await app.deps.sync.sync();
  await desktopLogin(app, 'teacher');
  return { gw, app };
}

describe.each(BACKENDS)('tokens on %s', (backend) => {
  it('live beside the replica (0600), and neither the replica, a backup nor an archive package holds one', async () => {
    const { app } = await connected(backend);
    const secrets = secretsOf(app);
    expect(secrets.length).toBeGreaterThanOrEqual(5); // two people × (access, refresh), the device secret
    const file = secretsFileOf(app.db.$client.name);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const backup = await createBackup(
      app.db.$client,
      join(app.db.$client.name, '..', 'backups'),
      'manual',
      DEMO_NOW,
    );
    const pkg = await runPackageJob({
      dbPath: app.db.$client.name,
      unit: { kind: 'group', id: 1 },
      period: null,
      out: join(app.db.$client.name, '..', 'package.zip'),
      locale: 'ru',
      now: DEMO_NOW,
      madeBy: { userId: null, name: null },
      device: app.deps.deviceId,
      appVersion: 'test',
      noDocuments: true,
    });
    app.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const haystacks: Array<[string, Buffer]> = [
      ['replica', readFileSync(app.db.$client.name)],
      ['backup', readFileSync(backup.file)],
    ];
    await eachEntry(pkg.file, async (e) => {
      haystacks.push([`package ${e.path}`, await readAll(await e.open())]);
    });
    expect(haystacks.length).toBeGreaterThan(3);
    for (const [where, bytes] of haystacks)
      for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${where} holds a secret`).toBe(false);
  });

  it('secrets an earlier version kept in the replica move out of it, their bytes overwritten', () => {
    const first = emptyReplica();
    const file = first.db.$client.name;
    const insert = first.db.$client.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    insert.run('secret.sync.device_secret@http://gw.example', 'an-old-device-secret-0123456789');
    insert.run('secret.sync.token.23', 'an-old-token-without-its-gateway-0123');
    first.close();
    const again = track(
      boot({ dbPath: file, demoIfMissing: null, now: () => DEMO_NOW, log: () => undefined }),
    );
    expect(again.deps.sync['secrets'].get('sync.device_secret@http://gw.example')).toBe(
      'an-old-device-secret-0123456789',
    );
    expect(
      again.db.$client.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'secret.%'").get(),
    ).toEqual({
      n: 0,
    });
    again.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(file);
    for (const s of ['an-old-device-secret-0123456789', 'an-old-token-without-its-gateway-0123'])
      expect(bytes.includes(Buffer.from(s)), s).toBe(false);
  });

  it('an expired access token is renewed with the refresh token and the device secret; a revoked one is refused', async () => {
    let now = DEMO_NOW;
    const { gw, app } = await connected(backend, () => now);
    const session = await desktopLogin(app, 'teacher');
    const [cell] = teacherCells(app, 1);
    // Twenty minutes later the access tokens have expired: the sync renews them by itself.
    now += ACCESS_TOKEN_MS + 5 * 60_000;
    const before = app.deps.sync.accessTokenOf(userId(app, 'teacher'));
    await app.dispatch({
      method: 'journal.setMarks',
      input: {
        lessonId: cell.lessonId,
        marks: [{ studentId: cell.studentId, attendance: 'e', grade: null }],
      },
      session,
    });
    expect(await app.deps.sync.sync()).toMatchObject({ pushed: 1, applied: 1 });
    expect(app.deps.sync.accessTokenOf(userId(app, 'teacher'))).not.toBe(before);
    // An expired token is refused at the door; a refresh needs the device's secret.
    const old = await fetch(`${gw.url}/sync/head?scope=faculty:1`, {
      headers: { ...HEADERS, authorization: `Bearer ${before}` },
    });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { reason: string }).reason).toBe('token expired');
    const refreshToken = (
      JSON.parse(app.deps.sync['secrets'].get(`sync.auth.${userId(app, 'teacher')}`) ?? '{}') as {
        refreshToken: string;
      }
    ).refreshToken;
    const stolen = await fetch(`${gw.url}/auth/refresh`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: app.deps.deviceId, refreshToken, deviceSecret: 'not the secret' }),
    });
    expect(stolen.status).toBe(401);
    // The admin revokes the teacher everywhere: their next edit waits for a new login.
    const admin = await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: 'demo', deviceId: randomUUID() }),
    });
    const { token } = (await admin.json()) as { token: string };
    const revoked = await fetch(`${gw.url}/auth/revoke`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ userId: userId(app, 'teacher') }),
    });
    expect(revoked.status).toBe(200);
    await app.dispatch({
      method: 'journal.setMarks',
      input: {
        lessonId: cell.lessonId,
        marks: [{ studentId: cell.studentId, attendance: 'a', grade: null }],
      },
      session,
    });
    now += ACCESS_TOKEN_MS + 60_000; // the revoked access token also expired: the refresh is refused
    expect(await app.deps.sync.sync()).toMatchObject({ pushed: 0, waitingForLogin: userId(app, 'teacher') });
    expect(app.deps.sync.hasTokenOf(userId(app, 'teacher'))).toBe(false);
    // And a revoked token is refused before it expires, too.
    const direct = await fetch(`${gw.url}/auth/refresh`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        deviceId: app.deps.deviceId,
        refreshToken,
        deviceSecret: app.deps.sync['secrets'].get(`sync.device_secret@${gw.url}`) ?? '',
      }),
    });
    expect(direct.status).toBe(401);
  });

  it('only the admin re-points the replica, and the new gateway receives no token of this PC', async () => {
    const { app } = await connected(backend);
    const secrets = secretsOf(app);
    // A gateway of someone else's, on loopback: it records everything it is sent.
    const seen: string[] = [];
    const fake = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}`);
        res.setHeader('content-type', 'application/json');
        if (req.url === '/auth/login')
          res.end(
            JSON.stringify({
              token: 'fake-access-token-000000000000',
              expiresAt: DEMO_NOW + ACCESS_TOKEN_MS,
              refreshToken: 'fake-refresh-token-00000000000',
              userId: userId(app, 'admin'),
              grants: [{ role: 'admin', scopeKind: 'university', scopeId: null }],
              scopes: ['faculty:1'],
              serverTime: DEMO_NOW,
              lastLocalSeq: 0,
              deviceSecret: 'fake-device-secret-0000000000',
            }),
          );
        else {
          res.statusCode = 500;
          res.end(JSON.stringify({ code: 'INTERNAL', reason: 'fake' }));
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    track({ close: () => new Promise<void>((resolve) => fake.close(() => resolve())) });
    const fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    // The deanery may not point the replica anywhere (DOMAIN.md: the admin's, this PC).
    const dean = await desktopLogin(app, 'dean');
    const refused = await app.dispatch({
      method: 'sync.connect',
      input: { gatewayUrl: fakeUrl, login: 'admin', password: 'demo' },
      session: dean,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
    expect(seen).toEqual([]);
    // The admin does; every stored token is forgotten before anything is sent.
    const admin = await desktopLogin(app, 'admin');
    const moved = await app.dispatch({
      method: 'sync.connect',
      input: { gatewayUrl: fakeUrl, login: 'admin', password: 'demo' },
      session: admin,
    });
    expect(moved.ok).toBe(true);
    await app.dispatch({ method: 'sync.run', input: {}, session: admin });
    await desktopLogin(app, 'teacher'); // a person logging in now talks to the new gateway
    expect(seen.length).toBeGreaterThan(0);
    const sent = seen.join('\n');
    for (const s of secrets)
      expect(sent.includes(s), 'a secret of this PC reached the new gateway').toBe(false);
    expect(app.deps.sync.hasTokenOf(userId(app, 'teacher'))).toBe(false);
  });
});
