import { writeFileSync } from 'node:fs';
import { openReplica } from '../src-main/db/open';
import { journalCode, printedJournal } from '../src-main/print/journal-data';
import { journalsPdf } from '../src-main/print/journal-pdf';
import { documentNumber } from '../src-main/print/pdf';
const db = openReplica(process.argv[2] ?? '/tmp/tiny.db');
const now = Date.UTC(2026, 10, 26, 7, 30);
const id = Number(process.argv[3] ?? 37);
const j = printedJournal(db, id, now, 'ru')!;
const { code } = journalCode(j, 'ru');
const t = performance.now();
const r = await journalsPdf([{ journal: j, code, number: documentNumber('ЖУР', now) }], {
  locale: 'ru',
  now,
});
console.log(code, r.pages, (performance.now() - t).toFixed(0), 'ms', r.bytes.length);
writeFileSync('/tmp/j.pdf', r.bytes);
