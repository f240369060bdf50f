import { z } from 'zod';
import { id, isoDate, method } from './common';

/**
 * Printed semester journals (issue 6; regulation §1.7, §2.6, §5.4–5.7): batch printing of a faculty,
 * department or group — or, for a teacher, their own journals — with progress and cancel, the files for
 * preview and download, and verifying a paper journal by the number and code printed on it.
 */
/** What to print: a faculty, department or group; `teacher` (its id the teacher's) is a teacher's own journals. */
const unitKind = z.enum(['faculty', 'department', 'group', 'teacher']);
const unit = z.object({ kind: unitKind, id });
const names = z.object({ ru: z.string(), ky: z.string() });

export const printJobView = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: z.number().int(),
  total: z.number().int(),
  error: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      group: z.string(),
      locale: z.enum(['ru', 'ky']),
      pages: z.number().int(),
      journals: z.array(
        z.object({
          offeringId: id,
          number: z.string(),
          code: z.string(),
          pages: z.number().int(),
          /** The number of the same journal printed in the other language by the same job. */
          twin: z.string().nullable(),
        }),
      ),
    }),
  ),
});
export type PrintJobView = z.infer<typeof printJobView>;

export const verifyVerdict = z.object({
  number: z.string(),
  /** The code printed on the paper (read from it or typed). */
  code: z.string(),
  /** The pages of the file that hold this document (none when typed). */
  pages: z.array(z.number().int()),
  canon: z.union([z.literal(1), z.literal(2)]),
  offeringId: id.nullable(),
  printedAt: z.number().int().nullable(),
  /**
   * The paper against its own code: intact, tampered (its content does not give its code), v1 (printed
   * before codes could be recomputed from a page), not_read (typed, no file).
   */
  paper: z.enum(['intact', 'tampered', 'v1', 'not_read']),
  paperProblems: z.array(
    z.object({
      kind: z.enum(['foreign', 'codes', 'content', 'qr', 'not_v2']),
      page: z.number().int().nullable(),
    }),
  ),
  /** The printed code against the document register: unknown when the number is not in it. */
  register: z.enum(['matches', 'differs', 'unknown']),
  registered: z
    .object({
      code: z.string(),
      locale: z.enum(['ru', 'ky']),
      canon: z.union([z.literal(1), z.literal(2)]).nullable(),
      printedAt: z.number().int(),
      printedBy: z.string().nullable(),
      twin: z.string().nullable(),
    })
    .nullable(),
  /** The replica against the registered code: has the journal changed since printing? */
  replica: z.enum(['unchanged', 'changed', 'not_in_replica', 'not_checked']),
  current: z.string().nullable(),
  journal: z
    .object({ discipline: z.string(), group: z.string(), teacher: z.string(), kind: z.string() })
    .nullable(),
  changes: z.array(
    z.object({
      kind: z.enum(['cell', 'topic', 'cleared']),
      date: isoDate,
      student: z.string().nullable(),
      now: z.string(),
      by: z.string().nullable(),
      at: z.number().int(),
    }),
  ),
  /** Where the paper differs from the journal written again from the replica, each named. */
  differences: z.array(
    z.object({
      page: z.number().int(),
      what: z.string(),
      student: z.string().nullable(),
      date: z.string().nullable(),
      pair: z.number().int().nullable(),
      row: z.number().int().nullable(),
      column: z.string().nullable(),
      paper: z.string(),
      printed: z.string(),
    }),
  ),
  /** Paper, register and replica agree. */
  ok: z.boolean(),
});
export type VerifyVerdict = z.infer<typeof verifyVerdict>;

export const paperView = z.object({
  id: z.string(),
  offeringId: id,
  number: z.string(),
  code: z.string(),
  locale: z.enum(['ru', 'ky']),
  pages: z.number().int(),
  printedAt: z.number().int(),
  printedBy: z.string().nullable(),
  signedOn: isoDate.nullable(),
  archivedOn: isoDate.nullable(),
  transferAct: z.string().nullable(),
  group: z.string(),
  discipline: names,
  kind: z.string(),
  teacher: z.string(),
  /** Not yet confirmed by the centre. */
  pending: z.boolean(),
  /** A year in the deanery and not yet in the archive (§5.6). */
  dueForArchive: z.boolean(),
  /** Whether the caller may enter the dates (signed, in the archive) of this entry. */
  canEdit: z.boolean(),
});
export type PaperView = z.infer<typeof paperView>;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const printContract = {
  /** What the caller may print: semesters, the units of their scope, and a teacher's own journals. */
  'print.options': method({
    input: z.object({}).strict(),
    output: z.object({
      semesters: z.array(z.object({ id, number: z.number().int(), year: z.string(), current: z.boolean() })),
      units: z.array(z.object({ kind: unitKind, id, name: names })),
    }),
  }),
  /**
   * Start printing every journal of a unit and semester (or a teacher's own journals of the semester):
   * one PDF per group, or one combined file.
   */
  'print.start': method({
    input: z
      .object({
        unit,
        semesterId: id.optional(),
        combined: z.boolean().default(false),
        locale: z.enum(['ru', 'ky']).optional(),
        /** Every journal in Russian and in Kyrgyz: a file per group and language, two numbers naming each other. */
        bilingual: z.boolean().default(false),
      })
      .strict(),
    output: printJobView,
  }),
  /** A print job's progress and, when done, its files. */
  'print.job': method({
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: printJobView,
  }),
  'print.cancel': method({
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: printJobView,
  }),
  /** One printed file, for the preview and for saving. */
  'print.file': method({
    input: z.object({ jobId: z.string().min(1).max(64), index: z.number().int().min(0) }).strict(),
    output: z.object({ fileName: z.string(), mime: z.string(), base64: z.string() }),
  }),
  /**
   * The paper register: printed journals of the caller's print scope (a teacher's: their own journals),
   * newest first; `due` only those due for the archive.
   */
  'print.register': method({
    input: z
      .object({ due: z.boolean().default(false), search: z.string().trim().max(60).optional() })
      .strict(),
    output: z.object({ items: z.array(paperView), due: z.number().int() }),
  }),
  /** The date the teacher signed the paper journal (entered by the deanery); null clears it. */
  'print.setSigned': method({
    input: z.object({ paperId: uuid, signedOn: isoDate.nullable() }).strict(),
    output: paperView,
    writes: true,
  }),
  /** The date the paper journal went to the archive, with the transfer act's number. */
  'print.setArchived': method({
    input: z
      .object({
        paperId: uuid,
        archivedOn: isoDate.nullable(),
        transferAct: z.string().trim().min(1).max(100).nullable(),
      })
      .strict()
      .refine((a) => (a.archivedOn === null) === (a.transferAct === null), {
        message: 'the date and the act go together',
        path: ['transferAct'],
        params: { reason: 'required' },
      }),
    output: paperView,
    writes: true,
  }),
  /**
   * Print a file through the desktop's system print dialog. In web mode there is none: `available`
   * false, and the file is saved instead (the browser's own viewer prints it).
   */
  'print.system': method({
    input: z.object({ jobId: z.string().min(1).max(64), index: z.number().int().min(0) }).strict(),
    output: z.object({ available: z.boolean(), printed: z.boolean() }),
  }),
  /**
   * Verify a paper journal: the text of its QR code, its number and code as typed, or the code alone
   * (found in the paper register). Says whether the
   * paper still equals the replica and, if not, which cells changed since printing and who changed them.
   */
  'print.verify': method({
    input: z.object({ text: z.string().trim().min(4).max(300) }).strict(),
    output: verifyVerdict,
  }),
  /**
   * Verify a PDF file of printed documents: each document's pages read (not their metadata), its code
   * recomputed from what they show, then the register and the replica — a verdict per document.
   */
  'print.verifyFile': method({
    input: z
      .object({
        name: z.string().trim().min(1).max(255),
        /** The file's bytes in base64 (up to 16 MB of PDF). */
        base64: z
          .string()
          .max(22_400_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/),
      })
      .strict(),
    output: z.object({ verdicts: z.array(verifyVerdict) }),
  }),
};
