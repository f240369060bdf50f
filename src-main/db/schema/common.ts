import { integer } from 'drizzle-orm/sqlite-core';

/**
 * The columns every synced table carries (ARCHITECTURE.md, Versions): `rowVersion` is the gateway's
 * version of the row, bumped on each change and used as the base version of an edit; `updatedAt`
 * (epoch ms, UTC) and `updatedBy` (user id, null for the central system) say who changed it last.
 */
export function syncColumns() {
  return {
    rowVersion: integer('row_version').notNull().default(1),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: integer('updated_by'),
  };
}
