import { deflateSync, inflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyVerdict } from '../../src-shared/contract/print.contract';
import { boot, type App } from '../boot';
import { DEMO_NOW, callOk, login, tinyReplica } from '../../tests/helpers/replica';
import { verifyPdf } from './verify';

/**
 * Every printed document is in one register and verifies by what its pages show (issue 15): the act of a
 * check and the notices the deanery prints are entered in the register with their codes; read back
 * they agree (paper and register — they are not written again from the replica), by file and by
 * their number and code typed; a figure altered in the act's content stream is tampering.
 */
let app: App;
let dean = '';
// Each document is printed a second after the one before: a number carries the second it was made.
let clock = DEMO_NOW;

beforeAll(async () => {
  app = boot({ dbPath: tinyReplica(), now: () => clock, demoIfMissing: null, log: () => undefined });
  dean = await login(app, 'dean');
});
afterAll(() => app.close());

async function exported(format: 'act' | 'notices'): Promise<Uint8Array> {
  clock += 1000;
  const r = await callOk<{ base64: string }>(
    app,
    'control.export',
    { within: [{ kind: 'faculty', id: 1 }], format },
    dean,
  );
  return Buffer.from(r.base64, 'base64');
}

describe('acts and notices in the document register', () => {
  it('registers the act and the notices as printed, and both verify from their pages', async () => {
    for (const [format, kind, prefix] of [
      ['act', 'act', 'АКТ-'],
      ['notices', 'notices', 'УВ-'],
    ] as const) {
      const bytes = await exported(format);
      const [v] = await verifyPdf(app.db, bytes);
      expect(v?.number.startsWith(prefix)).toBe(true);
      expect(v).toMatchObject({
        canon: 2,
        paper: 'intact',
        register: 'matches',
        replica: 'not_checked',
        ok: true,
      });
      const row = app.db.$client
        .prepare('SELECT kind, code, canon, subject_kind s, subject_id i FROM documents WHERE number = ?')
        .get(v?.number);
      expect(row).toEqual({ kind, code: v?.code, canon: 2, s: 'faculty', i: 1 });
      // Typed: its number and code.
      const typed = await callOk<VerifyVerdict>(
        app,
        'print.verify',
        { text: `${v?.number} ${v?.code}` },
        dean,
      );
      expect(typed).toMatchObject({ register: 'matches', ok: true });
    }
  });

  it('the same act handed out twice within its second is one register entry; a second click is no error', async () => {
    const first = await exported('act');
    const again = await callOk<{ base64: string }>(
      app,
      'control.export',
      { within: [{ kind: 'faculty', id: 1 }], format: 'act' },
      dean,
    );
    const [a] = await verifyPdf(app.db, first);
    const [b] = await verifyPdf(app.db, Buffer.from(again.base64, 'base64'));
    expect(b).toMatchObject({ number: a?.number, code: a?.code, ok: true });
    expect(
      app.db.$client.prepare('SELECT count(*) n FROM documents WHERE number = ?').get(a?.number),
    ).toEqual({ n: 1 });
  });

  it('a figure altered in the act’s content stream is tampering', async () => {
    const bytes = await exported('act');
    const doc = await PDFDocument.load(bytes);
    const page = doc.getPage(0);
    const contents = page.node.get(PDFName.of('Contents'));
    const ref = contents instanceof PDFArray ? contents.get(0) : contents;
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : null;
    if (!(stream instanceof PDFRawStream) || !(ref instanceof PDFRef)) throw new Error('no content');
    const ops = inflateSync(stream.getContents()).toString('latin1');
    // Two glyph runs swapped in place (each stays a glyph string of the same font): the page says
    // something else at the same places.
    const runs = [...ops.matchAll(/\/F1 8\.5 Tf ([\d.]+ [\d.]+) Td <([0-9A-F]+)> Tj/g)];
    const a = runs.find((r) => (r[2]?.length ?? 0) === 4);
    const b = runs.find((r) => (r[2]?.length ?? 0) === 4 && r[2] !== a?.[2]);
    if (!a || !b) throw new Error('no figures to swap');
    const changed = ops.replace(a[0], a[0].replace(`<${a[2]}>`, `<${b[2]}>`));
    doc.context.assign(
      ref,
      doc.context.stream(deflateSync(Buffer.from(changed, 'latin1')), { Filter: 'FlateDecode' }),
    );
    const [v] = await verifyPdf(app.db, await doc.save());
    expect(v).toMatchObject({ paper: 'tampered', register: 'matches', ok: false });
    expect(v?.paperProblems).toContainEqual({ kind: 'content', page: null });
  });
});
