import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { cellText, markIndex, printedTotals, type PrintedJournal } from '../../src-shared/domain/print';
import { formatBishkekStamp } from '../../src-shared/domain/time';
import { formatDayMonthNumeric } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { HEADER_FILL, sheetName } from '../export/excel';
import { jobContext } from '../jobs/job';
import { printedJournal } from '../print/journal-data';

/**
 * The Excel journals of an archive package (issue 7): one workbook per group, one sheet per offering,
 * laid out like the paper journal (src-main/print/journal-pdf.ts) — the title block, the grid of
 * students × held lessons with each student's totals, the lessons table and the results table — from
 * the same PrintedJournal the paper is printed from, so a cell reads the same on paper and in Excel.
 *
 * Written by exceljs's streaming writer: every row is committed as soon as it is written and every
 * sheet as soon as it is complete, and only one offering's journal is in memory at a time.
 */

export type GroupJournalOptions = {
  groupId: number;
  /** The offerings of the group, one sheet each, in this order. */
  offeringIds: readonly number[];
  now: number;
  locale: Locale;
  /** Checked between sheets; an aborted signal throws CancelledError. */
  signal?: AbortSignal;
};

/** Offerings grouped by their group: groups by code, offerings by discipline name (Russian) then id. */
export function groupsOfOfferings(
  db: Db,
  offeringIds: readonly number[],
): Array<{ groupId: number; code: string; offeringIds: number[] }> {
  const list = JSON.stringify([...new Set(offeringIds)]);
  const rows = db.all<{ id: number; groupId: number; code: string }>(sql`
    SELECT o.id, o.group_id AS groupId, g.code FROM offerings o
    JOIN groups g ON g.id = o.group_id JOIN disciplines d ON d.id = o.discipline_id
    WHERE o.id IN (SELECT value FROM json_each(${list}))
    ORDER BY g.code, g.id, d.name_ru, o.id`);
  const out: Array<{ groupId: number; code: string; offeringIds: number[] }> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last?.groupId === r.groupId) last.offeringIds.push(r.id);
    else out.push({ groupId: r.groupId, code: r.code, offeringIds: [r.id] });
  }
  return out;
}

/** The wanted name of an offering's sheet: the discipline cut so the kind (and subgroup) still fit in 31. */
export function journalSheetName(discipline: string, kind: string, subgroup: string | null): string {
  const suffix = subgroup ? `${kind} ${subgroup}` : kind;
  return `${discipline.slice(0, Math.max(0, 31 - suffix.length - 1)).trim()} ${suffix}`.trim();
}

/** A cell's value: whole numbers (grades) as numbers, nothing for an empty text, otherwise the text. */
export function cellValue(text: string): string | number | null {
  if (text === '') return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** A printed mean ('4,3' or '—') as a number when it is one. */
export function meanValue(mean: string): string | number {
  const n = Number(mean.replace(',', '.'));
  return mean !== '' && Number.isFinite(n) ? n : mean;
}

/** Each student's results as the paper lists them: intermediate and exam texts, in order. */
export function resultsByStudent(j: PrintedJournal): Map<number, { intermediate: string[]; exam: string[] }> {
  const out = new Map<number, { intermediate: string[]; exam: string[] }>();
  for (const r of j.results) {
    let e = out.get(r.studentId);
    if (!e) out.set(r.studentId, (e = { intermediate: [], exam: [] }));
    (r.kind === 'exam' ? e.exam : e.intermediate).push(r.text);
  }
  return out;
}

/** Column widths (characters) and how many narrow columns the tables below the grid span. */
const WIDTH = { no: 5, name: 34, date: 6, total: 7 };
const LESSONS = { topic: 8, conducted: 6 };
const RESULTS = { recordBook: 4, intermediate: 5, exam: 5 };
/** Columns of the lessons table (№, date, pair, topic, hours, conducted) and of the results table. */
const LESSONS_COLUMNS = 3 + LESSONS.topic + 1 + LESSONS.conducted;
const RESULTS_COLUMNS = 2 + RESULTS.recordBook + RESULTS.intermediate + RESULTS.exam;
/** The title block's rows; after a blank row, the grid's two header rows, frozen with all above. */
const TITLE_ROWS = 5;
const FROZEN_ROWS = TITLE_ROWS + 3;

const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF9AA5B1' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const MUTED = 'FF5A6572';

type Spanned = {
  value: ExcelJS.CellValue;
  span?: number;
  align?: 'left' | 'center' | 'right';
  numFmt?: string;
  wrap?: boolean;
};

/** Add a row of cells spanning columns (merged), bordered, styled, and commit it. */
function tableRow(
  ws: ExcelJS.Worksheet,
  cells: readonly Spanned[],
  style: { header?: boolean; height?: number } = {},
): void {
  const values: ExcelJS.CellValue[] = [];
  const at: Array<{ col: number; cell: Spanned }> = [];
  for (const cell of cells) {
    at.push({ col: values.length + 1, cell });
    values.push(cell.value);
    for (let i = 1; i < (cell.span ?? 1); i++) values.push(null);
  }
  const row = ws.addRow(values);
  if (style.height) row.height = style.height;
  for (const { col, cell } of at) {
    const last = col + (cell.span ?? 1) - 1;
    if (last > col) ws.mergeCells(row.number, col, row.number, last);
    for (let c = col; c <= last; c++) {
      const x = row.getCell(c);
      x.border = BORDER;
      x.alignment = {
        vertical: 'middle',
        horizontal: cell.align ?? 'left',
        wrapText: style.header || cell.wrap === true,
      };
      if (cell.numFmt) x.numFmt = cell.numFmt;
      if (style.header) {
        x.fill = HEADER_FILL;
        x.font = { bold: true };
      }
    }
  }
  row.commit();
}

/** A line of text (title, caption) in the first column, overflowing to the right; committed. */
function textRow(ws: ExcelJS.Worksheet, text: string, font: Partial<ExcelJS.Font> = {}): void {
  const row = ws.addRow([text]);
  row.font = font;
  row.commit();
}

/** Rows a wrapped text needs at about `chars` characters a line. */
const linesFor = (text: string, chars: number) => Math.max(1, Math.ceil(text.length / chars));

/** One offering's sheet: title block, grid, lessons, results. */
function writeSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  j: PrintedJournal,
  name: string,
  opts: { now: number; locale: Locale },
): void {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(opts.locale, k, p);
  const n = j.lessons.length;
  const firstDate = 3;
  const firstTotal = firstDate + n;
  const columns = Math.max(firstTotal + 2, LESSONS_COLUMNS, RESULTS_COLUMNS);
  const made = t('doc.made', { time: formatBishkekStamp(opts.now) }).replace(/&/g, '&&');
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: FROZEN_ROWS }],
    pageSetup: {
      orientation: 'landscape',
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&L${made}&R${t('doc.pageOf', { x: '&P', y: '&N' })}` },
  });
  ws.columns = Array.from({ length: columns }, (_, i) => ({
    width:
      i === 0
        ? WIDTH.no
        : i === 1
          ? WIDTH.name
          : i + 1 >= firstTotal && i + 1 < firstTotal + 3
            ? WIDTH.total
            : WIDTH.date,
  }));

  // Title block (as the paper's title page, condensed to keep the frozen rows few).
  const group = j.group + (j.subgroup ? `, ${t('print.subgroup', { name: j.subgroup })}` : '');
  textRow(ws, j.university, { bold: true, size: 13 });
  textRow(ws, t('print.title'), { bold: true, size: 12 });
  textRow(
    ws,
    [t('print.faculty', { name: j.faculty }), t('print.department', { name: j.department })].join(' · '),
  );
  textRow(
    ws,
    [
      t('print.group', { group }),
      t('print.discipline', { name: j.discipline }),
      t('print.kind', { kind: j.kind }),
    ].join(' · '),
    { bold: true },
  );
  textRow(
    ws,
    [
      t('print.teacher', { name: j.teacher }),
      t('print.semester', { n: j.semester, year: j.year }),
      t('print.plannedHours', { hours: j.plannedHours }),
    ].join(' · '),
  );
  ws.addRow([]).commit();

  // Grid: the header is two rows (date over pair); №, name and totals span both.
  const totalHeads = [t('print.col.absent'), t('print.col.excused'), t('print.col.mean')];
  const dates = ws.addRow([
    t('print.col.no'),
    t('print.col.student'),
    ...j.lessons.map((l) => formatDayMonthNumeric(l.date)),
    ...totalHeads,
  ]);
  const pairs = ws.addRow([null, null, ...j.lessons.map((l) => l.pair)]);
  for (const col of [1, 2, firstTotal, firstTotal + 1, firstTotal + 2])
    ws.mergeCells(dates.number, col, pairs.number, col);
  for (const row of [dates, pairs])
    for (let c = 1; c < firstTotal + 3; c++) {
      const x = row.getCell(c);
      x.fill = HEADER_FILL;
      x.border = BORDER;
      x.alignment = { vertical: 'middle', horizontal: c === 2 ? 'left' : 'center' };
      x.font = row === dates ? { bold: true, size: 9 } : { size: 8, color: { argb: MUTED } };
    }
  if (pairs.number !== FROZEN_ROWS) throw new Error('the grid header is not where the panes are frozen');
  pairs.commit();

  const markAt = markIndex(j.marks);
  const totals = printedTotals(j);
  j.students.forEach((s, k) => {
    const tt = totals.get(s.id);
    const row = ws.addRow([
      k + 1,
      s.name,
      ...j.lessons.map((l) => cellValue(cellText(markAt(l.id, s.id)))),
      tt?.absent ?? null,
      tt?.excused ?? null,
      tt ? meanValue(tt.mean) : null,
    ]);
    for (let c = 1; c < firstTotal + 3; c++) {
      const x = row.getCell(c);
      x.border = BORDER;
      x.alignment = { horizontal: c === 2 ? 'left' : c === 1 ? 'right' : 'center' };
    }
    // Zero totals blank, as on paper; the mean with one decimal.
    row.getCell(firstTotal).numFmt = '0;-0;;@';
    row.getCell(firstTotal + 1).numFmt = '0;-0;;@';
    row.getCell(firstTotal + 2).numFmt = '0.0';
    row.commit();
  });
  textRow(ws, t('print.legend'), { size: 8, italic: true, color: { argb: MUTED } });
  ws.addRow([]).commit();

  // Lessons held: date, pair, topic, hours, who conducted (substitutes marked).
  textRow(ws, t('print.lessons'), { bold: true, size: 12 });
  tableRow(
    ws,
    [
      { value: t('print.col.no'), align: 'right' },
      { value: t('print.col.date') },
      { value: t('print.col.pair'), align: 'center' },
      { value: t('print.col.topic'), span: LESSONS.topic },
      { value: t('print.col.hours'), align: 'center' },
      { value: t('print.col.conducted'), span: LESSONS.conducted },
    ],
    { header: true },
  );
  const topicChars = Math.floor(LESSONS.topic * WIDTH.date * 1.1);
  j.lessons.forEach((l, i) => {
    tableRow(
      ws,
      [
        { value: i + 1, align: 'right' },
        { value: new Date(`${l.date}T00:00:00Z`), numFmt: 'dd.mm.yyyy' },
        { value: l.pair, align: 'center' },
        { value: l.topic, span: LESSONS.topic, wrap: true },
        { value: l.hours, align: 'center' },
        {
          value: l.conductedBy + (l.substitute ? ` ${t('print.substitute')}` : ''),
          span: LESSONS.conducted,
          wrap: true,
        },
      ],
      { height: 15 * linesFor(l.topic, topicChars) },
    );
  });
  ws.addRow([]).commit();

  // Results of the intermediate assessments and the exam.
  textRow(ws, t('print.results'), { bold: true, size: 12 });
  tableRow(
    ws,
    [
      { value: t('print.col.no'), align: 'right' },
      { value: t('print.col.student') },
      { value: t('print.col.recordBook'), span: RESULTS.recordBook },
      { value: t('print.col.intermediate'), span: RESULTS.intermediate },
      { value: t('print.col.exam'), span: RESULTS.exam },
    ],
    { header: true, height: 30 },
  );
  const results = resultsByStudent(j);
  j.students.forEach((s, k) => {
    const r = results.get(s.id);
    tableRow(ws, [
      { value: k + 1, align: 'right' },
      { value: s.name },
      { value: s.recordBookNo, span: RESULTS.recordBook },
      { value: r?.intermediate.join(', ') ?? '', span: RESULTS.intermediate },
      { value: r?.exam.join(', ') ?? '', span: RESULTS.exam },
    ]);
  });
  ws.commit();
}

/** Let the zip and the output stream take what was written (and an abort arrive). */
const yieldToStreams = () => new Promise<void>((resolve) => setImmediate(resolve));

const closed = (s: WriteStream) =>
  new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));

/**
 * Write a group's journals as one .xlsx to a stream (ended when done; destroyed with the error on
 * failure or cancellation) or to a file path (atomically: a `.part` file renamed into place, removed on
 * failure or cancellation). Sheets follow the order of `offeringIds`, which must all be the group's.
 */
export async function writeGroupJournalWorkbook(
  db: Db,
  opts: GroupJournalOptions,
  out: NodeJS.WritableStream | string,
): Promise<{ sheets: number }> {
  const ctx = jobContext({ signal: opts.signal });
  ctx.checkCancelled();
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(opts.locale, k, p);
  const list = JSON.stringify([...opts.offeringIds]);
  const meta = new Map(
    db
      .all<{ id: number; groupId: number; kind: string }>(
        sql`SELECT id, group_id AS groupId, lesson_kind AS kind FROM offerings WHERE id IN (SELECT value FROM json_each(${list}))`,
      )
      .map((o) => [o.id, o]),
  );
  for (const id of opts.offeringIds) {
    const o = meta.get(id);
    if (!o) throw new Error(`no offering ${id} in the replica`);
    if (o.groupId !== opts.groupId) throw new Error(`offering ${id} is not of group ${opts.groupId}`);
  }

  let file: { path: string; tmp: string; stream: WriteStream } | null = null;
  let sink: NodeJS.WritableStream;
  if (typeof out === 'string') {
    file = { path: out, tmp: `${out}.part`, stream: createWriteStream(`${out}.part`) };
    sink = file.stream;
  } else sink = out;
  const pass = new PassThrough();
  const piped = pipeline(pass, sink);
  // The sink may fail (a file that cannot be opened, a consumer gone) while sheets are being written:
  // noted here, checked between sheets, and raced against the commit (which would wait for ever).
  const failed: { error: Error | null } = { error: null };
  piped.catch((err: unknown) => (failed.error = err instanceof Error ? err : new Error(String(err))));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: pass,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'AVN Desk';
  wb.title = t('print.title');
  wb.created = new Date(opts.now);
  wb.modified = new Date(opts.now);
  try {
    const taken = new Set<string>();
    let sheets = 0;
    for (const offeringId of opts.offeringIds) {
      if (sheets > 0) await yieldToStreams();
      if (failed.error) throw failed.error;
      ctx.checkCancelled();
      const j = printedJournal(db, offeringId, opts.now, opts.locale);
      if (!j) throw new Error(`no journal for offering ${offeringId}`);
      const kind = t(`kind.${meta.get(offeringId)?.kind ?? ''}.short` as MessageKey);
      writeSheet(wb, j, sheetName(journalSheetName(j.discipline, kind, j.subgroup), taken), opts);
      sheets++;
    }
    await yieldToStreams();
    ctx.checkCancelled();
    await Promise.all([wb.commit(), piped]);
    if (file) {
      await closed(file.stream);
      renameSync(file.tmp, file.path);
    }
    return { sheets };
  } catch (err) {
    pass.destroy(err instanceof Error ? err : new Error(String(err)));
    await piped.catch(() => undefined);
    if (file) {
      await closed(file.stream);
      rmSync(file.tmp, { force: true });
    }
    throw err;
  }
}
