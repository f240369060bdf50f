import { z } from 'zod';
import { ATTENDANCE, GRADES } from '../domain/journal';

/**
 * The sync wire format of local edits (SYNC.md, Push): a mutation states intent — "set this cell",
 * "set this topic" — not whole rows. The desktop writes them to its outbox in the same transaction as
 * the edit; the gateway (a later issue) validates and applies them with the same schemas.
 */
export const PROTOCOL_VERSION = 1;
/** Bumped with every change of a mutation's arguments or of the synced tables. */
export const SCHEMA_VERSION = 1;

const id = z.number().int().positive();
export const grade = z.union(GRADES.map((g) => z.literal(g)));

export const MUTATIONS = {
  /** Set (or, with attendance null, clear) one student's mark at one lesson. */
  'marks.set': z.object({
    lessonId: id,
    studentId: id,
    attendance: z.enum(ATTENDANCE).nullable(),
    grade: grade.nullable(),
  }),
  /** Set (or clear) the topic of a lesson. */
  'lessons.setTopic': z.object({ lessonId: id, topic: z.string().min(1).max(500).nullable() }),
} as const;

export type MutationName = keyof typeof MUTATIONS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATIONS)[N]>;
