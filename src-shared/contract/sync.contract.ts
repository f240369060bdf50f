import { z } from 'zod';
import { ATTENDANCE } from '../domain/journal';
import { grade, MUTATION_NAMES, type MutationName } from '../sync/mutations';
import { REFUSED } from '../sync/registry/types';
import { empty, id, method } from './common';

export const syncStatus = z.object({
  configured: z.boolean(),
  gateway: z.string().nullable(),
  scope: z.string().nullable(),
  online: z.boolean().nullable(),
  syncing: z.boolean(),
  lastSyncAt: z.number().int().nullable(),
  lastError: z.string().nullable(),
  pending: z.number().int(),
  conflicts: z.number().int(),
  cursor: z.number().int().nullable(),
  snapshotInProgress: z.boolean(),
});
export type SyncStatusDto = z.infer<typeof syncStatus>;

export const syncReport = z.object({
  pushed: z.number().int(),
  applied: z.number().int(),
  conflicts: z.number().int(),
  pulled: z.number().int(),
  snapshotRows: z.number().int(),
  resynced: z.boolean(),
  verified: z.enum(['equal', 'repaired', 'skipped']),
  repairedPartitions: z.number().int(),
  waitingForLogin: id.nullable(),
  /** The pull waits until edits of the account that pulls, queued behind someone else's, are pushed. */
  pullDeferred: z.boolean(),
});

/** What a refused edit held and what the centre holds, for a person (marks and topics). */
const cellValue = z.object({
  attendance: z.enum(ATTENDANCE).nullable().optional(),
  grade: grade.nullable().optional(),
  topic: z.string().nullable().optional(),
});

/**
 * A refused edit (SYNC.md: nothing is dropped silently) of any mutation of the registry: what it was
 * about in words, why it was refused in the reader's language, what it held and what the centre holds
 * (marks and topics), and how its author may resolve it.
 */
export const conflictDto = z.object({
  id,
  name: z.enum(MUTATION_NAMES as [MutationName, ...MutationName[]]),
  outcome: z.enum(REFUSED),
  /** Why, in the caller's language (the registry's refusal code, translated). */
  reason: z.string(),
  /** The registry's refusal code (`refusal.<code>` in the catalogues), for a screen that re-translates. */
  code: z.string().nullable(),
  createdAt: z.number().int(),
  /** What kind of edit it was, and what it named, in the caller's language. */
  kind: z.string(),
  subject: z.string(),
  /** The lesson and student of a mark or topic. */
  lesson: z
    .object({
      id,
      date: z.string(),
      pair: z.number().int(),
      group: z.string(),
      disciplineRu: z.string(),
      disciplineKy: z.string(),
    })
    .nullable(),
  student: z.object({ id, name: z.string() }).nullable(),
  mine: cellValue.nullable(),
  theirs: cellValue.nullable(),
  /** How it may be resolved: marks and topics may be re-applied or edited; the rest only dismissed. */
  resolutions: z.array(z.enum(['keep_theirs', 'reapply_mine', 'edit'])),
});
export type ConflictDto = z.infer<typeof conflictDto>;

export const syncContract = {
  /** Sync state for the shell: online, last sync, pending and conflicted counts. */
  'sync.status': method({ input: empty, output: syncStatus }),
  /**
   * Connect this replica to the AVN gateway (the admin's action: DOMAIN.md, point the replica at a
   * gateway) with a central account, whose scope the replica then holds and pulls; chooses the replica
   * scope (the first the account may hold unless named). The token is kept encrypted where the platform
   * allows.
   */
  'sync.connect': method({
    input: z
      .object({
        gatewayUrl: z.string().url().max(300),
        login: z.string().trim().min(1).max(64),
        password: z.string().min(1).max(256),
        scope: z.string().max(40).optional(),
      })
      .strict(),
    output: z.object({ scope: z.string(), scopes: z.array(z.string()) }),
    writes: true,
  }),
  /** Sync now: push the outbox, pull, verify (progress arrives as `sync.progress` events). */
  'sync.run': method({ input: empty, output: syncReport, writes: true }),
  /**
   * The caller's refused edits waiting for them (SYNC.md: nothing is dropped silently), and how many
   * refused edits of other people of this PC wait for their authors (only an author resolves theirs).
   */
  'sync.conflicts': method({
    input: empty,
    output: z.object({ items: z.array(conflictDto), others: z.number().int() }),
  }),
  /**
   * Resolve one's own refused edit (DOMAIN.md: resolve a refused edit — own): keep the centre's value,
   * re-apply mine (a new edit on the current version), or enter another value. Re-applying and editing
   * follow the journal's rights and locks; the resolution is audited here and at the gateway.
   */
  'sync.resolve': method({
    input: z
      .object({
        conflictId: id,
        resolution: z.enum(['keep_theirs', 'reapply_mine', 'edit']),
        value: z
          .object({
            attendance: z.enum(ATTENDANCE).nullable().optional(),
            grade: grade.nullable().optional(),
            topic: z.string().trim().min(1).max(500).nullable().optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: z.object({ resolved: z.boolean() }),
    writes: true,
  }),
};
