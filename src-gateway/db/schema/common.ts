import { bigint, integer } from 'drizzle-orm/pg-core';

/** The sync columns of every synced table (ARCHITECTURE.md, Versions), as in the replica. */
export function syncColumns() {
  return {
    rowVersion: integer('row_version').notNull().default(1),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    updatedBy: integer('updated_by'),
  };
}

/** Epoch milliseconds. */
export const ms = (name: string) => bigint(name, { mode: 'number' });
