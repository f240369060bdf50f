import { openReplica } from '../src-main/db/open';
import { journalCode, printedJournal } from '../src-main/print/journal-data';
import { journalsPdf } from '../src-main/print/journal-pdf';
import { offeringsToPrint, semesterToPrint } from '../src-main/print/batch';
const db = openReplica('/tmp/fac.db');
const now = Date.UTC(2026, 10, 26, 7, 30);
const groups = offeringsToPrint(db, semesterToPrint(db, now), null).slice(0, 20);
let tData = 0,
  tCode = 0,
  tPdf = 0,
  pages = 0;
for (const g of groups) {
  let t = performance.now();
  const js = g.offeringIds.map((id) => printedJournal(db, id, now, 'ru')!);
  tData += performance.now() - t;
  t = performance.now();
  const docs = js.map((j) => ({ journal: j, code: journalCode(j, 'ru').code, number: 'X' }));
  tCode += performance.now() - t;
  t = performance.now();
  const r = await journalsPdf(docs, { locale: 'ru', now });
  tPdf += performance.now() - t;
  pages += r.pages.reduce((a, b) => a + b, 0);
}
console.log({
  tData: tData.toFixed(0),
  tCode: tCode.toFixed(0),
  tPdf: tPdf.toFixed(0),
  pages,
  rss: process.memoryUsage().rss >> 20,
});
