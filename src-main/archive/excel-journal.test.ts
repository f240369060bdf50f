import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellText, markIndex, printedTotals, type PrintedJournal } from '../../src-shared/domain/print';
import { formatDayMonthNumeric } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { bootTiny, DEMO_NOW } from '../../tests/helpers/replica';
import type { App } from '../boot';
import { sheetName } from '../export/excel';
import { CancelledError } from '../jobs/job';
import { printedJournal } from '../print/journal-data';
import { groupsOfOfferings, journalSheetName, writeGroupJournalWorkbook } from './excel-journal';

/**
 * The Excel journals of an archive package, written from the tiny demo and read back with exceljs:
 * every grid cell, topic and total equals the printed journal's; cancelling leaves no file; a stream
 * receives a whole workbook.
 */
let app: App;
const dir = mkdtempSync(join(tmpdir(), 'avn-excel-journal-'));

beforeAll(() => {
  app = bootTiny();
});
afterAll(() => app.close());

/** A group of the tiny demo with assessment results, or with a lesson taken by a substitute; its offerings. */
function groupWith(what: 'results' | 'substitute'): { groupId: number; code: string; offeringIds: number[] } {
  const { groupId } = app.db.$client
    .prepare(
      what === 'results'
        ? `SELECT o.group_id AS groupId FROM assessments a JOIN offerings o ON o.id = a.offering_id
          WHERE a.kind IN ('intermediate', 'exam') GROUP BY o.group_id ORDER BY count(*) DESC, o.group_id LIMIT 1`
        : `SELECT o.group_id AS groupId FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
          JOIN offerings o ON o.id = l.offering_id WHERE s.cancelled_at IS NULL AND l.status = 'scheduled'
          GROUP BY o.group_id ORDER BY count(*) DESC, o.group_id LIMIT 1`,
    )
    .get() as { groupId: number };
  const ids = (
    app.db.$client
      .prepare(`SELECT id FROM offerings WHERE group_id = ? AND lesson_kind <> 'self_study'`)
      .all(groupId) as Array<{ id: number }>
  ).map((r) => r.id);
  const [group] = groupsOfOfferings(app.db, ids);
  if (!group || group.offeringIds.length < 2) throw new Error('the tiny demo has no group with two journals');
  return group;
}

const journal = (offeringId: number, locale: Locale = 'ru'): PrintedJournal => {
  const j = printedJournal(app.db, offeringId, DEMO_NOW, locale);
  if (!j) throw new Error(`no journal ${offeringId}`);
  return j;
};

const kindShort = (offeringId: number, locale: Locale) => {
  const { kind } = app.db.$client
    .prepare('SELECT lesson_kind AS kind FROM offerings WHERE id = ?')
    .get(offeringId) as { kind: string };
  return translate(locale, `kind.${kind}.short` as MessageKey);
};

/** The sheet names the workbook should have, in order. */
function expectedNames(offeringIds: readonly number[], locale: Locale): string[] {
  const taken = new Set<string>();
  return offeringIds.map((id) => {
    const j = journal(id, locale);
    return sheetName(journalSheetName(j.discipline, kindShort(id, locale), j.subgroup), taken);
  });
}

/** A cell's value as text ('' for none; numbers as written). */
function text(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') throw new Error(`unexpected ${JSON.stringify(v)} in ${cell.address}`);
  return String(v);
}

/** The number of the first row at or after `from` whose cell in `col` reads `label`. */
function rowOf(ws: ExcelJS.Worksheet, col: number, label: string, from = 1): number {
  for (let r = from; r <= ws.rowCount; r++) if (text(ws.getRow(r).getCell(col)) === label) return r;
  throw new Error(`no row with «${label}» in ${ws.name}`);
}

/** The column of a header label in a row. */
function colOf(ws: ExcelJS.Worksheet, row: number, label: string): number {
  for (let c = 1; c <= ws.columnCount; c++) if (text(ws.getRow(row).getCell(c)) === label) return c;
  throw new Error(`no column «${label}» in row ${row} of ${ws.name}`);
}

/** Check one sheet against the printed journal: title, the whole grid, totals, lessons, results. */
function checkSheet(ws: ExcelJS.Worksheet, j: PrintedJournal, locale: Locale): void {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const title = [1, 2, 3, 4, 5].map((r) => text(ws.getRow(r).getCell(1))).join('\n');
  expect(title).toContain(j.discipline);
  expect(title).toContain(
    t('print.group', {
      group: j.group + (j.subgroup ? `, ${t('print.subgroup', { name: j.subgroup })}` : ''),
    }),
  );
  expect(title).toContain(t('print.title'));
  expect(title).toContain(j.teacher);

  // The grid: dates and pairs across, then one row per student with the cell texts and totals.
  const head = rowOf(ws, 2, t('print.col.student'));
  expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: head + 1 });
  const firstTotal = 3 + j.lessons.length;
  expect(text(ws.getRow(head).getCell(firstTotal))).toBe(t('print.col.absent'));
  expect(j.lessons.map((_, i) => text(ws.getRow(head).getCell(3 + i)))).toEqual(
    j.lessons.map((l) => formatDayMonthNumeric(l.date)),
  );
  expect(j.lessons.map((_, i) => text(ws.getRow(head + 1).getCell(3 + i)))).toEqual(
    j.lessons.map((l) => String(l.pair)),
  );
  const markAt = markIndex(j.marks);
  const rows = j.students.map((_, k) => ws.getRow(head + 2 + k));
  expect(rows.map((r) => text(r.getCell(2)))).toEqual(j.students.map((s) => s.name));
  expect(rows.map((r) => j.lessons.map((_, i) => text(r.getCell(3 + i))))).toEqual(
    j.students.map((s) => j.lessons.map((l) => cellText(markAt(l.id, s.id)))),
  );
  const totals = printedTotals(j);
  const mean = (c: ExcelJS.Cell) =>
    typeof c.value === 'number' ? c.value.toFixed(1).replace('.', ',') : text(c);
  expect(
    rows.map((r) => ({
      absent: Number(r.getCell(firstTotal).value),
      excused: Number(r.getCell(firstTotal + 1).value),
      mean: mean(r.getCell(firstTotal + 2)),
    })),
  ).toEqual(j.students.map((s) => totals.get(s.id)));
  expect(text(ws.getRow(head + 2 + j.students.length).getCell(1))).toBe(t('print.legend'));

  // The lessons table: topics, hours and who conducted, substitutes marked.
  const lessonsHead = rowOf(ws, 1, t('print.lessons'), head) + 1;
  const topic = colOf(ws, lessonsHead, t('print.col.topic'));
  const by = colOf(ws, lessonsHead, t('print.col.conducted'));
  const lessonRows = j.lessons.map((_, i) => ws.getRow(lessonsHead + 1 + i));
  expect(lessonRows.map((r) => text(r.getCell(topic)))).toEqual(j.lessons.map((l) => l.topic));
  expect(lessonRows.map((r) => text(r.getCell(2)))).toEqual(j.lessons.map((l) => l.date));
  expect(lessonRows.map((r) => text(r.getCell(by)))).toEqual(
    j.lessons.map((l) => l.conductedBy + (l.substitute ? ` ${t('print.substitute')}` : '')),
  );

  // The results table: one row per student with the record book and the results.
  const resultsHead = rowOf(ws, 1, t('print.results'), lessonsHead) + 1;
  const exam = colOf(ws, resultsHead, t('print.col.exam'));
  const intermediate = colOf(ws, resultsHead, t('print.col.intermediate'));
  const resultRows = j.students.map((_, k) => ws.getRow(resultsHead + 1 + k));
  expect(resultRows.map((r) => text(r.getCell(2)))).toEqual(j.students.map((s) => s.name));
  const of = (s: { id: number }, kind: 'exam' | 'intermediate') =>
    j.results
      .filter((r) => r.studentId === s.id && (r.kind === 'exam') === (kind === 'exam'))
      .map((r) => r.text)
      .join(', ');
  expect(resultRows.map((r) => [text(r.getCell(intermediate)), text(r.getCell(exam))])).toEqual(
    j.students.map((s) => [of(s, 'intermediate'), of(s, 'exam')]),
  );
}

describe('Excel journals of a group', () => {
  it('groups offerings by group code, then discipline and id', () => {
    const all = (
      app.db.$client.prepare('SELECT id FROM offerings ORDER BY id DESC').all() as Array<{ id: number }>
    ).map((r) => r.id);
    const groups = groupsOfOfferings(app.db, all);
    expect(groups.flatMap((g) => g.offeringIds).sort((a, b) => a - b)).toEqual(
      [...all].sort((a, b) => a - b),
    );
    const codes = groups.map((g) => g.code);
    expect(codes).toEqual([...codes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const of = app.db.$client.prepare(
      'SELECT o.group_id AS groupId, d.name_ru AS name FROM offerings o JOIN disciplines d ON d.id = o.discipline_id WHERE o.id = ?',
    );
    for (const g of groups) {
      const rows = g.offeringIds.map((id) => ({ id, ...(of.get(id) as { groupId: number; name: string }) }));
      expect(rows.every((r) => r.groupId === g.groupId)).toBe(true);
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1], rows[i]] as [(typeof rows)[0], (typeof rows)[0]];
        expect(a.name < b.name || (a.name === b.name && a.id < b.id)).toBe(true);
      }
    }
    expect(groupsOfOfferings(app.db, [])).toEqual([]);
  });

  it('writes one sheet per offering, each as the printed journal shows it', async () => {
    const g = groupWith('results');
    const order = [...g.offeringIds].reverse();
    const file = join(dir, `${g.code}.xlsx`);
    const r = await writeGroupJournalWorkbook(
      app.db,
      { groupId: g.groupId, offeringIds: order, now: DEMO_NOW, locale: 'ru' },
      file,
    );
    expect(r).toEqual({ sheets: order.length });
    expect(existsSync(`${file}.part`)).toBe(false);
    const wb = await new ExcelJS.Workbook().xlsx.readFile(file);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(expectedNames(order, 'ru'));
    const journals = order.map((id) => journal(id));
    expect(journals.some((j) => j.marks.length > 0)).toBe(true);
    expect(journals.some((j) => j.results.length > 0)).toBe(true);
    journals.forEach((j, i) => {
      const ws = wb.worksheets[i];
      if (!ws) throw new Error('missing sheet');
      checkSheet(ws, j, 'ru');
      expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true });
    });
  });

  it('refuses offerings of another group', async () => {
    const g = groupWith('results');
    const other = groupsOfOfferings(
      app.db,
      (app.db.$client.prepare('SELECT id FROM offerings').all() as Array<{ id: number }>).map((r) => r.id),
    ).find((x) => x.groupId !== g.groupId);
    if (!other) throw new Error('one group only');
    const file = join(dir, 'mixed.xlsx');
    await expect(
      writeGroupJournalWorkbook(
        app.db,
        {
          groupId: g.groupId,
          offeringIds: [...g.offeringIds, ...other.offeringIds],
          now: DEMO_NOW,
          locale: 'ru',
        },
        file,
      ),
    ).rejects.toThrow(/not of group/);
    expect(existsSync(file) || existsSync(`${file}.part`)).toBe(false);
  });

  it('fails, and does not hang, when the file cannot be written', async () => {
    const g = groupWith('results');
    await expect(
      writeGroupJournalWorkbook(
        app.db,
        { groupId: g.groupId, offeringIds: g.offeringIds, now: DEMO_NOW, locale: 'ru' },
        join(dir, 'no-such-folder', 'journals.xlsx'),
      ),
    ).rejects.toThrow(/ENOENT/);
  });

  it('stops when cancelled, before or between sheets, and leaves no file', async () => {
    const g = groupWith('results');
    const sub = mkdtempSync(join(dir, 'cancelled-'));
    const file = join(sub, 'journals.xlsx');
    const before = new AbortController();
    before.abort();
    await expect(
      writeGroupJournalWorkbook(
        app.db,
        {
          groupId: g.groupId,
          offeringIds: g.offeringIds,
          now: DEMO_NOW,
          locale: 'ru',
          signal: before.signal,
        },
        file,
      ),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(sub)).toEqual([]);
    // Aborted once the first sheet is written (the writer yields between sheets).
    const between = new AbortController();
    setImmediate(() => between.abort());
    await expect(
      writeGroupJournalWorkbook(
        app.db,
        {
          groupId: g.groupId,
          offeringIds: g.offeringIds,
          now: DEMO_NOW,
          locale: 'ru',
          signal: between.signal,
        },
        file,
      ),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('writes to a stream a whole workbook exceljs reads, substitutes marked (in Kyrgyz)', async () => {
    const g = groupWith('substitute');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((resolve, reject) => {
      out.on('end', resolve);
      out.on('error', reject);
    });
    const r = await writeGroupJournalWorkbook(
      app.db,
      { groupId: g.groupId, offeringIds: g.offeringIds, now: DEMO_NOW, locale: 'ky' },
      out,
    );
    await ended;
    expect(r.sheets).toBe(g.offeringIds.length);
    const wb = new ExcelJS.Workbook();
    const all = Buffer.concat(chunks);
    await wb.xlsx.load(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength));
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(expectedNames(g.offeringIds, 'ky'));
    const journals = g.offeringIds.map((id) => journal(id, 'ky'));
    expect(journals.some((j) => j.lessons.some((l) => l.substitute))).toBe(true);
    journals.forEach((j, i) => {
      const ws = wb.worksheets[i];
      if (!ws) throw new Error('missing sheet');
      checkSheet(ws, j, 'ky');
    });
  });

  it('cuts a long discipline so the kind still shows in the sheet name', () => {
    const name = journalSheetName('Информационно-коммуникационные технологии', 'лаб.', '2');
    expect(name).toHaveLength(31);
    expect(name.endsWith(' лаб. 2')).toBe(true);
    expect(sheetName(name, new Set())).toBe(name);
  });
});
