import type { Action } from '../../domain/matrix';
import { MUTATIONS, type MutationArgs, type MutationName } from '../mutations';
import { conflictsResolve } from './conflicts';
import { locksClose, lessonsSetTopic, marksSet, unlocksGrant } from './journal';
import { archivePurge } from './purge';
import {
  archiveRegistered,
  archiveVerified,
  checksRecord,
  documentPrinted,
  messagesSend,
  paperArchived,
  paperPrinted,
  paperSigned,
} from './records';
import { absencesRegister, substitutionsAssign, substitutionsCancel } from './subs';
import type { MutationDef, Target } from './types';

/**
 * The mutation registry (issue 13): every mutation the desktop can queue and the gateway judges, one
 * definition each — its arguments (`MUTATIONS`), the action of DOMAIN.md's matrix it needs, what it
 * touches, how its facts are read, the pure rule that refuses it and the pure effect that writes it.
 * Typed over every mutation name: a mutation without a definition does not compile.
 */
export const REGISTRY: { readonly [N in MutationName]: MutationDef<MutationArgs<N>, unknown> } = {
  'marks.set': marksSet,
  'lessons.setTopic': lessonsSetTopic,
  'locks.close': locksClose,
  'unlocks.grant': unlocksGrant,
  'messages.send': messagesSend,
  'checks.record': checksRecord,
  'absences.register': absencesRegister,
  'substitutions.assign': substitutionsAssign,
  'substitutions.cancel': substitutionsCancel,
  'paper.printed': paperPrinted,
  'paper.signed': paperSigned,
  'paper.archived': paperArchived,
  'document.printed': documentPrinted,
  'archive.registered': archiveRegistered,
  'archive.verified': archiveVerified,
  'archive.purge': archivePurge,
  'conflicts.resolve': conflictsResolve,
};

export { MUTATION_NAMES } from '../mutations';

/** A mutation's definition, for code that handles any mutation (facts and args are checked by it). */
export function definition(name: MutationName): MutationDef<unknown, unknown> {
  return REGISTRY[name];
}

/** Parse a mutation's arguments with its schema: the args, or null when they do not fit. */
export function parseArgs(name: MutationName, args: unknown): Record<string, unknown> | null {
  const r = MUTATIONS[name].safeParse(args);
  return r.success ? r.data : null;
}

/** What a mutation touches (see Target), from arguments that fit its schema. */
export function targetOf(name: MutationName, args: unknown): Target {
  return definition(name).target(args);
}

/** The matrix action a mutation needs. */
export function actionOf(name: MutationName, args: unknown): Action {
  return definition(name).action(args);
}
