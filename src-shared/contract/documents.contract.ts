import { z } from 'zod';
import { DOCUMENT_KIND_LIST, SUBJECT_KINDS } from '../domain/documents';
import { id, method } from './common';

/**
 * The register of printed documents (issue 15, item 4): every printed journal, act of a weekly check,
 * notices, substitution order and archive transfer act, with its number, language, verification code,
 * pages, what it is about, its print in the other language, and who printed it when.
 */
export const documentView = z.object({
  id: z.string(),
  kind: z.enum(DOCUMENT_KIND_LIST),
  number: z.string(),
  locale: z.enum(['ru', 'ky']),
  code: z.string(),
  /** The canonical version the code was made from. */
  canon: z.number().int(),
  pages: z.number().int(),
  printedAt: z.number().int(),
  printedBy: z.string().nullable(),
  /** What it is about, named in the reader's language (null for an entry without one). */
  subject: z.object({ kind: z.enum(SUBJECT_KINDS), id: id.nullable(), name: z.string() }).nullable(),
  /** The same document printed in the other language: its number, and whether it is in the register. */
  twin: z.object({ number: z.string(), registered: z.boolean() }).nullable(),
  /** Not yet confirmed by the centre. */
  pending: z.boolean(),
});
export type DocumentView = z.infer<typeof documentView>;

export const documentsContract = {
  /**
   * The register entries the caller may see — the documents they may register themselves, each kind by
   * its row of DOMAIN.md's matrix in the caller's scope — newest first, of one kind or all, searched by
   * number or code; at most 2,000 (`truncated` says there were more).
   */
  'documents.list': method({
    input: z
      .object({
        kind: z.enum(DOCUMENT_KIND_LIST).optional(),
        search: z.string().trim().min(1).max(60).optional(),
      })
      .strict(),
    output: z.object({ items: z.array(documentView), truncated: z.boolean() }),
  }),
};
