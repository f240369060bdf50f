import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { openFileLogger, type FileLogger } from '../../src-main/log';
import { secretsFileOf } from '../../src-main/sync/secrets';
import { startGateway } from '../../src-gateway/server';
import { loginDigest, REDACTED_KEYS } from '../../src-shared/log';
import { BACKENDS, freshCentral } from '../helpers/central';
import { DEMO_NOW, tinyReplica } from '../helpers/replica';
import { closers, desktopLogin, teacherCells } from '../helpers/sync';

/**
 * Structured logs (issue 14, item 5): a sync cycle and a refused login write JSON lines of ids, counts
 * and codes into the desktop's and the gateway's log files — and the bytes of both files hold no name
 * of the replica, no mark, no topic, no login, no password and no token.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

type Line = Record<string, unknown> & { event: string; level: string; app: string; time: number };
const now = () => DEMO_NOW;
const WRONG_PASSWORD = 'Неверный-пароль-7431';
const TOPIC = 'Тема 9. Рекурсия и её цена';

/** A logger into a fresh temp folder, closed (flushed) by the test before reading. */
function tempLogger(app: string, size?: string): FileLogger {
  const file = join(mkdtempSync(join(tmpdir(), 'avn-logs-')), `${app}.log`);
  return openFileLogger({ file, app, now, size, rotate: 2 });
}

function linesOf(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);
}

/** Every secret this PC holds (tokens, refresh tokens, the device secret), from the file beside the replica. */
function secretsOf(app: App): string[] {
  const file = JSON.parse(readFileSync(secretsFileOf(app.db.$client.name), 'utf8')) as Record<string, string>;
  return Object.entries(file).flatMap(([k, v]) => {
    if (k.startsWith('sync.device_secret@')) return [v];
    const o = JSON.parse(v) as { token: string; refreshToken: string };
    return [o.token, o.refreshToken];
  });
}

/** The names of the replica's people: students, teachers, parents (their phones too). */
function peopleOf(app: App): string[] {
  const rows = app.db.$client
    .prepare(
      `SELECT last_name AS a, first_name AS b FROM students UNION ALL SELECT last_name, first_name FROM teachers
       UNION ALL SELECT full_name, phone FROM parent_contacts`,
    )
    .all() as Array<{ a: string; b: string }>;
  return [...new Set(rows.flatMap((r) => [r.a, r.b]))].filter((s) => s.length >= 3);
}

/** Keys that must never carry a value: every key of the redact list, anywhere in a line. */
function unredacted(line: unknown, path = ''): string[] {
  if (line === null || typeof line !== 'object') return [];
  return Object.entries(line as Record<string, unknown>).flatMap(([k, v]) => [
    ...((REDACTED_KEYS as readonly string[]).includes(k) && v !== '[redacted]' ? [`${path}${k}`] : []),
    ...unredacted(v, `${path}${k}.`),
  ]);
}

/** What in a log file's bytes is personal or secret: the list of offending needles (empty = clean). */
function leaks(file: string, needles: string[]): string[] {
  const bytes = readFileSync(file, 'utf8');
  return needles.filter((n) => bytes.includes(n));
}

describe.each(BACKENDS)('structured logs on %s', (backend) => {
  async function gatewayWithLog() {
    const central = await freshCentral(backend);
    const logger = tempLogger('gateway');
    const gw = await startGateway({ ...central.opts, port: 0, now, logger });
    track({ stop: () => gw.close().then(() => central.drop()) });
    return { gw, logger };
  }

  function replicaWithLog(file?: string) {
    const dbPath = file ?? join(mkdtempSync(join(tmpdir(), 'avn-sync-')), 'replica.db');
    const logger = tempLogger('desktop');
    const app = track(boot({ dbPath, demoIfMissing: null, now, log: () => undefined, logger }));
    return { app, logger };
  }

  it('a sync cycle writes lines of ids and counts in both logs, with no name, mark, topic, login, password or token', async () => {
    const { gw, logger: gwLog } = await gatewayWithLog();
    const { app, logger: appLog } = replicaWithLog();
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const session = await desktopLogin(app, 'teacher');
    const cells = teacherCells(app, 40);
    const lessonId = cells[0].lessonId;
    const marks = cells
      .filter((c) => c.lessonId === lessonId)
      .map((c, i) => ({ studentId: c.studentId, attendance: 'p', grade: ([5, 4, 3] as const)[i % 3] }));
    expect(
      await app.dispatch({ method: 'journal.setMarks', input: { lessonId, marks }, session }),
    ).toMatchObject({ ok: true });
    expect(
      await app.dispatch({ method: 'journal.setTopic', input: { lessonId, topic: TOPIC }, session }),
    ).toMatchObject({ ok: true });
    const report = await app.deps.sync.sync();
    expect(report.applied).toBe(marks.length + 1);
    const needles = [
      ...peopleOf(app),
      ...secretsOf(app),
      TOPIC,
      '"dean"',
      '"teacher"',
      'demo',
      ...marks.map((m) => `"grade":${m.grade}`),
    ];
    expect(needles.length).toBeGreaterThan(100);
    await appLog.close();
    await gwLog.close();

    const desktop = linesOf(appLog.file!);
    const cycles = desktop.filter((l) => l.event === 'sync.cycle');
    expect(cycles).toHaveLength(2);
    expect(cycles[0]).toMatchObject({ app: 'desktop', level: 'info', time: DEMO_NOW, resynced: true });
    expect(cycles[0].snapshotRows).toBeGreaterThan(1000);
    expect(cycles[1]).toMatchObject({
      pushed: marks.length + 1,
      applied: marks.length + 1,
      refused: 0,
      cursorFrom: cycles[0].cursorTo,
      scope: app.deps.sync.status().scope,
    });
    expect(typeof cycles[1].cycle).toBe('string');
    expect(typeof cycles[1].ms).toBe('number');
    expect(cycles[1].cursorTo as number).toBeGreaterThan(cycles[0].cursorTo as number);
    expect(desktop.find((l) => l.event === 'auth.login')).toMatchObject({ userId: expect.any(Number) });
    expect(desktop.find((l) => l.event === 'sync.connect')).toMatchObject({ userId: expect.any(Number) });

    const central = linesOf(gwLog.file!);
    const pushes = central.filter((l) => l.event === 'sync.push');
    expect(pushes.map((l) => l.applied).reduce((a, b) => (a as number) + (b as number), 0)).toBe(
      marks.length + 1,
    );
    expect(pushes[0]).toMatchObject({
      app: 'gateway',
      refused: 0,
      userId: expect.any(Number),
      deviceId: app.deps.deviceId,
      cycle: cycles[1].cycle,
    });
    const requests = central.filter((l) => l.event === 'http.request');
    expect(requests.find((l) => l.route === '/sync/push')).toMatchObject({
      method: 'POST',
      status: 200,
      deviceId: app.deps.deviceId,
      ms: expect.any(Number),
    });
    // The query (scope, table, cursor) never reaches a line: routes only.
    expect(requests.every((l) => typeof l.route === 'string' && !l.route.includes('?'))).toBe(true);
    expect(requests.filter((l) => l.route === '/sync/snapshot').length).toBeGreaterThan(3);
    expect(central.filter((l) => l.event === 'auth.login').length).toBeGreaterThanOrEqual(2);

    for (const [file, lines] of [
      [appLog.file!, desktop],
      [gwLog.file!, central],
    ] as const) {
      expect(lines.flatMap((l) => unredacted(l))).toEqual([]);
      expect(leaks(file, needles)).toEqual([]);
    }
  });

  it('a refused local login and a refused central login write a line each, without the login or the password', async () => {
    // Locally: a replica that is not connected decides alone.
    const local = replicaWithLog(tinyReplica());
    const r1 = await local.app.dispatch({
      method: 'auth.login',
      input: { login: 'dean', password: WRONG_PASSWORD },
    });
    expect(r1).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    // Centrally: a connected replica without a verifier for this person asks the gateway, which refuses.
    const { gw, logger: gwLog } = await gatewayWithLog();
    const { app, logger: appLog } = replicaWithLog();
    await app.deps.sync.connect(gw.url, 'dean', 'demo');
    await app.deps.sync.sync();
    const r2 = await app.dispatch({
      method: 'auth.login',
      input: { login: 'curator', password: WRONG_PASSWORD },
    });
    expect(r2).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    const needles = [WRONG_PASSWORD, '"dean"', '"curator"', 'curator', ...secretsOf(app)];
    await Promise.all([local.logger.close(), appLog.close(), gwLog.close()]);

    const localRefusal = linesOf(local.logger.file!).find((l) => l.event === 'auth.login.refused');
    expect(localRefusal).toMatchObject({
      level: 'warn',
      code: 'BAD_CREDENTIALS',
      loginHash: loginDigest('dean'),
      userId: expect.any(Number),
    });
    expect(linesOf(appLog.file!).find((l) => l.event === 'auth.login.refused')).toMatchObject({
      loginHash: loginDigest('curator'),
    });
    expect(linesOf(gwLog.file!).find((l) => l.event === 'auth.login.refused')).toMatchObject({
      level: 'warn',
      code: 'UNAUTHORIZED',
      why: 'credentials',
      loginHash: loginDigest('curator'),
      deviceId: app.deps.deviceId,
      client: '127.0.0.1',
    });
    for (const file of [local.logger.file!, appLog.file!, gwLog.file!])
      expect(leaks(file, needles)).toEqual([]);

    // The status bar's errors: the admin sees the refusal; a teacher sees none of it.
    const admin = await desktopLogin(local.app, 'admin');
    const seen = await local.app.dispatch({ method: 'app.recentErrors', input: {}, session: admin });
    expect(seen).toMatchObject({
      ok: true,
      value: { entries: [{ event: 'auth.login.refused', code: 'BAD_CREDENTIALS', level: 'warn' }] },
    });
    const teacher = await desktopLogin(local.app, 'teacher');
    expect(await local.app.dispatch({ method: 'app.recentErrors', input: {}, session: teacher })).toEqual({
      ok: true,
      value: { entries: [] },
    });
  });
});

describe('the log file', () => {
  it('rotates at its size limit, keeps the set number of files, and censors the redact list', async () => {
    const logger = tempLogger('rotating', '2K');
    for (let i = 0; i < 200; i++)
      logger.info('test.line', { i, password: 'hunter2', nested: { refreshToken: 'rt-secret' } });
    await logger.close();
    const dir = join(logger.file!, '..');
    expect(readdirSync(dir).sort()).toEqual(['rotating.log', 'rotating.log.1', 'rotating.log.2']);
    for (const f of readdirSync(dir)) {
      // A file passes the limit by one line at most (a write is never split between files).
      expect(statSync(join(dir, f)).size).toBeLessThan(2048 + 200);
      const lines = linesOf(join(dir, f));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.password === '[redacted]')).toBe(true);
      expect(leaks(join(dir, f), ['hunter2', 'rt-secret'])).toEqual([]);
    }
    // The newest lines are in the current file; the oldest were dropped with the third rotated file.
    expect(linesOf(logger.file!).at(-1)).toMatchObject({ i: 199 });
    expect(linesOf(`${logger.file!}.2`)[0].i).toBeGreaterThan(0);
  });
});
