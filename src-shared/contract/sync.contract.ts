import { z } from 'zod';
import { ATTENDANCE } from '../domain/journal';
import { grade } from '../sync/mutations';
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
});

export const conflictDto = z.object({
  id,
  name: z.enum(['marks.set', 'lessons.setTopic', 'locks.close', 'unlocks.grant', 'messages.send']),
  outcome: z.enum(['CONFLICT', 'LOCKED', 'FORBIDDEN', 'INVALID']),
  reason: z.string().nullable(),
  createdAt: z.number().int(),
  /** What was edited, for a person: lesson date and pair, group, discipline, student. */
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
  mine: z.object({
    attendance: z.enum(ATTENDANCE).nullable().optional(),
    grade: grade.nullable().optional(),
    topic: z.string().nullable().optional(),
  }),
  theirs: z
    .object({
      attendance: z.enum(ATTENDANCE).nullable().optional(),
      grade: grade.nullable().optional(),
      topic: z.string().nullable().optional(),
    })
    .nullable(),
});
export type ConflictDto = z.infer<typeof conflictDto>;

export const syncContract = {
  /** Sync state for the shell: online, last sync, pending and conflicted counts. */
  'sync.status': method({ input: empty, output: syncStatus }),
  /**
   * Connect this replica to the AVN gateway as the logged-in person's central account; chooses the
   * replica scope (the first the account may hold unless named). The token is kept encrypted where the
   * platform allows.
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
  /** Refused edits waiting for a person (SYNC.md: nothing is dropped silently). */
  'sync.conflicts': method({ input: empty, output: z.array(conflictDto) }),
  /**
   * Resolve a refused edit: keep the centre's value, re-apply mine (a new edit on the current version),
   * or enter another value. Re-applying and editing follow the journal's rights and locks.
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
