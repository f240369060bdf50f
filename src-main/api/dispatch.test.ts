import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { bootTiny, login } from '../../tests/helpers/replica';
import { METHOD_ACCESS } from '../../src-shared/contract/rights';
import type { Role } from '../../src-shared/domain/roles';
import { METHOD_NAMES, toApiError } from './dispatch';

/**
 * The one door: every failure has its own code and a translated message, malformed input names the
 * field, and nothing is written when a call fails.
 */
let app: App;
let admin: string;
/** A session of a demo account holding each role. */
let sessions: Record<Role, string>;

beforeAll(async () => {
  app = bootTiny();
  sessions = {
    admin: await login(app, 'admin'),
    studyOffice: await login(app, 'study'),
    deanery: await login(app, 'dean'),
    departmentHead: await login(app, 'head'),
    teacher: await login(app, 'teacher'),
    curator: await login(app, 'curator'),
    archivist: await login(app, 'archivist'),
  };
  admin = sessions.admin;
});
afterAll(() => app.close());

const changes = () => (app.db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

/** For every method: an input that is wrong, and the field the error must name. */
const MALFORMED: Record<string, Array<[unknown, string]>> = {
  'app.info': [[{ extra: 1 }, 'extra']],
  'app.recentErrors': [[{ x: true }, 'x']],
  'auth.login': [
    [{ login: 'dean' }, 'password'],
    [{ login: '', password: 'demo' }, 'login'],
    [{ login: 'dean', password: 5 }, 'password'],
    [{ login: 'x'.repeat(65), password: 'demo' }, 'login'],
  ],
  'auth.logout': [[{ x: true }, 'x']],
  'auth.me': [[{ x: true }, 'x']],
  'auth.unlock': [
    [{}, 'login'],
    [{ login: '  ' }, 'login'],
    [{ login: 'dean', client: '127.0.0.1' }, 'client'],
  ],
  'journal.groups': [
    [{ search: 5 }, 'search'],
    [{ facultyId: -1 }, 'facultyId'],
    [{ facultyId: 1.5 }, 'facultyId'],
  ],
  'journal.offerings': [
    [{}, 'groupId'],
    [{ groupId: '1' }, 'groupId'],
    [{ groupId: 1, more: 2 }, 'more'],
  ],
  'journal.grid': [
    [{}, 'offeringId'],
    [{ offeringId: 0 }, 'offeringId'],
    [{ offeringId: 1, subgroupId: 'a' }, 'subgroupId'],
  ],
  'journal.cellHistory': [
    [{}, 'lessonId'],
    [{ lessonId: 1, studentId: 'x' }, 'studentId'],
    [{ lessonId: 1, studentId: 1, at: 0 }, 'at'],
  ],
  'replica.counts': [[{ all: true }, 'all']],
  'backup.status': [[{ extra: 1 }, 'extra']],
  'backup.list': [[{ all: true }, 'all']],
  'backup.create': [[{ kind: 'daily' }, 'kind']],
  'backup.restore': [
    [{}, 'name'],
    [{ name: '../replica.db' }, 'name'],
  ],
  'journal.setMarks': [
    [{ lessonId: 1 }, 'marks'],
    [{ lessonId: 1, marks: [] }, 'marks'],
    [{ lessonId: 1, marks: [{ studentId: 1, attendance: 'x', grade: null }] }, 'marks.0.attendance'],
    [{ lessonId: 1, marks: [{ studentId: 1, attendance: 'a', grade: 5 }] }, 'marks.0.grade'],
    [{ lessonId: 1, marks: [{ studentId: 1, attendance: 'p', grade: 6 }] }, 'marks.0.grade'],
    [
      {
        lessonId: 1,
        marks: [
          { studentId: 1, attendance: 'p', grade: null },
          { studentId: 1, attendance: 'a', grade: null },
        ],
      },
      'marks.1.studentId',
    ],
  ],
  'journal.close': [
    [{}, 'offeringId'],
    [{ offeringId: 'x' }, 'offeringId'],
  ],
  'journal.unlock': [
    [{ offeringId: 1, days: 3 }, 'reason'],
    [{ offeringId: 1, days: 30, reason: 'болезнь' }, 'days'],
    [{ offeringId: 1, days: 2, reason: 'x' }, 'reason'],
  ],
  'messages.send': [
    [{ toUserId: 1, kind: 'spam', subject: 'a', body: 'b' }, 'kind'],
    [{ toUserId: 1, kind: 'notice', subject: '', body: 'b' }, 'subject'],
  ],
  'sync.status': [[{ x: 1 }, 'x']],
  'sync.run': [[{ now: true }, 'now']],
  'sync.conflicts': [[{ all: 1 }, 'all']],
  'sync.connect': [
    [{ gatewayUrl: 'not a url', login: 'a', password: 'b' }, 'gatewayUrl'],
    [{ gatewayUrl: 'http://127.0.0.1:1', password: 'b' }, 'login'],
  ],
  'sync.resolve': [
    [{ conflictId: 1, resolution: 'ignore' }, 'resolution'],
    [{ resolution: 'keep_theirs' }, 'conflictId'],
    [{ conflictId: 1, resolution: 'edit', value: { grade: 7 } }, 'value.grade'],
  ],
  'control.report': [
    [{}, 'by'],
    [{ by: 'room' }, 'by'],
    [{ by: 'faculty', week: 'W47' }, 'week'],
    [{ by: 'faculty', from: '2026-02-30', to: '2026-03-01' }, 'from'],
    [{ by: 'faculty', within: [{ kind: 'faculty', id: 0 }] }, 'within.0.id'],
  ],
  'control.lessons': [
    [{ within: 'all' }, 'within'],
    [{ onlyOwed: 'yes' }, 'onlyOwed'],
  ],
  'control.record': [
    [{ comment: 'x'.repeat(2001) }, 'comment'],
    [{ facultyId: 'one' }, 'facultyId'],
  ],
  'control.checks': [[{ limit: 0 }, 'limit']],
  'control.check': [[{}, 'id']],
  'control.export': [
    [{ format: 'docx' }, 'format'],
    [{ format: 'xlsx', week: '2026-47' }, 'week'],
  ],
  'control.sendNotices': [[{ within: [{ kind: 'planet', id: 1 }] }, 'within.0.kind']],
  'control.heatmap': [
    [{}, 'departmentId'],
    [{ departmentId: -3 }, 'departmentId'],
  ],
  'subs.overview': [[{ departmentId: 'x' }, 'departmentId']],
  'subs.absence': [[{ absenceId: 'not-a-uuid' }, 'absenceId']],
  'subs.registerAbsence': [
    [
      {
        teacherId: 1,
        startsOn: '2026-11-20',
        endsOn: '2026-11-19',
        pairs: null,
        reason: 'illness',
        documentRef: null,
      },
      'endsOn',
    ],
    [
      {
        teacherId: 1,
        startsOn: '2026-11-20',
        endsOn: '2026-11-21',
        pairs: [9],
        reason: 'illness',
        documentRef: null,
      },
      'pairs.0',
    ],
    [
      {
        teacherId: 1,
        startsOn: '2026-11-20',
        endsOn: '2026-11-21',
        pairs: null,
        reason: 'holiday',
        documentRef: null,
      },
      'reason',
    ],
  ],
  'subs.candidates': [[{ absenceId: '01900000-0000-7000-8000-000000000001' }, 'lessonId']],
  'subs.assign': [
    [{ absenceId: '01900000-0000-7000-8000-000000000001', lessonIds: [], substituteId: 1 }, 'lessonIds'],
    [{ absenceId: '01900000-0000-7000-8000-000000000001', lessonIds: [1], substituteId: 0 }, 'substituteId'],
  ],
  'subs.cancel': [[{ substitutionIds: ['x'] }, 'substitutionIds.0']],
  'subs.order': [[{}, 'absenceId']],
  'subs.report': [[{ month: '2026-13' }, 'month']],
  'subs.reportExport': [[{ month: '2026-11-01' }, 'month']],
  'print.options': [[{ x: 1 }, 'x']],
  'print.start': [
    [{ unit: { kind: 'planet', id: 1 } }, 'unit.kind'],
    [{ unit: { kind: 'group', id: 1 }, locale: 'en' }, 'locale'],
  ],
  'print.job': [[{ jobId: '' }, 'jobId']],
  'print.cancel': [[{}, 'jobId']],
  'print.file': [[{ jobId: 'x', index: -1 }, 'index']],
  'print.verify': [[{ text: 'ab' }, 'text']],
  'print.verifyFile': [
    [{ name: 'a.pdf', base64: 'not base64!' }, 'base64'],
    [{ name: '', base64: '' }, 'name'],
  ],
  'print.register': [[{ due: 'yes' }, 'due']],
  'documents.list': [
    [{ kind: 'letter' }, 'kind'],
    [{ search: 'x'.repeat(61) }, 'search'],
    [{ search: '   ' }, 'search'],
  ],
  'print.system': [[{ jobId: 'x' }, 'index']],
  'print.setSigned': [[{ paperId: 'x', signedOn: null }, 'paperId']],
  'print.setArchived': [
    [
      { paperId: '01900000-0000-7000-8000-000000000001', archivedOn: '2027-01-01', transferAct: null },
      'transferAct',
    ],
  ],
  'archive.options': [[{ x: 1 }, 'x']],
  'archive.start': [
    [{ unit: { kind: 'planet', id: 1 } }, 'unit.kind'],
    [{ unit: { kind: 'group', id: 1 }, period: { kind: 'decade', id: 1 } }, 'period.kind'],
    [{ unit: { kind: 'group', id: 1 }, out: '/tmp/x.zip' }, 'out'],
  ],
  'archive.job': [[{ jobId: '' }, 'jobId']],
  'archive.cancel': [[{}, 'jobId']],
  'archive.list': [[{ x: 1 }, 'x']],
  'archive.verify': [
    [{ file: '/etc/passwd' }, 'file'],
    [{ name: '../x.zip' }, 'name'],
  ],
  'archive.pick': [[{ mode: 'peek' }, 'mode']],
  'archive.transferAct': [[{ packageId: 'x' }, 'packageId']],
  'archive.open': [
    [{}, 'name'],
    [{ name: '/tmp/x.zip' }, 'name'],
  ],
  'archive.browse': [[{ replica: '' }, 'replica']],
  'archive.leave': [[{ x: 1 }, 'x']],
  'retention.register': [[{ due: 'yes' }, 'due']],
  'retention.purge': [
    [
      {
        academicYearId: 1,
        unit: { kind: 'faculty', id: 1 },
        packageId: '01900000-0000-7000-8000-000000000001',
        confirm: '',
      },
      'confirm',
    ],
  ],
  'journal.setTopic': [
    [{ lessonId: 1 }, 'topic'],
    [{ lessonId: 1, topic: '   ' }, 'topic'],
    [{ lessonId: 1, topic: 'x'.repeat(501) }, 'topic'],
  ],
};

describe('dispatch', () => {
  it('has a malformed-input case for every method of the contract', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...METHOD_NAMES].sort());
  });

  for (const method of METHOD_NAMES) {
    it(`${method}: malformed input → INVALID_INPUT naming the field, nothing written`, async () => {
      for (const [input, field] of MALFORMED[method] ?? []) {
        const before = changes();
        // A caller the matrix lets through (the first of the method's roles), so the input is judged.
        const access = METHOD_ACCESS[method];
        const session = sessions[typeof access === 'string' ? 'admin' : (access[0] ?? 'admin')];
        const r = await app.dispatch({ method, input, session, locale: 'ru' });
        expect(r.ok, JSON.stringify(input)).toBe(false);
        if (r.ok) continue;
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.field).toBe(field);
        // The message says what was wrong in words: no field key, no English (zod's or the schema's).
        expect(r.error.message).toMatch(/^Неверные данные: /);
        expect(r.error.message, JSON.stringify(input)).not.toMatch(/[A-Za-z]/);
        expect(changes()).toBe(before);
      }
    });
  }

  it('says "required" only for an absent field, otherwise what was expected — in Russian and Kyrgyz', async () => {
    const said = async (method: string, input: unknown, locale: 'ru' | 'ky') => {
      const r = await app.dispatch({ method, input, session: sessions.deanery, locale });
      return r.ok ? 'ok' : r.error.message;
    };
    const cases: Array<[string, unknown, string, string]> = [
      ['journal.offerings', {}, 'обязательное поле', 'милдеттүү талаа'],
      ['journal.offerings', { groupId: 'x' }, 'ожидается число', 'сан күтүлөт'],
      ['journal.offerings', { groupId: null }, 'ожидается число', 'сан күтүлөт'],
      ['journal.offerings', { groupId: 1.5 }, 'ожидается целое число', 'бүтүн сан күтүлөт'],
      ['journal.offerings', { groupId: 0 }, 'ожидается число больше 0', 'сан 0 санынан чоң болушу керек'],
      ['journal.offerings', { groupId: [1] }, 'ожидается число', 'сан күтүлөт'],
      ['auth.login', { login: 'dean', password: 5 }, 'ожидается текст', 'текст күтүлөт'],
      [
        'auth.login',
        { login: '', password: 'demo' },
        'слишком короткий текст (минимум символов: 1)',
        'текст өтө кыска (белгилердин эң аз саны: 1)',
      ],
      [
        'control.report',
        { from: '2026-13-01', to: '2026-11-20', by: 'faculty' },
        'ожидается дата в виде ГГГГ-ММ-ДД',
        'ЖЖЖЖ-АА-КК түрүндөгү дата күтүлөт',
      ],
    ];
    const wrong: string[] = [];
    for (const [method, input, ru, ky] of cases) {
      const r = await said(method, input, 'ru');
      const k = await said(method, input, 'ky');
      if (r !== `Неверные данные: ${ru}`) wrong.push(`ru ${method} ${JSON.stringify(input)}: ${r}`);
      if (k !== `Туура эмес маалымат: ${ky}`) wrong.push(`ky ${method} ${JSON.stringify(input)}: ${k}`);
    }
    expect(wrong).toEqual([]);
  });

  it('says UNKNOWN_METHOD for a method that does not exist', async () => {
    const r = await app.dispatch({ method: 'journal.drop', input: {}, session: admin });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: 'Неизвестный метод «journal.drop»' },
    });
  });

  it('says UNAUTHENTICATED without a session or with a made-up one', async () => {
    for (const session of [undefined, null, 'not-a-session']) {
      const r = await app.dispatch({ method: 'journal.groups', input: {}, session });
      expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('says ROLE_FORBIDDEN for a method outside the caller’s roles, in the caller’s language', async () => {
    const dean = await login(app, 'dean');
    const r = await app.dispatch({ method: 'replica.counts', input: {}, session: dean, locale: 'ky' });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'ROLE_FORBIDDEN',
        message: '«replica.counts» аракети сиздин ролдоруңуз үчүн жеткиликсиз',
      },
    });
  });

  it('says BAD_CREDENTIALS for a wrong password or a user without a local password', async () => {
    for (const [l, p] of [
      ['dean', 'wrong'],
      ['nobody', 'demo'],
      ['t0004', 'demo'],
    ]) {
      const r = await app.dispatch({ method: 'auth.login', input: { login: l, password: p } });
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    }
  });

  it('logs in and out; the session carries every role of a user with several', async () => {
    const r = await app.dispatch({ method: 'auth.login', input: { login: 'head', password: 'demo' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { session, user } = r.value as { session: string; user: { grants: Array<{ role: string }> } };
    expect(user.grants.map((g) => g.role).sort()).toEqual(['departmentHead', 'teacher']);
    expect((await app.dispatch({ method: 'auth.me', input: {}, session })).ok).toBe(true);
    expect((await app.dispatch({ method: 'auth.logout', input: {}, session })).ok).toBe(true);
    expect(await app.dispatch({ method: 'auth.me', input: {}, session })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('says NOT_FOUND for a row that does not exist', async () => {
    const r = await app.dispatch({ method: 'journal.grid', input: { offeringId: 999999 }, session: admin });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'offeringId' } });
  });

  it('counts every entity of the replica for the admin', async () => {
    const r = await app.dispatch({ method: 'replica.counts', input: {}, session: admin });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const counts = Object.fromEntries(
      (r.value as Array<{ entity: string; count: number }>).map((c) => [c.entity, c.count]),
    );
    expect(counts.students).toBeGreaterThan(40);
    expect(counts.marks).toBeGreaterThan(1000);
    expect(counts.auditLog).toBe(0);
  });

  it('app.info tells the demo day to anyone', async () => {
    const r = await app.dispatch({ method: 'app.info', input: {} });
    expect(r).toMatchObject({ ok: true, value: { today: '2026-11-26', demo: true, demoScale: 'tiny' } });
  });
});

describe('an unexpected failure', () => {
  it('reaches the person as a translated message without the exception’s text, which goes to the log', () => {
    const logged: string[] = [];
    const err = new Error('SQLITE_ERROR: no such column: marks.grade_x near "SELECT"');
    for (const locale of ['ru', 'ky'] as const) {
      const e = toApiError(err, locale, (m) => logged.push(m), 'journal.view');
      expect(e.code).toBe('INTERNAL');
      expect(e.message).not.toMatch(/SQLITE|SELECT|grade_x|[A-Za-z]/);
      expect(e.params).toEqual({});
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('journal.view: Error: SQLITE_ERROR: no such column');
  });
});
