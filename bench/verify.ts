import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';
import type { PrintJobView } from '../src-shared/contract/print.contract';
import { boot } from '../src-main/boot';
import { readPdfDocuments } from '../src-main/print/pdf-read';
import { verifyPdf } from '../src-main/print/verify';

type Line = (label: string, value: string, baseline: string, ratio: string) => void;

/**
 * `npm run bench -- --only verify` (issue 15): verifying a printed group file of about 70 pages — read
 * every page in JavaScript, recompute every journal's code from what it shows, look each number up in the
 * register and write each journal again from the replica — beside extracting the file's text alone
 * (pdf-lib, the content streams inflated and decoded through the fonts' ToUnicode maps, nothing else),
 * both measured here, in the same run; and poppler's pdftotext where it is installed, for scale. Most of
 * a verification is writing each journal again from the replica (the registered code is a digest of
 * the pages, so the replica's current code needs its pages); the paper alone is read about as fast as
 * its text.
 */

function streams(obj: PDFObject | undefined, doc: PDFDocument): Uint8Array[] {
  const r = obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
  if (r instanceof PDFArray) return r.asArray().flatMap((o) => streams(o, doc));
  if (r instanceof PDFRawStream) {
    const raw = r.getContents();
    return [r.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') ? inflateSync(raw) : raw];
  }
  return [];
}

/** The baseline: every page's text, decoded, and nothing else. */
async function extractText(bytes: Uint8Array): Promise<number> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  let chars = 0;
  for (const page of doc.getPages()) {
    const maps = new Map<string, Map<string, string>>();
    const fonts = page.node.Resources()?.lookup(PDFName.of('Font'));
    if (fonts instanceof PDFDict)
      for (const [name, ref] of fonts.entries()) {
        const font = doc.context.lookup(ref);
        const map = new Map<string, string>();
        if (font instanceof PDFDict)
          for (const b of streams(font.get(PDFName.of('ToUnicode')), doc))
            for (const [, code = '', uni = ''] of Buffer.from(b)
              .toString('latin1')
              .matchAll(/<([0-9A-F]{4})>\s*<([0-9A-F]{4})>/g))
              map.set(code, String.fromCharCode(parseInt(uni, 16)));
        maps.set(name.decodeText(), map);
      }
    for (const b of streams(page.node.get(PDFName.of('Contents')), doc)) {
      const ops = Buffer.from(b).toString('latin1');
      for (const [, font = '', hex = ''] of ops.matchAll(
        /\/(\w+) [\d.]+ Tf [\d.-]+ [\d.-]+ Td <([0-9A-F]*)> Tj/g,
      )) {
        const map = maps.get(font);
        for (let i = 0; i + 4 <= hex.length; i += 4) chars += (map?.get(hex.slice(i, i + 4)) ?? '').length;
      }
    }
  }
  return chars;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function benchVerify(row: Line, replica: string, dir: string): Promise<void> {
  const app = boot({ dbPath: replica, demoIfMissing: null, log: () => undefined });
  try {
    const login = await app.dispatch({ method: 'auth.login', input: { login: 'dean', password: 'demo' } });
    if (!login.ok) throw new Error('dean login failed');
    const session = (login.value as { session: string }).session;
    // The group whose journals come closest to 70 pages, printed (and registered) through the app.
    const groups = app.db.$client
      .prepare(
        `SELECT g.id, count(*) n FROM groups g JOIN offerings o ON o.group_id = g.id
        WHERE o.lesson_kind <> 'self_study' GROUP BY g.id ORDER BY abs(count(*) - 14), g.id LIMIT 1`,
      )
      .all() as Array<{ id: number }>;
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await app.dispatch({ method, input, session });
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };
    let job = await call<PrintJobView>('print.start', { unit: { kind: 'group', id: groups[0]?.id ?? 0 } });
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      job = await call<PrintJobView>('print.job', { jobId: job.id });
    }
    if (job.state !== 'done') throw new Error(`print: ${job.state}`);
    const file = await call<{ base64: string }>('print.file', { jobId: job.id, index: 0 });
    const bytes = Buffer.from(file.base64, 'base64');
    const pages = job.files[0]?.pages ?? 0;
    const journals = job.files[0]?.journals.length ?? 0;
    const verifyTimes: number[] = [];
    const textTimes: number[] = [];
    const paperTimes: number[] = [];
    let ok = 0;
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      const verdicts = await verifyPdf(app.db, bytes);
      verifyTimes.push(performance.now() - t);
      ok = verdicts.filter((v) => v.ok).length;
      t = performance.now();
      await extractText(bytes);
      textTimes.push(performance.now() - t);
      t = performance.now();
      await readPdfDocuments(bytes);
      paperTimes.push(performance.now() - t);
    }
    if (ok !== journals) throw new Error(`only ${ok} of ${journals} journals verified`);
    const v = median(verifyTimes);
    const x = median(textTimes);
    row(
      `verify: ${pages} pages, ${journals} journals (ms)`,
      v.toFixed(0),
      `${x.toFixed(0)} text alone`,
      (v / x).toFixed(1),
    );
    const p = median(paperTimes);
    row(
      `  of which the paper alone: read, codes (ms)`,
      p.toFixed(0),
      `${x.toFixed(0)} text alone`,
      (p / x).toFixed(1),
    );
    row(`verify: per page (ms)`, (v / pages).toFixed(2), `${(x / pages).toFixed(2)} text alone`, '');
    const pdf = join(dir, 'verify.pdf');
    writeFileSync(pdf, bytes);
    const t = performance.now();
    const r = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    if (r.status === 0)
      row('  (poppler pdftotext, for scale) (ms)', (performance.now() - t).toFixed(0), '', '');
  } finally {
    app.close();
  }
}
