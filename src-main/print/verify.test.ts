import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type App } from '../boot';
import { runCli } from '../cli';
import { DEMO_NOW, callOk, lessonMembers, login, tinyReplica } from '../../tests/helpers/replica';
import { printJournals } from './batch';
import { parseJournalNumber, readPrintedCodes, verifyPrinted } from './verify';

/**
 * A printed journal verified against the replica: untouched, it matches; after a mark is changed it
 * does not, and the changed cell is named with who changed it — through the API and through
 * `npm run cli -- verify`, which reads the code printed on the pages.
 */
let app: App;
let clock = DEMO_NOW;
let dbPath = '';
const dir = mkdtempSync(join(tmpdir(), 'avn-verify-test-'));

beforeAll(() => {
  dbPath = tinyReplica();
  app = boot({ dbPath, now: () => clock, demoIfMissing: null, log: () => undefined });
});
afterAll(() => app.close());

async function cli(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCli([...args, '--db', dbPath], {
    log: (l) => lines.push(l),
    progress: () => undefined,
    done: () => undefined,
  });
  return { code, lines };
}

describe('verify a printed journal', () => {
  it('matches untouched, and names the changed cell and who changed it after a mark changes', async () => {
    // The `teacher` account's own offering, printed now.
    const sql = app.db.$client;
    const teacherId = (
      sql.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number }
    ).t;
    const lesson = sql
      .prepare(
        `SELECT l.id, l.offering_id o, o.group_id g FROM lessons l JOIN offerings o ON o.id = l.offering_id
        WHERE o.teacher_id = ? AND l.status = 'scheduled' AND l.date < '2026-11-26' AND o.subgroup_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
        AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date DESC LIMIT 1`,
      )
      .get(teacherId) as { id: number; o: number; g: number };
    const files = await printJournals(app.db, { unit: { kind: 'group', id: lesson.g } }, join(dir, 'out'), {
      locale: 'ru',
      now: clock,
    });
    const file = files[0]?.file ?? '';
    const printed = await readPrintedCodes(readFileSync(file));
    expect(printed.map((p) => p.code).sort()).toEqual(files[0]?.journals.map((j) => j.code).sort());
    const ours = printed.find((p) => parseJournalNumber(p.number)?.offeringId === lesson.o);
    if (!ours) throw new Error('the printed journal is not in the file');
    expect(verifyPrinted(app.db, ours, clock)).toMatchObject({ matches: true, changes: [] });
    expect(await cli(['verify', file])).toMatchObject({ code: 0 });

    // An hour later the teacher changes one cell.
    clock += 3_600_000;
    const session = await login(app, 'teacher');
    const student = lessonMembers(app, lesson.id)[0];
    const before = sql
      .prepare('SELECT attendance FROM marks WHERE lesson_id = ? AND student_id = ?')
      .get(lesson.id, student) as { attendance: string } | undefined;
    await callOk(
      app,
      'journal.setMarks',
      {
        lessonId: lesson.id,
        marks: [{ studentId: student, attendance: before?.attendance === 'a' ? 'p' : 'a', grade: null }],
      },
      session,
    );
    const verdict = verifyPrinted(app.db, ours, clock);
    expect(verdict.matches).toBe(false);
    expect(verdict.current).not.toBe(ours.code);
    const name = sql.prepare('SELECT last_name l FROM students WHERE id = ?').get(student) as { l: string };
    const cell = verdict.changes.find((c) => c.kind === 'cell');
    expect(cell?.student).toContain(name.l);
    expect(cell?.by).toBe(
      (sql.prepare("SELECT display_name n FROM users WHERE login = 'teacher'").get() as { n: string }).n,
    );
    // The other journals of the file still match; the CLI says which one does not and exits 1.
    const r = await cli(['verify', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.lines.filter((l) => l.includes('совпадает с репликой'))).toHaveLength(printed.length - 1);
    expect(r.lines.join('\n')).toContain(`${ours.number} код ${ours.code}`);
    expect(r.lines.join('\n')).toMatch(new RegExp(`${name.l}.*: теперь «(нб|\\+)»`));
  });

  it('says so when a file holds no printed code', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const file = join(dir, 'blank.pdf');
    writeFileSync(file, await pdf.save());
    const r = await cli(['verify', '--file', file]);
    expect(r).toEqual({ code: 1, lines: ['В файле нет напечатанного кода проверки журнала'] });
  });
});
