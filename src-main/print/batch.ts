import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { bishkekDate } from '../../src-shared/domain/time';
import type { Locale } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { jobContext, type JobOptions } from '../jobs/job';
import { printedJournal } from './journal-data';
import { journalsPdf, type JournalDoc } from './journal-pdf';
import { journalNumber } from './verify';

/**
 * Batch printing (issue 6): every journal of a faculty, department or group for a semester — or a
 * teacher's own journals — one PDF per group (or one combined file), with progress and cancel. Each
 * journal gets its own document number and verification code.
 */

/** The units of the university that print and archive pickers list. */
export type UnitKind = 'faculty' | 'department' | 'group';

/** What to print: a unit, or (`teacher`, by teacher id) the journals of one teacher's offerings. */
export type PrintUnit = { kind: UnitKind | 'teacher'; id: number };

export type PrintedFile = {
  file: string;
  group: string;
  locale: Locale;
  pages: number;
  journals: Array<{
    offeringId: number;
    number: string;
    code: string;
    pages: number;
    /** The number of the same journal printed in the other language by the same job. */
    twin: string | null;
  }>;
};

/** The semester to print: the one asked for, else the one the replica's today falls in, else the latest begun. */
export function semesterToPrint(db: Db, now: number, semesterId?: number): number {
  if (semesterId !== undefined) {
    const s = db.get<{ id: number }>(sql`SELECT id FROM semesters WHERE id = ${semesterId}`);
    if (!s) throw new Error(`no semester ${semesterId} in the replica`);
    return s.id;
  }
  const today = bishkekDate(now);
  const s =
    db.get<{ id: number }>(
      sql`SELECT id FROM semesters WHERE starts_on <= ${today} AND ends_on >= ${today} ORDER BY starts_on DESC LIMIT 1`,
    ) ??
    db.get<{ id: number }>(
      sql`SELECT id FROM semesters WHERE starts_on <= ${today} ORDER BY starts_on DESC LIMIT 1`,
    );
  if (!s) throw new Error('the replica has no semester that has begun');
  return s.id;
}

/** A faculty, department or group of the replica with its name and the facts role rules take. */
export type UnitListing = { kind: UnitKind; id: number } & {
  name: { ru: string; ky: string };
  target: { faculty: number; department: number | null };
};

/**
 * Every faculty, every department and every group with offerings, for the unit pickers of printing and
 * archiving (each filters them by its own role rule on `target`).
 */
export function listUnits(db: Db): UnitListing[] {
  const faculties = db.all<{ id: number; ru: string; ky: string }>(
    sql`SELECT id, name_ru AS ru, name_ky AS ky FROM faculties ORDER BY id`,
  );
  const departments = db.all<{ id: number; f: number; ru: string; ky: string }>(
    sql`SELECT id, faculty_id AS f, name_ru AS ru, name_ky AS ky FROM departments ORDER BY name_ru`,
  );
  const groups = db.all<{ id: number; f: number; code: string }>(
    sql`SELECT g.id, g.faculty_id AS f, g.code FROM groups g
      WHERE EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.code`,
  );
  return [
    ...faculties.map((f) => ({
      kind: 'faculty' as const,
      id: f.id,
      name: { ru: f.ru, ky: f.ky },
      target: { faculty: f.id, department: null },
    })),
    ...departments.map((d) => ({
      kind: 'department' as const,
      id: d.id,
      name: { ru: d.ru, ky: d.ky },
      target: { faculty: d.f, department: d.id },
    })),
    ...groups.map((g) => ({
      kind: 'group' as const,
      id: g.id,
      name: { ru: g.code, ky: g.code },
      target: { faculty: g.f, department: null },
    })),
  ];
}

/**
 * Offerings `o` (joined with their group `g`) of a faculty, department or group, or a teacher's own;
 * everything for null.
 */
export function unitOfferingsWhere(unit: PrintUnit | null): SQL {
  if (unit === null) return sql`1 = 1`;
  switch (unit.kind) {
    case 'faculty':
      return sql`g.faculty_id = ${unit.id}`;
    case 'department':
      return sql`o.department_id = ${unit.id}`;
    case 'group':
      return sql`o.group_id = ${unit.id}`;
    case 'teacher':
      return sql`o.teacher_id = ${unit.id}`;
  }
}

/** Offerings to print, by group: those with timetabled lessons (not self-study), in the unit. */
export function offeringsToPrint(
  db: Db,
  semesterId: number,
  unit: PrintUnit | null,
): Array<{ groupId: number; group: string; offeringIds: number[] }> {
  const where = unitOfferingsWhere(unit);
  const rows = db.all<{ id: number; groupId: number; group: string }>(sql`
    SELECT o.id, o.group_id AS groupId, g.code AS "group" FROM offerings o
    JOIN groups g ON g.id = o.group_id JOIN disciplines d ON d.id = o.discipline_id
    LEFT JOIN subgroups sg ON sg.id = o.subgroup_id
    WHERE o.semester_id = ${semesterId} AND o.lesson_kind <> 'self_study' AND ${where}
    ORDER BY g.code, d.name_ru, o.lesson_kind, coalesce(sg.name, ''), o.id`);
  const out: Array<{ groupId: number; group: string; offeringIds: number[] }> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last?.groupId === r.groupId) last.offeringIds.push(r.id);
    else out.push({ groupId: r.groupId, group: r.group, offeringIds: [r.id] });
  }
  return out;
}

const safeName = (s: string) => s.replace(/[\\/:*?"<>|\s]+/g, '_');

/**
 * Print the journals of a unit and semester into `outDir`; returns the files written. `bilingual`:
 * every journal in Russian and in Kyrgyz, a file per group and language, each print with its own
 * number naming the other's.
 */
export async function printJournals(
  db: Db,
  input: { semesterId?: number; unit: PrintUnit | null; combined?: boolean; bilingual?: boolean },
  outDir: string,
  opts: JobOptions & { locale: Locale; now: number },
): Promise<PrintedFile[]> {
  const ctx = jobContext(opts);
  const semesterId = semesterToPrint(db, opts.now, input.semesterId);
  const groups = offeringsToPrint(db, semesterId, input.unit);
  const locales: Locale[] = input.bilingual ? ['ru', 'ky'] : [opts.locale];
  const total = groups.reduce((s, g) => s + g.offeringIds.length, 0) * locales.length;
  mkdirSync(outDir, { recursive: true });
  let done = 0;
  const files: PrintedFile[] = [];
  const batches = input.combined
    ? [{ group: 'journals', offeringIds: groups.flatMap((g) => g.offeringIds) }]
    : groups;
  const other = (l: Locale): Locale => (l === 'ru' ? 'ky' : 'ru');
  for (const g of batches)
    for (const locale of locales) {
      ctx.checkCancelled();
      const docs: JournalDoc[] = [];
      for (const offeringId of g.offeringIds) {
        const journal = printedJournal(db, offeringId, opts.now, locale);
        if (!journal) continue;
        docs.push({
          journal,
          number: journalNumber(offeringId, opts.now, locale),
          twin: input.bilingual ? journalNumber(offeringId, opts.now, other(locale)) : null,
        });
      }
      const pdf = await journalsPdf(docs, { locale, now: opts.now, onPage: () => ctx.checkCancelled() });
      const file = join(outDir, `${safeName(g.group)}${input.bilingual ? `_${locale}` : ''}.pdf`);
      writeFileSync(`${file}.part`, pdf.bytes);
      renameSync(`${file}.part`, file);
      files.push({
        file,
        group: g.group,
        locale,
        pages: pdf.pages.reduce((s, n) => s + n, 0),
        journals: docs.map((d, i) => ({
          offeringId: d.journal.offeringId,
          number: d.number,
          code: pdf.codes[i] ?? '',
          pages: pdf.pages[i] ?? 0,
          twin: d.twin ?? null,
        })),
      });
      done += g.offeringIds.length;
      ctx.progress('print', done, total);
    }
  return files;
}
