import { renameSync, rmSync } from 'node:fs';
import ExcelJS from 'exceljs';

/**
 * The one Excel module (ARCHITECTURE.md, Shared machinery): workbooks written as a stream by exceljs's
 * WorkbookWriter into a temporary file renamed into place when complete — never a half-written file —
 * with the house styles: a bold title, a frozen header with filters, numbers as numbers.
 */

export type Column = {
  header: string;
  width: number;
  /** Excel number format, e.g. '0.0%' for shares, 'dd.mm.yyyy' for dates. */
  numFmt?: string;
};

export type SheetSpec = {
  name: string;
  title: string;
  subtitle?: string;
  columns: readonly Column[];
  rows: ReadonlyArray<ReadonlyArray<string | number | Date | null>>;
  /** A last row outside the filter (totals), in bold. */
  total?: ReadonlyArray<string | number | null>;
  /** Columns (0-based) coloured red → amber → green by value (shares 0…1). */
  colourScale?: readonly number[];
  /** More tables below the first, each with its own header (not filtered). */
  after?: ReadonlyArray<{
    title: string;
    columns: readonly Column[];
    rows: ReadonlyArray<ReadonlyArray<string | number | Date | null>>;
  }>;
};

/** The house fill of header rows. */
export const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } };

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[:\\/?*[\]]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++)
    name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Each cell's number format from its column (per cell: tables below the first have other columns). */
function formatRow(row: ExcelJS.Row, columns: readonly Column[]): void {
  columns.forEach((c, i) => {
    if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
  });
}

/** Write a workbook of sheets to `file` (atomically: a temp file renamed into place). */
export async function writeWorkbook(
  file: string,
  sheets: readonly SheetSpec[],
  meta: { creator: string; title: string },
): Promise<void> {
  const tmp = `${file}.part`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: tmp,
    useStyles: true,
    useSharedStrings: true,
  });
  wb.creator = meta.creator;
  wb.title = meta.title;
  try {
    const taken = new Set<string>();
    for (const s of sheets) {
      const headerRow = s.subtitle ? 3 : 2;
      const ws = wb.addWorksheet(sheetName(s.name, taken), {
        views: [{ state: 'frozen', xSplit: 1, ySplit: headerRow }],
      });
      ws.columns = s.columns.map((c) => ({ width: c.width }));
      ws.addRow([s.title]).font = { bold: true, size: 13 };
      if (s.subtitle) ws.addRow([s.subtitle]).font = { color: { argb: 'FF5A6572' } };
      const head = ws.addRow(s.columns.map((c) => c.header));
      head.font = { bold: true };
      head.eachCell((cell) => {
        cell.fill = HEADER_FILL;
        cell.alignment = { vertical: 'middle', wrapText: true };
      });
      const last = headerRow + s.rows.length;
      if (s.rows.length > 0)
        ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: last, column: s.columns.length } };
      for (const r of s.rows) formatRow(ws.addRow([...r]), s.columns);
      for (const col of s.colourScale ?? []) {
        if (s.rows.length === 0) continue;
        const letter = columnLetter(col);
        ws.addConditionalFormatting({
          ref: `${letter}${headerRow + 1}:${letter}${last}`,
          rules: [
            {
              type: 'colorScale',
              priority: 1,
              cfvo: [
                { type: 'num', value: 0.5 },
                { type: 'num', value: 0.8 },
                { type: 'num', value: 1 },
              ],
              color: [{ argb: 'FFF4C7C3' }, { argb: 'FFFCE8B2' }, { argb: 'FFC9E7C9' }],
            },
          ],
        });
      }
      if (s.total) {
        const total = ws.addRow([...s.total]);
        total.font = { bold: true };
        formatRow(total, s.columns);
      }
      for (const t of s.after ?? []) {
        ws.addRow([]);
        ws.addRow([t.title]).font = { bold: true };
        const h = ws.addRow(t.columns.map((c) => c.header));
        h.font = { bold: true };
        h.eachCell((cell) => (cell.fill = HEADER_FILL));
        for (const r of t.rows) formatRow(ws.addRow([...r]), t.columns);
      }
      ws.commit();
    }
    await wb.commit();
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
