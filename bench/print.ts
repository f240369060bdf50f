import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { JOB_HEAP_MB as PRINT_HEAP_MB } from '../src-main/jobs/worker-job';

type Line = (label: string, value: string, baseline: string, ratio: string) => void;

function child(mode: string, arg: string): { pages: number; seconds: number; peakMb: number } {
  const r = spawnSync(
    process.execPath,
    // The naive baseline gets the same heap limit the print worker has.
    [
      ...(mode === 'journals' ? [] : [`--max-old-space-size=${PRINT_HEAP_MB}`]),
      '--import',
      'tsx',
      'bench/print-child.ts',
      mode,
      arg,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`print bench (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    pages: number;
    seconds: number;
    peakMb: number;
  };
}

function hasLibreOffice(): string | null {
  for (const bin of ['soffice', 'libreoffice']) {
    const r = spawnSync('which', [bin], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  return null;
}

/** LibreOffice headless converting a 50-page XLSX shaped like a journal to PDF: pages/s. */
async function libreOfficeRate(bin: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'avn-lo-'));
  const file = join(dir, 'journal.xlsx');
  const wb = new ExcelJS.Workbook();
  for (let s = 0; s < 50; s++) {
    const ws = wb.addWorksheet(`Лист ${s + 1}`, {
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 1 },
    });
    for (let r = 0; r < 37; r++)
      ws.addRow([
        `Студентова Айгүл Өмүрбековна ${r + 1}`,
        ...Array.from({ length: 23 }, (_, c) => ['+', 'нб', '5', '4'][(r + c) % 4]),
      ]);
  }
  await wb.xlsx.writeFile(file);
  const t0 = performance.now();
  execFileSync(bin, ['--headless', '--convert-to', 'pdf', '--outdir', dir, file], { stdio: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const pages = Number(
    /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(dir, 'journal.pdf')], { encoding: 'utf8' }))?.[1] ??
      50,
  );
  rmSync(dir, { recursive: true, force: true });
  return pages / seconds;
}

/**
 * Printing every journal of a replica's semester, one PDF per group (issue 6: at least 150 pages/s and
 * under 300 MB peak for the whole run), beside pdf-lib's drawText per cell and LibreOffice converting
 * an equivalent XLSX, measured in the same run.
 */
export async function benchPrint(row: Line, dbFile: string): Promise<void> {
  const ours = child('journals', dbFile);
  const naive = child('drawtext', '60');
  const rate = ours.pages / ours.seconds;
  const naiveRate = naive.pages / naive.seconds;
  row(
    `print journals: pages/s (${ours.pages} pages)`,
    rate.toFixed(0),
    `${naiveRate.toFixed(0)} drawText`,
    (rate / naiveRate).toFixed(1),
  );
  row('print journals: seconds', ours.seconds.toFixed(1), '', '');
  row(
    `print journals: peak memory MB (heap ≤ ${PRINT_HEAP_MB})`,
    String(ours.peakMb),
    `${naive.peakMb} drawText`,
    '',
  );
  const lo = hasLibreOffice();
  if (!lo) {
    row('LibreOffice XLSX → PDF: pages/s', 'skipped', 'not installed', '');
    return;
  }
  const loRate = await libreOfficeRate(lo);
  row(
    'print journals vs LibreOffice: pages/s',
    rate.toFixed(0),
    `${loRate.toFixed(1)} LibreOffice`,
    (rate / loRate).toFixed(0),
  );
}
