import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { reapplyOutbox } from '../../src-main/db/write-path';
import { sessionUserOf } from '../../src-main/db/users.repo';
import { registerDocuments } from '../../src-main/print/documents-register';
import { replicaColumns, TableWriter } from '../../src-main/sync/rows';
import type { ArchiveJobView } from '../../src-shared/contract/archive.contract';
import type { PaperView, PrintJobView } from '../../src-shared/contract/print.contract';
import { MUTATION_NAMES, type MutationName } from '../../src-shared/sync/mutations';
import { SYNCED_TABLES, type SyncedTable } from '../../src-shared/sync/tables';
import { DEFAULT_DEMO_DATE, DEMO_TIME } from '../../src-main/demo/generate';
import { callOk, DEMO_NOW, lessonMembers, login, tinyReplica } from '../helpers/replica';

/**
 * Issue 13: "the re-apply after a resync produces the same rows as the handler, for every mutation".
 * For each mutation of the registry a producer makes the desktop's real API (`app.dispatch`, the UI's
 * door) queue it on replica A. Replica B gets what a new download would give it — A's synced rows as
 * they were before the edit, and the refused edits a download keeps — then A's outbox, and
 * `reapplyOutbox`. B's synced rows must then equal A's, every column of every table. (The same through
 * a real gateway and MUST_RESYNC: reapply-resync.test.ts.)
 */
const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

type Sqlite = Database.Database;
type Login = 'dean' | 'head' | 'teacher' | 'archivist';

/** A replica under test: the app, its SQLite handle, and its API as a demo account (logged in once). */
type Run = {
  app: App;
  sql: Sqlite;
  call: <T = unknown>(account: Login, method: string, input: unknown) => Promise<T>;
};

/**
 * Sets the scene on A — what the centre already holds: rows written as a download would have brought
 * them, or made through the API (their outbox entries are dropped before the edit, as pushed and
 * acknowledged) — and returns the edit itself, which must queue the mutation. An account logs in at its
 * first call (a login writes no synced row; if it did, the comparison would show it).
 */
type Edit = () => Promise<unknown>;
type Producer = (r: Run) => Edit | Promise<Edit>;

/** A fresh copy of the tiny demo with the fixed clock; its folder goes when the test ends. */
function replica(): Run {
  const file = tinyReplica();
  const app = boot({ dbPath: file, now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined });
  cleanup.push(() => {
    app.close();
    rmSync(dirname(file), { recursive: true, force: true });
  });
  const sessions = new Map<Login, string>();
  const call = async <T>(account: Login, method: string, input: unknown) => {
    let session = sessions.get(account);
    if (!session) sessions.set(account, (session = await login(app, account)));
    return callOk<T>(app, method, input, session);
  };
  return { app, sql: app.db.$client, call };
}

const one = <T>(sql: Sqlite, query: string, ...params: unknown[]): T => {
  const row = sql.prepare(query).get(...params) as T | undefined;
  if (row === undefined) throw new Error(`the tiny demo has no row for: ${query}`);
  return row;
};
const userId = (sql: Sqlite, account: string) =>
  one<{ id: number }>(sql, 'SELECT id FROM users WHERE login = ?', account).id;
const teacherOf = (sql: Sqlite, account: string) =>
  one<{ t: number }>(sql, 'SELECT teacher_id AS t FROM users WHERE login = ?', account).t;

/** The demo teacher's lesson of today that has begun and holds neither topic nor marks yet. */
function todaysLesson(sql: Sqlite): number {
  return one<{ id: number }>(
    sql,
    `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN bell_pairs b ON b.number = l.pair
     JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher'
     WHERE l.date = ? AND b.starts_at < ? AND l.status = 'scheduled' AND l.topic IS NULL
       AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id) ORDER BY l.pair LIMIT 1`,
    DEFAULT_DEMO_DATE,
    DEMO_TIME,
  ).id;
}

/** A group of faculty 1 with offerings (printed by the dean, packaged by the archivist). */
const groupOf = (sql: Sqlite) =>
  one<{ id: number }>(
    sql,
    'SELECT g.id FROM groups g WHERE g.faculty_id = 1 AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1',
  ).id;

async function untilDone<T extends { state: string }>(first: T, poll: () => Promise<T>): Promise<T> {
  let job = first;
  while (job.state === 'running') {
    await new Promise((ok) => setTimeout(ok, 20));
    job = await poll();
  }
  expect(job.state).toBe('done');
  return job;
}

/** The dean prints a group's journals: each enters the paper register (`paper.printed`). */
async function printGroup(r: Run): Promise<void> {
  const job = await r.call<PrintJobView>('dean', 'print.start', {
    unit: { kind: 'group', id: groupOf(r.sql) },
  });
  await untilDone(job, () => r.call<PrintJobView>('dean', 'print.job', { jobId: job.id }));
}

async function firstPaper(r: Run): Promise<string> {
  await printGroup(r);
  const items = (await r.call<{ items: PaperView[] }>('dean', 'print.register', {})).items;
  const first = items[0];
  if (!first) throw new Error('nothing was registered');
  return first.id;
}

/** The archivist packages a group's current semester: the package enters the register (`archive.registered`). */
async function makePackage(r: Run): Promise<string> {
  const job = await r.call<ArchiveJobView>('archivist', 'archive.start', {
    unit: { kind: 'group', id: groupOf(r.sql) },
  });
  const done = await untilDone(job, () =>
    r.call<ArchiveJobView>('archivist', 'archive.job', { jobId: job.id }),
  );
  const file = done.result?.file;
  if (!file) throw new Error('the package has no file');
  return file;
}

const OLD_YEAR = 90;
const PACKAGE = '0190a0a0-0000-7000-8000-0000000000a1';

/** An expired year (2019–2020) and a verified package of faculty 1 covering it, as downloaded. */
function expiredYearWithPackage(sql: Sqlite): void {
  const archivist = userId(sql, 'archivist');
  const ref = `1, ${DEMO_NOW}, NULL`;
  sql.exec(`INSERT INTO academic_years (id, name, starts_on, ends_on, row_version, updated_at, updated_by)
    VALUES (${OLD_YEAR}, '2019–2020', '2019-09-01', '2020-08-31', ${ref});
    INSERT INTO semesters (id, academic_year_id, number, starts_on, ends_on, row_version, updated_at, updated_by)
    VALUES (901, ${OLD_YEAR}, 1, '2019-09-01', '2020-01-31', ${ref}), (902, ${OLD_YEAR}, 2, '2020-02-01', '2020-06-30', ${ref});
    INSERT INTO archive_packages (id, unit_kind, unit_id, period_kind, period_id, academic_year_id, file_name, size_bytes,
      digest, counts, made_at, made_by, verified_at, verified_by, row_version, updated_at, updated_by)
    VALUES ('${PACKAGE}', 'faculty', 1, 'year', ${OLD_YEAR}, ${OLD_YEAR}, 'faculty-1-2019-2020.zip', 1000,
      '${'ab'.repeat(32)}', '{"marks":10}', ${DEMO_NOW}, ${archivist}, ${DEMO_NOW}, ${archivist}, ${ref});`);
}

/** Every mutation of the registry, made through the API that makes it. Typed: none may be missing. */
const PRODUCERS: { readonly [N in MutationName]: Producer } = {
  'marks.set': async (r) => {
    const lessonId = todaysLesson(r.sql);
    // The topic is in already: the marks complete the lesson (its completed_at is part of the effect).
    await r.call('teacher', 'journal.setTopic', { lessonId, topic: 'Тема 7. Массивы' });
    const marks = lessonMembers(r.app, lessonId).map((studentId, i) => ({
      studentId,
      attendance: i === 0 ? 'a' : 'p',
      grade: i % 2 === 1 ? 5 : null,
    }));
    return () => r.call('teacher', 'journal.setMarks', { lessonId, marks });
  },
  'lessons.setTopic': async (r) => {
    const lessonId = todaysLesson(r.sql);
    const marks = lessonMembers(r.app, lessonId).map((studentId) => ({
      studentId,
      attendance: 'p',
      grade: null,
    }));
    await r.call('teacher', 'journal.setMarks', { lessonId, marks });
    return () => r.call('teacher', 'journal.setTopic', { lessonId, topic: 'Тема 8. Строки' });
  },
  'locks.close': (r) => {
    const o = one<{ id: number; g: number }>(
      r.sql,
      `SELECT o.id, o.group_id g FROM offerings o JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher'
       JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) ORDER BY o.id LIMIT 1`,
    );
    // Every intermediate result is in (entered in AVN, downloaded).
    const members = r.sql
      .prepare(
        'SELECT student_id s FROM enrolments WHERE group_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)',
      )
      .all(o.g, DEFAULT_DEMO_DATE, DEFAULT_DEMO_DATE) as Array<{ s: number }>;
    const ins = r.sql
      .prepare(`INSERT INTO assessments (id, offering_id, student_id, kind, ordinal, date, grade, row_version, updated_at)
      VALUES (?, ?, ?, 'intermediate', 1, '2026-11-25', 4, 1, ${DEMO_NOW})`);
    members.forEach((m, i) => ins.run(900_000 + i, o.id, m.s));
    return () => r.call('teacher', 'journal.close', { offeringId: o.id });
  },
  'unlocks.grant': (r) => {
    const l = one<{ offeringId: number; lessonId: number }>(
      r.sql,
      `SELECT k.offering_id AS offeringId, l.id AS lessonId FROM locks k JOIN offerings o ON o.id = k.offering_id
       JOIN groups g ON g.id = o.group_id JOIN lessons l ON l.offering_id = o.id AND l.date < k.closed_on
       WHERE g.faculty_id = 1 ORDER BY k.offering_id, l.date DESC LIMIT 1`,
    );
    return () => r.call('dean', 'journal.unlock', { ...l, days: 3, reason: 'Ошибка в ведомости' });
  },
  'messages.send': (r) => {
    const toUserId = userId(r.sql, 'teacher');
    return () =>
      r.call('dean', 'messages.send', {
        toUserId,
        kind: 'notice',
        subject: 'Журнал',
        body: 'Заполните занятия',
      });
  },
  'checks.record': (r) => () => r.call('dean', 'control.record', { week: '2026-W47', comment: 'Проверено' }),
  'absences.register': (r) => {
    const teacherId = teacherOf(r.sql, 'curator');
    return () =>
      r.call('head', 'subs.registerAbsence', {
        teacherId,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'illness',
        documentRef: '№ 12',
      });
  },
  'substitutions.assign': async (r) => {
    const teacherId = teacherOf(r.sql, 'curator');
    const reg = await r.call<{ absence: { id: string } }>('head', 'subs.registerAbsence', {
      teacherId,
      startsOn: '2026-11-18',
      endsOn: '2026-11-20',
      pairs: null,
      reason: 'training',
      documentRef: null,
    });
    const lessonId = one<{ id: number }>(
      r.sql,
      `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id
       WHERE o.teacher_id = ? AND l.date BETWEEN '2026-11-18' AND '2026-11-20' ORDER BY l.date, l.pair LIMIT 1`,
      teacherId,
    ).id;
    const substituteId = teacherOf(r.sql, 'teacher');
    return () =>
      r.call('head', 'subs.assign', {
        absenceId: reg.absence.id,
        lessonIds: [lessonId],
        substituteId,
        notify: true,
      });
  },
  'substitutions.cancel': (r) => {
    const s = one<{ id: string }>(
      r.sql,
      `SELECT s.id FROM substitutions s JOIN teacher_departments td ON td.teacher_id = s.absent_teacher_id
       WHERE td.department_id = 1 AND s.cancelled_at IS NULL ORDER BY s.id LIMIT 1`,
    );
    return () => r.call('head', 'subs.cancel', { substitutionIds: [s.id] });
  },
  'paper.printed': (r) => () => printGroup(r),
  'paper.signed': async (r) => {
    const paperId = await firstPaper(r);
    return () => r.call('dean', 'print.setSigned', { paperId, signedOn: '2026-11-25' });
  },
  'paper.archived': async (r) => {
    const paperId = await firstPaper(r);
    return () =>
      r.call('dean', 'print.setArchived', { paperId, archivedOn: DEFAULT_DEMO_DATE, transferAct: 'Акт № 3' });
  },
  // No screen registers other documents yet (their generators call registerDocuments when wired): the
  // desktop function itself, as the dean — an act of faculty 1's check in both languages, twins.
  'document.printed': (r) => () => {
    const dean = userId(r.sql, 'dean');
    const found = sessionUserOf(r.app.db, dean);
    if (!found) throw new Error('no dean');
    const actor = {
      userId: dean,
      teacherId: null,
      grants: found.grants,
      deviceId: r.app.deps.deviceId,
      now: DEMO_NOW,
    };
    const act = (locale: 'ru' | 'ky', number: string, twin: string) =>
      ({
        number,
        kind: 'act',
        locale,
        code: 'ABCD-EFGH-JKMN',
        pages: 2,
        subject: { kind: 'faculty', id: 1 },
        twin,
      }) as const;
    return Promise.resolve(
      registerDocuments(r.app.db, actor, [
        act('ru', 'АКТ-20261126-133000', 'АКТ-20261126-133001'),
        act('ky', 'АКТ-20261126-133001', 'АКТ-20261126-133000'),
      ]),
    );
  },
  'archive.registered': (r) => () => makePackage(r),
  'archive.verified': async (r) => {
    const file = await makePackage(r);
    return () => r.call('archivist', 'archive.verify', { name: basename(file) });
  },
  'archive.purge': (r) => {
    expiredYearWithPackage(r.sql);
    return () =>
      r.call('archivist', 'retention.purge', {
        academicYearId: OLD_YEAR,
        unit: { kind: 'faculty', id: 1 },
        packageId: PACKAGE,
        confirm: '2019–2020',
      });
  },
  'conflicts.resolve': (r) => {
    // A refused mark of the teacher, stored as the engine's settle() stores a permanent refusal.
    const mark = one<Record<string, unknown>>(
      r.sql,
      `SELECT m.* FROM marks m JOIN lessons l ON l.id = m.lesson_id JOIN offerings o ON o.id = l.offering_id
       JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher' ORDER BY l.date DESC, m.student_id LIMIT 1`,
    );
    const args = { lessonId: mark.lesson_id, studentId: mark.student_id, attendance: 'e', grade: null };
    const conflictId = Number(
      r.sql
        .prepare(
          `INSERT INTO sync_conflicts (mutation_id, name, args, base_version, outcome, reason, code, server_row, created_at, user_id)
           VALUES ('0190a0a0-0000-7000-8000-0000000000c1', 'marks.set', ?, 0, 'CONFLICT', 'stale', 'stale', ?, ?, ?)`,
        )
        .run(JSON.stringify(args), JSON.stringify(mark), DEMO_NOW, userId(r.sql, 'teacher')).lastInsertRowid,
    );
    return () => r.call('teacher', 'sync.resolve', { conflictId, resolution: 'keep_theirs' });
  },
};

/** Mutations whose effect lives only centrally (a message for AVN, a resolution): no synced row changes. */
const CENTRAL_ONLY: ReadonlySet<MutationName> = new Set(['messages.send', 'conflicts.resolve']);

type Rows = Map<string, unknown[][]>;

/** A synced table's rows (those `where` picks), every synced column in the replica's order. */
function tableRows(sql: Sqlite, t: SyncedTable, where = '1 = 1', params: unknown[] = []): unknown[][] {
  const cols = replicaColumns(t).map((c) => `"${c}"`);
  return sql
    .prepare(`SELECT ${cols.join(', ')} FROM "${t.name}" WHERE ${where}`)
    .raw()
    .all(...params) as unknown[][];
}

/** Every synced table's rows. */
const syncedRows = (sql: Sqlite): Rows => new Map(SYNCED_TABLES.map((t) => [t.name, tableRows(sql, t)]));

/** The first table whose rows differ, with a few rows found on only one side; null when equal. */
function difference(a: Rows, b: Rows, names: [string, string]): string | null {
  for (const t of SYNCED_TABLES) {
    const x = (a.get(t.name) ?? []).map((r) => JSON.stringify(r)).sort();
    const y = (b.get(t.name) ?? []).map((r) => JSON.stringify(r)).sort();
    if (x.length === y.length && x.every((r, i) => r === y[i])) continue;
    const only = (p: string[], q: string[]) => {
      const other = new Set(q);
      return p
        .filter((r) => !other.has(r))
        .slice(0, 3)
        .join(' ');
    };
    return `${t.name} (${replicaColumns(t).join(', ')}): ${names[0]} ${x.length} rows, ${names[1]} ${y.length}; only ${names[0]}: ${only(x, y)}; only ${names[1]}: ${only(y, x)}`;
  }
  return null;
}

/** What a new download writes (as the engine's snapshot does): every synced table emptied and refilled. */
function download(sql: Sqlite, rows: Rows): void {
  sql.pragma('foreign_keys = OFF');
  try {
    sql.transaction(() => {
      sql.prepare('DELETE FROM lesson_fill').run();
      for (const t of [...SYNCED_TABLES].reverse()) sql.prepare(`DELETE FROM "${t.name}"`).run();
      for (const t of SYNCED_TABLES) {
        const w = new TableWriter(sql, t, replicaColumns(t));
        for (const r of rows.get(t.name) ?? []) w.insert(r);
      }
    })();
  } finally {
    sql.pragma('foreign_keys = ON');
  }
}

/** Copy a local table's rows, every column, from one replica to another. */
function copyRows(from: Sqlite, to: Sqlite, table: 'outbox' | 'sync_conflicts'): void {
  for (const row of from.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>) {
    const cols = Object.keys(row);
    to.prepare(
      `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    ).run(...cols.map((c) => row[c]));
  }
}

describe('the re-apply after a new download', () => {
  it.each(MUTATION_NAMES)('%s: B re-applying A’s outbox has A’s rows, column by column', async (name) => {
    const a = replica();
    const b = replica();
    const edit = await PRODUCERS[name](a);
    // What the scene queued reached the centre: the download below brings it.
    a.sql.prepare('DELETE FROM outbox').run();
    const before = syncedRows(a.sql);
    download(b.sql, before);
    copyRows(a.sql, b.sql, 'sync_conflicts');
    expect(difference(before, syncedRows(b.sql), ['A', 'B'])).toBeNull();

    await edit();
    const after = syncedRows(a.sql);
    const queued = (
      a.sql.prepare('SELECT name FROM outbox ORDER BY local_seq').all() as Array<{ name: string }>
    ).map((o) => o.name);
    expect(queued, 'the producer queues the mutation it stands for').toContain(name);
    if (CENTRAL_ONLY.has(name)) expect(difference(before, after, ['before', 'after'])).toBeNull();
    else expect(difference(before, after, ['before', 'after']), 'the edit changed no row').not.toBeNull();

    copyRows(a.sql, b.sql, 'outbox');
    b.sql.transaction(() => reapplyOutbox(b.sql))();
    const diff = difference(after, syncedRows(b.sql), ['handler', 're-apply']);
    expect(diff, `${name}: ${diff ?? ''}`).toBeNull();
  });
});
