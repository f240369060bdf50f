import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { sessionUserOf } from '../db/users.repo';
import { bootTiny, callOk, lessonMembers, login } from '../../tests/helpers/replica';

/**
 * Substitutions through the API on the tiny demo (department 1: the head is teacher 17, the `teacher`
 * account teacher 16, and teacher 15). Teacher 15 is absent 18–20 Nov: lesson 589 (19 Nov, pair 3)
 * and 605 (20 Nov, pair 1, when teacher 16 teaches lesson 621 themself). Teacher 17's offering 46 is
 * closed on 30 Oct; its lesson 740 is on 20 Oct.
 */
let app: App;
let sql: App['db']['$client'];
let head: string;
let sub: string;
let dean: string;

beforeAll(async () => {
  app = bootTiny();
  sql = app.db.$client;
  head = await login(app, 'head');
  sub = await login(app, 'teacher');
  dean = await login(app, 'dean');
});
afterAll(() => app.close());

const count = (table: string) => (sql.prepare(`SELECT count(*) n FROM ${table}`).get() as { n: number }).n;
const changes = () => (sql.prepare('SELECT total_changes() n').get() as { n: number }).n;

const call = <T>(method: string, input: unknown, session: string) => callOk<T>(app, method, input, session);

async function refusal(method: string, input: unknown, session: string) {
  const r = await app.dispatch({ method, input, session, locale: 'ru' });
  if (r.ok) throw new Error(`${method} was not refused`);
  return r.error;
}

type Detail = {
  absence: { id: string; lessons: number; covered: number };
  lessons: Array<{ lessonId: number; cover: { id: string; substitute: { id: number } } | null }>;
};

let absenceId = '';

/** The lesson's marks, topic and completion as a string (what a refused edit must not change). */
const lessonState = (lessonId: number) =>
  JSON.stringify([
    sql.prepare('SELECT topic, completed_at, row_version FROM lessons WHERE id = ?').get(lessonId),
    sql.prepare('SELECT * FROM marks WHERE lesson_id = ? ORDER BY student_id').all(lessonId),
  ]);

const refusedAudits = () =>
  sql
    .prepare("SELECT entity, entity_key, reason, user_id FROM audit_log WHERE op = 'refused' ORDER BY id")
    .all() as Array<{
    entity: string;
    entity_key: string;
    reason: string;
    user_id: number;
  }>;

const membersOf = (lessonId: number) => lessonMembers(app, lessonId);

describe('substitutions', () => {
  it('registers a three-day absence and lists every lesson it affects', async () => {
    const before = { absences: count('absences'), outbox: count('outbox'), audit: count('audit_log') };
    const r = await call<Detail>(
      'subs.registerAbsence',
      {
        teacherId: 15,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'illness',
        documentRef: 'больничный лист № 12',
      },
      head,
    );
    absenceId = r.absence.id;
    expect(r.lessons.map((l) => l.lessonId)).toEqual([589, 605]);
    expect(r.absence).toMatchObject({ lessons: 2, covered: 0 });
    expect(count('absences')).toBe(before.absences + 1);
    expect(count('audit_log')).toBe(before.audit + 1);
    const queued = sql.prepare('SELECT name, args FROM outbox ORDER BY local_seq DESC LIMIT 1').get() as {
      name: string;
      args: string;
    };
    expect(queued.name).toBe('absences.register');
    expect(JSON.parse(queued.args)).toMatchObject({ absenceId, teacherId: 15, reason: 'illness' });
    const overview = await call<{ absences: Array<{ id: string }>; canAssign: boolean }>(
      'subs.overview',
      {},
      head,
    );
    expect(overview.canAssign).toBe(true);
    expect(overview.absences.map((a) => a.id)).toContain(absenceId);
    // The deanery of the faculty may look, not assign.
    const seen = await call<{ canAssign: boolean }>('subs.absence', { absenceId }, dean);
    expect(seen.canAssign).toBe(false);
  });

  it('refuses an overlapping absence and one of a teacher of another department', async () => {
    const before = changes();
    const overlap = await refusal(
      'subs.registerAbsence',
      {
        teacherId: 15,
        startsOn: '2026-11-20',
        endsOn: '2026-11-21',
        pairs: [1],
        reason: 'other',
        documentRef: null,
      },
      head,
    );
    expect(overlap.code).toBe('CLASH');
    expect(overlap.message).toContain('отсутствие уже зарегистрировано');
    const foreign = await refusal(
      'subs.registerAbsence',
      {
        teacherId: 14,
        startsOn: '2026-11-20',
        endsOn: '2026-11-21',
        pairs: null,
        reason: 'other',
        documentRef: null,
      },
      head,
    );
    expect(foreign.code).toBe('SCOPE_FORBIDDEN');
    // Each refusal was audited, nothing else written.
    expect(changes() - before).toBe(2);
    expect(
      refusedAudits()
        .slice(-2)
        .map((a) => a.entity),
    ).toEqual(['subs.registerAbsence', 'subs.registerAbsence']);
  });

  it('ranks candidates: free ones first, with the reason; a busy one names the clash', async () => {
    const list = await call<
      Array<{
        teacher: { id: number };
        free: boolean;
        sameDepartment: boolean;
        clashes: Array<{ text: string }>;
      }>
    >('subs.candidates', { absenceId, lessonId: 605 }, head);
    const ids = list.map((c) => c.teacher.id);
    expect(ids).not.toContain(15);
    const t16 = list.find((c) => c.teacher.id === 16);
    const t17 = list.find((c) => c.teacher.id === 17);
    expect(t16?.free).toBe(false);
    expect(t16?.clashes[0]?.text).toMatch(/своё занятие/);
    expect(t17).toMatchObject({ free: true, sameDepartment: true });
    expect(ids.indexOf(17)).toBeLessThan(ids.indexOf(16));
    // Every free one comes before every busy one.
    const firstBusy = list.findIndex((c) => !c.free);
    expect(list.slice(firstBusy).every((c) => !c.free)).toBe(true);
  });

  it('refuses a double booking naming the clash, and writes nothing', async () => {
    const before = { subs: count('substitutions'), outbox: count('outbox') };
    const e = await refusal('subs.assign', { absenceId, lessonIds: [589, 605], substituteId: 16 }, head);
    expect(e.code).toBe('CLASH');
    expect(e.field).toBe('lessonIds.1');
    expect(e.message).toMatch(/20\.11\.2026, 1: у преподавателя своё занятие в эту пару: .+/);
    expect(count('substitutions')).toBe(before.subs);
    expect(count('outbox')).toBe(before.outbox);
  });

  it('assigns one lesson with a message to the substitute, and the substitute may fill exactly it', async () => {
    const r = await call<{ assigned: number; messages: number }>(
      'subs.assign',
      { absenceId, lessonIds: [589], substituteId: 16 },
      head,
    );
    expect(r).toEqual({ assigned: 1, changed: 0, messages: 1 });
    const msg = sql
      .prepare("SELECT args FROM outbox WHERE name = 'messages.send' ORDER BY local_seq DESC LIMIT 1")
      .get() as { args: string };
    const args = JSON.parse(msg.args) as { toUserId: number; kind: string; body: string };
    const subUser = sql.prepare('SELECT id FROM users WHERE teacher_id = 16').get() as { id: number };
    expect(args).toMatchObject({ toUserId: subUser.id, kind: 'substitution' });
    expect(args.body).toContain('19.11.2026, 3');
    // The substitute fills the covered lesson: topic and every attendance mark.
    const members = membersOf(589);
    await call('journal.setTopic', { lessonId: 589, topic: 'Замена: повторение' }, sub);
    const marks = await call<{ completedAt: number | null }>(
      'journal.setMarks',
      { lessonId: 589, marks: members.map((studentId) => ({ studentId, attendance: 'p', grade: null })) },
      sub,
    );
    expect(marks.completedAt).not.toBeNull();
    const lesson = sql.prepare('SELECT conducted_by c FROM lessons WHERE id = 589').get() as { c: number };
    expect(lesson.c).toBe(16);
    // The journal shows who conducted it, and the substitute.
    const grid = await call<{
      lessons: Array<{ id: number; conductedBy: { id: number } | null; substitute: { id: number } | null }>;
    }>(
      'journal.grid',
      {
        offeringId: (sql.prepare('SELECT offering_id o FROM lessons WHERE id = 589').get() as { o: number })
          .o,
      },
      dean,
    );
    expect(grid.lessons.find((l) => l.id === 589)).toMatchObject({
      conductedBy: { id: 16 },
      substitute: { id: 16 },
    });
  });

  it('refuses the substitute on a lesson of the absent teacher that was not assigned — nothing changes, audited', async () => {
    const before = lessonState(605);
    const audits = refusedAudits().length;
    const e = await refusal(
      'journal.setMarks',
      { lessonId: 605, marks: [{ studentId: membersOf(605)[0], attendance: 'a', grade: null }] },
      sub,
    );
    expect(['SCOPE_FORBIDDEN', 'EDIT_FORBIDDEN']).toContain(e.code);
    expect(lessonState(605)).toBe(before);
    const last = refusedAudits().slice(audits);
    expect(last).toHaveLength(1);
    expect(last[0]).toMatchObject({
      entity: 'journal.setMarks',
      entity_key: JSON.stringify({ lessonId: 605 }),
    });
    const subUser = sql.prepare('SELECT id FROM users WHERE teacher_id = 16').get() as { id: number };
    expect(last[0]?.user_id).toBe(subUser.id);
  });

  it('refuses the substitute on an assigned lesson after the lock — nothing changes, audited', async () => {
    const own = await call<{ absence: { id: string } }>(
      'subs.registerAbsence',
      {
        teacherId: 17,
        startsOn: '2026-10-20',
        endsOn: '2026-10-20',
        pairs: [3],
        reason: 'training',
        documentRef: null,
      },
      head,
    );
    await call('subs.assign', { absenceId: own.absence.id, lessonIds: [740], substituteId: 16 }, head);
    const before = lessonState(740);
    const audits = refusedAudits().length;
    const e = await refusal(
      'journal.setMarks',
      { lessonId: 740, marks: [{ studentId: membersOf(740)[0], attendance: 'a', grade: null }] },
      sub,
    );
    expect(e.code).toBe('LOCKED');
    const topic = await refusal('journal.setTopic', { lessonId: 740, topic: 'Другая тема' }, sub);
    expect(topic.code).toBe('LOCKED');
    expect(lessonState(740)).toBe(before);
    expect(
      refusedAudits()
        .slice(audits)
        .map((a) => a.reason.split(':')[0]),
    ).toEqual(['LOCKED', 'LOCKED']);
  });

  it('changes hands and revokes: the revoked substitute is refused — nothing changes, audited', async () => {
    // Lesson 605 goes to the head (teacher 17, free at that pair).
    const r = await call<{ assigned: number }>(
      'subs.assign',
      { absenceId, lessonIds: [605], substituteId: 17 },
      head,
    );
    expect(r.assigned).toBe(1);
    let detail = await call<Detail>('subs.absence', { absenceId }, head);
    expect(detail.absence).toMatchObject({ lessons: 2, covered: 2 });
    const cover589 = detail.lessons.find((l) => l.lessonId === 589)?.cover;
    expect(cover589?.substitute.id).toBe(16);
    // Revoke 589: teacher 16 may no longer touch it.
    await call('subs.cancel', { substitutionIds: [cover589?.id] }, head);
    detail = await call<Detail>('subs.absence', { absenceId }, head);
    expect(detail.lessons.find((l) => l.lessonId === 589)?.cover).toBeNull();
    const before = lessonState(589);
    const audits = refusedAudits().length;
    const e = await refusal('journal.setTopic', { lessonId: 589, topic: 'После отмены' }, sub);
    expect(['SCOPE_FORBIDDEN', 'EDIT_FORBIDDEN']).toContain(e.code);
    expect(lessonState(589)).toBe(before);
    expect(refusedAudits().slice(audits)).toHaveLength(1);
    // The outbox holds the cancellation for the gateway.
    const last = sql
      .prepare("SELECT args FROM outbox WHERE name = 'substitutions.cancel' ORDER BY local_seq DESC LIMIT 1")
      .get() as { args: string };
    expect(JSON.parse(last.args)).toEqual({ substitutionId: cover589?.id });
    // Reassigning to someone else replaces the cover.
    const again = await call<{ assigned: number; changed: number }>(
      'subs.assign',
      { absenceId, lessonIds: [589], substituteId: 16 },
      head,
    );
    expect(again).toMatchObject({ assigned: 1, changed: 0 });
    const swap = await call<{ assigned: number; changed: number }>(
      'subs.assign',
      { absenceId, lessonIds: [589], substituteId: 17 },
      head,
    );
    expect(swap).toMatchObject({ assigned: 1, changed: 1 });
    expect(
      (
        sql
          .prepare('SELECT count(*) n FROM substitutions WHERE lesson_id = 589 AND cancelled_at IS NULL')
          .get() as { n: number }
      ).n,
    ).toBe(1);
  });

  it('refuses an absent substitute', async () => {
    await call(
      'subs.registerAbsence',
      {
        teacherId: 16,
        startsOn: '2026-11-19',
        endsOn: '2026-11-19',
        pairs: null,
        reason: 'business_trip',
        documentRef: null,
      },
      head,
    );
    const e = await refusal('subs.assign', { absenceId, lessonIds: [589], substituteId: 16 }, head);
    expect(e.code).toBe('CLASH');
    expect(e.message).toContain('сам отсутствует (командировка, 19.11.2026 – 19.11.2026)');
  });

  it('reports the month: hours are two per covered lesson, per substitute and per absent teacher', async () => {
    const r = await call<{
      substitutes: Array<{ teacher: { id: number }; lessons: number; hours: number }>;
      absent: Array<{
        teacher: { id: number };
        reason: string;
        missed: number;
        covered: number;
        uncovered: number;
      }>;
      total: { missed: number; covered: number; hours: number };
    }>('subs.report', { month: '2026-11' }, head);
    // November: teacher 15's absence (589 and 605, both now covered by 17) and teacher 16's (no lessons of
    // theirs on 19 Nov), plus the demo's own absence of teacher 18 (another department, not counted here).
    const covered = sql
      .prepare(
        `SELECT s.substitute_teacher_id t, count(*) n FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
         JOIN teacher_departments td ON td.teacher_id = s.absent_teacher_id AND td.department_id = 1
         WHERE s.cancelled_at IS NULL AND l.date BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY 1`,
      )
      .all() as Array<{ t: number; n: number }>;
    expect(r.substitutes.map((s) => [s.teacher.id, s.lessons, s.hours])).toEqual(
      covered.map((c) => [c.t, c.n, 2 * c.n]),
    );
    expect(r.total.hours).toBe(2 * covered.reduce((s, c) => s + c.n, 0));
    expect(r.absent.find((a) => a.teacher.id === 15)).toMatchObject({
      reason: 'illness',
      missed: 2,
      covered: 2,
      uncovered: 0,
    });
    // The Excel file holds the same numbers, as numbers.
    const file = await call<{ base64: string; fileName: string }>(
      'subs.reportExport',
      { month: '2026-11' },
      head,
    );
    const dir = mkdtempSync(join(tmpdir(), 'avn-cover-test-'));
    const path = join(dir, file.fileName);
    writeFileSync(path, Buffer.from(file.base64, 'base64'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0];
    const cells: unknown[][] = [];
    ws?.eachRow((row) => cells.push((row.values as unknown[]).slice(1)));
    const hoursCells = cells.filter((row) => typeof row[2] === 'number').map((row) => row[2]);
    expect(hoursCells).toContain(r.total.hours);
  });

  it('prints the order: the absent teacher, every lesson and its substitute, signature lines', async () => {
    const file = await call<{ base64: string; fileName: string; mime: string }>(
      'subs.order',
      { absenceId },
      head,
    );
    expect(file.mime).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'avn-order-test-'));
    const path = join(dir, 'order.pdf');
    writeFileSync(path, Buffer.from(file.base64, 'base64'));
    execFileSync('qpdf', ['--check', path]);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    const name = (id: number) => {
      const t = sql.prepare('SELECT last_name l FROM teachers WHERE id = ?').get(id) as { l: string };
      return t.l;
    };
    expect(text).toContain('Распоряжение о замене занятий');
    expect(text).toContain(name(15));
    expect(text).toContain(name(17));
    expect(text).toContain('19.11.2026');
    expect(text).toContain('20.11.2026');
    expect(text).toContain('больничный лист № 12');
    expect(text).toContain('Заведующий кафедрой');
    expect(text).toContain('стр. 1 из 1');
  });

  it('gives the head rights only within their departments', async () => {
    const someone = sessionUserOf(
      app.db,
      (sql.prepare("SELECT id FROM users WHERE login = 'dean2'").get() as { id: number }).id,
    );
    expect(someone).toBeTruthy();
    const e = await refusal('subs.assign', { absenceId, lessonIds: [589], substituteId: 17 }, dean);
    expect(e.code).toBe('ROLE_FORBIDDEN');
  });
});
