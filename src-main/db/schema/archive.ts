import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { syncColumns } from './common';

/**
 * The archive register (issue 7; §4.1 "архивные копии"): every archive package made, with its digest
 * recorded outside the package (a digest that lives only inside a package proves nothing), and when it
 * was last verified whole. Reference data: every replica holds the whole register (one row a package).
 */
export const archivePackages = sqliteTable(
  'archive_packages',
  {
    /** Made on a desktop: a UUIDv7 (ARCHITECTURE.md, Ids). */
    id: text('id').primaryKey(),
    unitKind: text('unit_kind', { enum: ['university', 'faculty', 'department', 'group'] }).notNull(),
    /** Null for the whole university. */
    unitId: integer('unit_id'),
    periodKind: text('period_kind', { enum: ['semester', 'year'] }).notNull(),
    /** A semester's or an academic year's id. */
    periodId: integer('period_id').notNull(),
    academicYearId: integer('academic_year_id').notNull(),
    fileName: text('file_name').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** SHA-256 (hex) of the package's manifest.json, which lists every file's SHA-256. */
    digest: text('digest').notNull(),
    /** Record counts per table, as JSON. */
    counts: text('counts').notNull(),
    madeAt: integer('made_at').notNull(),
    madeBy: integer('made_by'),
    /** When an archivist last found the package whole and its digest equal to this one. */
    verifiedAt: integer('verified_at'),
    verifiedBy: integer('verified_by'),
    ...syncColumns(),
  },
  (t) => [
    index('archive_packages_digest').on(t.digest),
    index('archive_packages_year').on(t.academicYearId, t.unitKind, t.unitId),
  ],
);

/**
 * Purges of expired electronic records (§1.7: kept five years), requested by an archivist after a
 * verified, registered package of them exists, carried out by the gateway (the row comes back with
 * `purged_at` and the deleted counts). Replicas hold only the window, so a purge never touches them.
 */
export const archivePurges = sqliteTable(
  'archive_purges',
  {
    id: text('id').primaryKey(),
    academicYearId: integer('academic_year_id').notNull(),
    unitKind: text('unit_kind', { enum: ['university', 'faculty', 'department', 'group'] }).notNull(),
    unitId: integer('unit_id'),
    packageId: text('package_id')
      .notNull()
      .references(() => archivePackages.id),
    requestedAt: integer('requested_at').notNull(),
    requestedBy: integer('requested_by'),
    purgedAt: integer('purged_at'),
    /** Deleted rows per table, as JSON, once carried out. */
    counts: text('counts'),
    ...syncColumns(),
  },
  (t) => [index('archive_purges_year').on(t.academicYearId)],
);
