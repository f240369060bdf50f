import type { Action } from '../../domain/matrix';
import type { RoleGrant } from '../../domain/roles';
import type { Load, Side, StoredRow } from '../facts';
import type { ColumnOf, KeyOf, TableName } from '../tables';

/**
 * The shape of the mutation registry (issue 13): one definition per mutation, shared by the desktop
 * and the gateway. The desktop's handlers and the gateway's push both load a mutation's facts with its
 * `load`, judge it with its pure `refusal` and write its pure `effect`; the replica re-applies pending
 * edits after a new download with the same `effect`. Nothing here reads a clock or a database.
 */

/** A value of a synced column. */
export type Cell = string | number | null;

/** Columns every writer sets itself: the version and who changed the row when. */
type Managed = 'row_version' | 'updated_at' | 'updated_by';

/** A row of a synced table, by its key. */
export type RowRef = {
  [T in TableName]: { table: T; key: Readonly<Record<KeyOf<T>, string | number>> };
}[TableName];

/**
 * One row change: `set` null deletes the row, otherwise the row is updated (or inserted) with these
 * columns. `phase` orders the central writes of one mutation that must go in separate steps (a purge
 * deletes a year's marks before the lessons their scopes are found through); 0 unless given.
 */
export type RowChange = {
  [T in TableName]: {
    table: T;
    key: Readonly<Record<KeyOf<T>, string | number>>;
    set: Readonly<Partial<Record<Exclude<ColumnOf<T>, Managed>, Cell>>> | null;
    phase?: number;
  };
}[TableName];

/** Who sends a mutation: their account, their teacher record, and every role they hold with its scope. */
export type Actor = { userId: number; teacherId: number | null; grants: readonly RoleGrant[] };

/**
 * What a mutation is judged with besides its facts: who, when the edit happened (DOMAIN.md, Time — the
 * desktop's clock on the desktop, the bounded claimed time at the gateway) and the row version the
 * edit was based on (SYNC.md, Push).
 */
export type Judge = { actor: Actor; at: number; baseVersion: number | null };

/** Outcomes of a refused mutation (SYNC.md, Endpoints and answers). */
export const REFUSED = ['CONFLICT', 'LOCKED', 'FORBIDDEN', 'INVALID'] as const;
export type RefusedOutcome = (typeof REFUSED)[number];

/**
 * Why a mutation is refused: the outcome, a code (translated as `refusal.<code>` for the person who
 * sees it), the argument it concerns when one does, and parameters for the message.
 */
export type Refusal = {
  outcome: RefusedOutcome;
  code: RefusalCode;
  field?: string;
  params?: Readonly<Record<string, string | number>>;
};

/** Every refusal code; each has a `refusal.<code>` message in both catalogues. */
export const REFUSAL_CODES = [
  // generic, judged by the registry's runner
  'invalid_args',
  'role',
  'id_taken',
  'mutation_taken',
  'stale',
  'out_of_scope',
  // a lesson's journal
  'no_lesson',
  'not_responsible',
  'not_held',
  'not_begun',
  'locked',
  'not_member',
  'grade_needs_presence',
  // closing and unlocking
  'no_offering',
  'not_yours',
  'already_closed',
  'no_students',
  'results_missing',
  'not_locked',
  'lesson_elsewhere',
  // checks and messages
  'bad_unit',
  'bad_snapshot',
  'no_recipient',
  // absences and substitutions
  'no_teacher',
  'ends_before_start',
  'already_absent',
  'no_absence',
  'no_substitute',
  'already_covered',
  'same_teacher',
  'not_in_absence',
  'own_lesson',
  'other_substitution',
  'absent',
  'no_substitution',
  'already_cancelled',
  // paper and archive registers
  'no_paper',
  // the document register (issue 15)
  'number_taken',
  'number_bad',
  'number_future',
  'canon_old',
  'subject_kind',
  'twin_bad',
  'no_unit',
  'no_package',
  'digest_differs',
  'no_year',
  'purge_already_purged',
  'purge_already_requested',
  'purge_not_due',
  'purge_in_window',
  'purge_no_package',
  'purge_not_covered',
  'purge_not_verified',
  'purge_wrong_package',
  // resolutions of refused edits
  'no_mutation',
  'not_author',
  'not_refused',
  'already_resolved',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** A refusal, built tersely. */
export function refuse(
  outcome: RefusedOutcome,
  code: RefusalCode,
  field?: string,
  params?: Readonly<Record<string, string | number>>,
): Refusal {
  return { outcome, code, ...(field !== undefined ? { field } : {}), ...(params ? { params } : {}) };
}

/** What a mutation names, by argument: the rows whose scope decides who may send it. */
export type Named =
  | 'lesson'
  | 'student'
  | 'offering'
  | 'teacher'
  | 'absence'
  | 'substitution'
  | 'paper'
  | 'package'
  | 'unit'
  | 'year'
  | 'user'
  | 'mutation';

/**
 * What a mutation touches, from its arguments alone: the row it is about (the replica's overlay keeps it
 * from being overwritten by pulled rows while the edit is pending, later edits of it follow this one,
 * and a refusal puts the centre's row back), the row whose id the client chose (a create: the id must be
 * new — ids are owned), and the arguments that name rows of someone's scope (the security tests reach
 * out of scope through them).
 */
export type Target = {
  row: RowRef | null;
  creates: { ref: RowRef; arg: string } | null;
  names: Readonly<Record<string, Named>>;
};

/** A write to a central table that is not synced (messages for AVN to deliver, resolutions). */
export type CentralWrite =
  | {
      kind: 'message';
      id: string;
      toUserId: number;
      type: 'notice' | 'substitution' | 'other';
      subject: string;
      body: string;
    }
  | { kind: 'resolution'; mutationId: string; resolution: string };

/** Where and for whom facts are read, and when the edit happened (a closing's members are of that day). */
export type LoadEnv = { side: Side; actor: Actor; at: number };

/**
 * One mutation's definition. Methods (not function properties) so that definitions with their own
 * facts type fit the registry's common type.
 */
export type MutationDef<A, F> = {
  /** DOMAIN.md's matrix row it needs (`do`), checked before any fact is read. */
  action(args: A): Action;
  target(args: A): Target;
  /** Read the facts the rule needs (on both sides; `side` tells the few that exist only centrally). */
  load(args: A, env: LoadEnv): Load<F>;
  /** Why it is refused, or null: a pure rule on the facts, the actor and the edit's time. */
  refusal(args: A, facts: F, judge: Judge): Refusal | null;
  /** The row changes it makes (synced tables only). */
  effect(args: A, facts: F, judge: Judge): RowChange[];
  /** For an edit judged by base version: the version of the row as stored (null: no row yet). */
  version?(facts: F): number | null;
  /** The row as it stands, returned with a refusal for the person who resolves it. */
  stored(facts: F): StoredRow | null;
  /** Writes to central tables that do not sync (only the gateway makes them). */
  central?(args: A, facts: F, judge: Judge): CentralWrite[];
};

/** Declare a mutation, keeping its own args and facts types. */
export function define<A, F>(def: MutationDef<A, F>): MutationDef<A, F> {
  return def;
}
