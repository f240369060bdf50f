import { ACTIONS, mayAct, rolesFor, type Action, type Need } from '../domain/matrix';
import { ROLES, type Role, type RoleGrant } from '../domain/roles';
import type { MethodName } from './index';

/**
 * Who may call each API method, decided by DOMAIN.md's role × action matrix (`domain/matrix.ts`) rather
 * than by role lists written beside each method (issue 13): a method names the matrix row it belongs to
 * and what it needs of that row, and its roles are derived from the row's cells. `dispatch` refuses
 * every other role with ROLE_FORBIDDEN; the scope (which faculty, which offering) is judged after that
 * by the rules that know the rows.
 *
 * - `'public'`: no session — only what the login screen itself needs.
 * - `'session'`: any logged-in user — only methods about the session or the app itself.
 * - `{ action, need }`: the roles whose cell of `action` covers `need` (`rolesFor`).
 * - `{ anyOf: [...] }`: the roles any of those rows lets through — for a method that serves several
 *   rows alike (the document register lists what each row's holders print).
 */
export type MatrixRight = { readonly action: Action; readonly need: Need };
export type MethodRight = 'public' | 'session' | MatrixRight | { readonly anyOf: readonly MatrixRight[] };

/** Who may call a method, as dispatch checks it: anyone, any logged-in user, or the listed roles. */
export type Access = 'public' | 'session' | readonly Role[];

const view = (action: Action) => ({ action, need: 'view' }) as const;
const act = (action: Action) => ({ action, need: 'do' }) as const;

/**
 * Every method of the contract and its right. A method added to the contract without a line here does
 * not compile, and `matrixProblems` says the same at run time.
 */
export const METHOD_RIGHTS = {
  // The app and the session themselves.
  'app.info': 'public', // the login screen shows the replica and the demo accounts
  'auth.login': 'public',
  'auth.logout': 'session',
  'auth.me': 'session',
  // Lifting a login lock is the accounts' admin's (issue 14, item 2).
  'auth.unlock': act('accounts'),
  // The status bar's latest errors: about the app itself; the handler narrows them to the caller's own.
  'app.recentErrors': 'session',
  // A damaged replica's accounts cannot be read, so its restore offer is shown before any login.
  'backup.status': 'public',
  // Leaving an opened archive only closes it and reopens the working replica; it must work from the
  // login screen of the archive, where nobody can log in with a role of the working replica yet.
  'archive.leave': 'public',
  'sync.status': 'session',
  'sync.run': 'session',
  'sync.conflicts': 'session',

  // View journals: every role, each within its scope (scoped inputs are checked by dispatch).
  'journal.groups': view('viewJournals'),
  'journal.offerings': view('viewJournals'),
  'journal.grid': view('viewJournals'),
  'journal.cellHistory': view('viewJournals'),
  // Set topic, attendance, grades; close; unlock.
  'journal.setMarks': act('fillJournals'),
  'journal.setTopic': act('fillJournals'),
  'journal.close': act('closeJournal'),
  'journal.unlock': act('unlock'),

  // The weekly check: the department head looks, the study office and the deanery record and notify.
  'control.report': view('weeklyCheck'),
  'control.lessons': view('weeklyCheck'),
  'control.export': view('weeklyCheck'),
  'control.heatmap': view('weeklyCheck'),
  'control.checks': view('weeklyCheck'),
  'control.check': view('weeklyCheck'),
  'control.record': act('weeklyCheck'),
  'control.sendNotices': act('weeklyCheck'),
  // A message to a teacher's AVN cabinet is a notice of the weekly check ("send notices").
  'messages.send': act('weeklyCheck'),

  // Substitutions: the deanery looks, the department head registers and assigns.
  'subs.overview': view('substitutions'),
  'subs.absence': view('substitutions'),
  'subs.order': view('substitutions'),
  'subs.report': view('substitutions'),
  'subs.reportExport': view('substitutions'),
  'subs.registerAbsence': act('substitutions'),
  'subs.candidates': act('substitutions'),
  'subs.assign': act('substitutions'),
  'subs.cancel': act('substitutions'),

  // Printed journals and the paper register (the row has no view-only cells: whoever prints, looks).
  'print.options': view('print'),
  'print.register': view('print'),
  'print.verify': view('print'),
  'print.verifyFile': view('print'),
  'print.start': act('print'),
  'print.job': act('print'),
  'print.cancel': act('print'),
  'print.file': act('print'),
  'print.system': act('print'),
  'print.setSigned': act('print'),
  'print.setArchived': act('print'),

  // The register of printed documents: whoever prints or registers a kind of document (a journal, the
  // act and notices of a weekly check, a substitution order, an archive transfer act) sees the entries
  // they may register themselves — the study office its acts and notices too, though it prints no
  // journals.
  'documents.list': {
    anyOf: [act('print'), act('weeklyCheck'), act('substitutions'), act('archive')],
  },

  // Archive packages and retention: the deanery looks (registers, verifying and opening a package to
  // read it), the archivist makes packages and requests purges.
  'archive.options': view('archive'),
  'archive.list': view('archive'),
  'archive.verify': view('archive'),
  'archive.pick': view('archive'),
  'archive.transferAct': view('archive'),
  'archive.open': view('archive'),
  'archive.browse': view('archive'),
  'retention.register': view('archive'),
  'archive.start': act('archive'),
  'archive.job': act('archive'),
  'archive.cancel': act('archive'),
  'retention.purge': act('archive'),

  // This PC: its backups, what its replica holds, the gateway it syncs with (the admin's).
  'backup.list': act('backups'),
  'backup.create': act('backups'),
  'backup.restore': act('backups'),
  // Row counts of the whole replica file, whatever the caller's scope: a look at this PC's replica.
  'replica.counts': view('backups'),
  'sync.connect': act('gateway'),
  // Everyone resolves their own refused edits (whose edit it is, the handler judges).
  'sync.resolve': act('resolveConflict'),
} satisfies Record<MethodName, MethodRight>;

/** The matrix rows a right names (none for public and session). */
export function rowsOf(right: MethodRight): readonly MatrixRight[] {
  if (right === 'public' || right === 'session') return [];
  return 'anyOf' in right ? right.anyOf : [right];
}

/** The access a right gives: public, any session, or the roles of the matrix that cover it. */
export function accessOf(right: MethodRight): Access {
  if (right === 'public' || right === 'session') return right;
  const roles = new Set(rowsOf(right).flatMap((r) => rolesFor(r.action, r.need)));
  return ROLES.filter((r) => roles.has(r));
}

/** Each method's access, derived once from METHOD_RIGHTS and the matrix (what dispatch checks). */
export const METHOD_ACCESS: Readonly<Record<MethodName, Access>> = Object.fromEntries(
  Object.entries(METHOD_RIGHTS).map(([m, r]) => [m, accessOf(r)]),
) as Record<MethodName, Access>;

/** Whether a right lets a logged-in user with these grants through the door (their scope aside). */
export function rightAllows(right: MethodRight, grants: readonly RoleGrant[]): boolean {
  return (
    right === 'public' || right === 'session' || rowsOf(right).some((r) => mayAct(grants, r.action, r.need))
  );
}

/**
 * Whether a logged-in user with these grants may call a method at all (their scope aside): for the
 * renderer, to offer only what the door lets through.
 */
export function mayCall(method: MethodName, grants: readonly RoleGrant[]): boolean {
  return rightAllows(METHOD_RIGHTS[method], grants);
}

const NEEDS: readonly string[] = ['view', 'comment', 'do'] satisfies Need[];

/**
 * What is wrong between a contract and its rights, in words a person can act on: a method without a
 * right, a right for no method, an action that is not a row of the matrix, and a need that is not one.
 * Empty when every method is decided by the matrix. (The type of
 * METHOD_RIGHTS already refuses the first two for the real contract; this holds any contract to it.)
 */
export function matrixProblems(
  contract: Readonly<Record<string, unknown>>,
  rights: Readonly<Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  for (const method of Object.keys(contract))
    if (!Object.prototype.hasOwnProperty.call(rights, method))
      problems.push(`${method}: the method has no right in METHOD_RIGHTS (DOMAIN.md, Roles)`);
  for (const [method, right] of Object.entries(rights)) {
    if (!Object.prototype.hasOwnProperty.call(contract, method))
      problems.push(`${method}: a right for a method the contract does not have`);
    if (right === 'public' || right === 'session') continue;
    if (typeof right !== 'object' || right === null) {
      problems.push(`${method}: the right ${JSON.stringify(right)} is not public, session or a matrix right`);
      continue;
    }
    const anyOf = (right as { anyOf?: unknown }).anyOf;
    if (anyOf !== undefined && (!Array.isArray(anyOf) || anyOf.length === 0)) {
      problems.push(`${method}: anyOf must list at least one matrix right`);
      continue;
    }
    for (const row of (anyOf as unknown[] | undefined) ?? [right]) {
      const { action, need } = (row ?? {}) as { action?: unknown; need?: unknown };
      if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(ACTIONS, action)) {
        problems.push(`${method}: the action ${JSON.stringify(action)} is not a row of the matrix (ACTIONS)`);
        continue;
      }
      if (typeof need !== 'string' || !NEEDS.includes(need))
        problems.push(`${method}: the need ${JSON.stringify(need)} is not one of ${NEEDS.join(', ')}`);
    }
  }
  return problems;
}
