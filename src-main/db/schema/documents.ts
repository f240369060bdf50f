import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { DOCUMENT_KIND_LIST, SUBJECT_KINDS } from '../../../src-shared/domain/documents';
import { syncColumns } from './common';

/**
 * The register of printed documents (issue 15, item 4): one entry per printed document of any kind — a
 * semester journal (the same id as its paper register entry), a weekly check's act, notices, a
 * substitution order, an archive transfer act — with its number (unique: never two documents under one
 * number), language, verification code and the canonical version it was made from, pages, what it is
 * about, the number of the same document printed in the other language, and who printed it when.
 * Reference data: every replica holds the whole register (one row a document). The kinds are a list in
 * src-shared/domain/documents.ts; the column is plain text, so a new kind needs no migration.
 */
export const documents = sqliteTable(
  'documents',
  {
    /** Made on a desktop: a UUIDv7 (ARCHITECTURE.md, Ids). */
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    kind: text('kind', { enum: DOCUMENT_KIND_LIST }).notNull(),
    locale: text('locale', { enum: ['ru', 'ky'] }).notNull(),
    /** The verification code, XXXX-XXXX-XXXX. */
    code: text('code').notNull(),
    /** The canonical version the code was made from (src-shared/domain/documents.ts, CANONS). */
    canon: integer('canon').notNull(),
    pages: integer('pages').notNull(),
    /** What it is about: 'offering' (a journal) or a unit; null id for the university. */
    subjectKind: text('subject_kind', { enum: SUBJECT_KINDS }),
    subjectId: integer('subject_id'),
    /** The number of the same document printed in the other language, if there is one. */
    twin: text('twin'),
    printedAt: integer('printed_at').notNull(),
    printedBy: integer('printed_by'),
    ...syncColumns(),
  },
  (t) => [
    uniqueIndex('documents_number').on(t.number),
    index('documents_code').on(t.code),
    index('documents_printed').on(t.printedAt),
    index('documents_subject').on(t.subjectKind, t.subjectId),
  ],
);
