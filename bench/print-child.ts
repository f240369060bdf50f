import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { openReplica } from '../src-main/db/open';
import { runPrintJob } from '../src-main/print/run-job';
import { loadFontBytes } from '../src-main/print/pdf';

/**
 * One measurement of the print benchmark in its own process (so its peak memory is its own):
 * `journals DB` prints every journal of the replica's current semester, one PDF per group;
 * `drawtext PAGES` draws grid pages cell by cell with pdf-lib's drawText (the naive baseline).
 * Prints one JSON line: pages, seconds, peak RSS in MB.
 */
const [mode, arg] = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'avn-print-bench-'));
const t0 = performance.now();
let pages = 0;
if (mode === 'journals') {
  // Through the app's own path: a worker thread with its heap limit, reading the replica itself.
  openReplica(arg ?? '').$client.close();
  const now = Date.UTC(2026, 10, 26, 7, 30);
  const files = await runPrintJob({
    dbPath: arg ?? '',
    batch: { unit: null },
    outDir: out,
    locale: 'ru',
    now,
  });
  pages = files.reduce((s, f) => s + f.pages, 0);
} else {
  const n = Number(arg ?? 50);
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(loadFontBytes().regular, { subset: true });
  const cells = ['+', 'нб', '5', '4', '+', '+', 'нб(у)', '3'];
  for (let p = 0; p < n; p++) {
    const page = pdf.addPage([841.89, 595.28]);
    for (let r = 0; r < 37; r++) {
      page.drawText(`Студентова Айгүл Өмүрбековна ${r + 1}`, { x: 44, y: 540 - r * 12.5, size: 7.5, font });
      for (let c = 0; c < 23; c++)
        page.drawText(cells[(r + c + p) % cells.length] ?? '', {
          x: 222 + c * 22,
          y: 540 - r * 12.5,
          size: 7,
          font,
        });
    }
  }
  await pdf.save();
  pages = n;
}
const seconds = (performance.now() - t0) / 1000;
rmSync(out, { recursive: true, force: true });
console.log(JSON.stringify({ pages, seconds, peakMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
