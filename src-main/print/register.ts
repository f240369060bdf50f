import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PaperView } from '../../src-shared/contract/print.contract';
import { AppError } from '../../src-shared/contract/errors';
import { shortName } from '../../src-shared/domain/people';
import { paperDueForArchive } from '../../src-shared/domain/retention';
import type { Canon } from '../../src-shared/domain/documents';
import { canPrint, type RoleGrant } from '../../src-shared/domain/roles';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { uuidv7 } from '../../src-shared/ids';
import type { Db } from '../db/open';
import { commitLocal, type Intent, type LocalActor } from '../db/write-path';
import { judged } from '../api/refusals';
import { isRegisteredAlready } from './documents-register';

/**
 * The paper register (issue 6; §1.7, §5.6, §5.7): what was printed (number, code, pages, by whom,
 * when), when the teacher signed it, when it went to the archive with the transfer act — written
 * through the one write path and synced with the offering's scope.
 */

type Actor = LocalActor;

/** A printed journal as the register takes it: a print job's journal, with its canon and twin if known. */
export type PrintedJournalEntry = {
  offeringId: number;
  number: string;
  code: string;
  pages: number;
  /** The canonical version the code was made from (default 1: the semester journal's own, issue 6). */
  canon?: Canon;
  /** The number of the same journal printed in the other language (default: none). */
  twin?: string | null;
};

/**
 * Enter every journal of a finished print job in the paper register and the document register, in one
 * transaction (a refusal of any writes nothing).
 */
export function registerPrinted(
  db: Db,
  actor: Actor,
  files: ReadonlyArray<{ readonly journals: readonly PrintedJournalEntry[]; readonly locale?: 'ru' | 'ky' }>,
  locale: 'ru' | 'ky',
): void {
  // A bilingual job's files each have their language; the prints of both go in one transaction.
  // A journal printed again within its second has the same number and code: it is registered already.
  const mutations: Intent[] = files.flatMap((f) =>
    f.journals
      .filter(
        (j) =>
          !isRegisteredAlready(db, {
            number: j.number,
            kind: 'journal',
            locale: f.locale ?? locale,
            code: j.code,
          }),
      )
      .map((j) => ({
        name: 'paper.printed' as const,
        args: {
          paperId: uuidv7(actor.now, randomBytes(10)),
          offeringId: j.offeringId,
          number: j.number,
          code: j.code,
          locale: f.locale ?? locale,
          pages: j.pages,
          canon: j.canon ?? 1,
          twin: j.twin ?? null,
        },
      })),
  );
  if (mutations.length > 0) judged(locale, () => commitLocal(db, actor, mutations));
}

type Row = {
  id: string;
  offeringId: number;
  number: string;
  code: string;
  locale: 'ru' | 'ky';
  pages: number;
  printedAt: number;
  printedBy: string | null;
  signedOn: string | null;
  archivedOn: string | null;
  transferAct: string | null;
  rowVersion: number;
  groupCode: string;
  subgroup: string | null;
  dRu: string;
  dKy: string;
  kind: string;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  faculty: number;
  department: number;
  teacher: number;
};

const SELECT = sql`SELECT p.id, p.offering_id AS offeringId, p.number, p.code, p.locale, p.pages, p.printed_at AS printedAt,
  u.display_name AS printedBy, p.signed_on AS signedOn, p.archived_on AS archivedOn, p.transfer_act AS transferAct,
  p.row_version AS rowVersion, g.code AS groupCode, sg.name AS subgroup, d.name_ru AS dRu, d.name_ky AS dKy,
  o.lesson_kind AS kind, t.last_name AS lastName, t.first_name AS firstName, t.patronymic,
  g.faculty_id AS faculty, o.department_id AS department, o.teacher_id AS teacher
  FROM paper_journals p JOIN offerings o ON o.id = p.offering_id JOIN groups g ON g.id = o.group_id
  LEFT JOIN subgroups sg ON sg.id = o.subgroup_id JOIN disciplines d ON d.id = o.discipline_id
  JOIN teachers t ON t.id = o.teacher_id LEFT JOIN users u ON u.id = p.printed_by`;

function viewOf(r: Row, now: number, locale: Locale, canEdit: boolean): PaperView {
  return {
    id: r.id,
    offeringId: r.offeringId,
    number: r.number,
    code: r.code,
    locale: r.locale,
    pages: r.pages,
    printedAt: r.printedAt,
    printedBy: r.printedBy,
    signedOn: r.signedOn,
    archivedOn: r.archivedOn,
    transferAct: r.transferAct,
    group: r.subgroup ? `${r.groupCode} (${r.subgroup})` : r.groupCode,
    discipline: { ru: r.dRu, ky: r.dKy },
    kind: translate(locale, `kind.${r.kind}` as MessageKey),
    teacher: shortName(r),
    pending: r.rowVersion === 0,
    dueForArchive: paperDueForArchive(r, now),
    canEdit,
  };
}

/**
 * The register entries a person may see — those of their print scope, a teacher's own journals among
 * them (`teacherId`, the session's teacher) — newest first, optionally searched or only those due.
 */
export function listRegister(
  db: Db,
  grants: readonly RoleGrant[],
  teacherId: number | null,
  input: { due: boolean; search?: string },
  now: number,
  locale: Locale,
): { items: PaperView[]; due: number } {
  const like = input.search ? `%${input.search}%` : null;
  const rows = db
    .all<Row>(
      sql`${SELECT} WHERE (${like} IS NULL OR p.number LIKE ${like} OR p.code LIKE ${like} OR g.code LIKE ${like}
        OR d.name_ru LIKE ${like} OR d.name_ky LIKE ${like}) ORDER BY p.printed_at DESC, p.number`,
    )
    .filter((r) => canPrint(grants, r, teacherId));
  const all = rows.map((r) => viewOf(r, now, locale, canPrint(grants, r, teacherId)));
  return {
    // The list stops at 2,000 (the newest; search narrows it); the count of due ones is whole.
    items: (input.due ? all.filter((p) => p.dueForArchive) : all).slice(0, 2000),
    due: all.filter((p) => p.dueForArchive).length,
  };
}

/** One register entry the caller may keep (`teacherId`: the session's teacher, for their own journals). */
function one(
  db: Db,
  grants: readonly RoleGrant[],
  id: string,
  now: number,
  locale: Locale,
  teacherId: number | null = null,
): PaperView & { version: number } {
  const r = db.get<Row>(sql`${SELECT} WHERE p.id = ${id}`);
  if (!r) throw new AppError('NOT_FOUND', {}, 'paperId');
  if (!canPrint(grants, r, teacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, 'paperId');
  return { ...viewOf(r, now, locale, true), version: r.rowVersion };
}

/** The printed document with the given code (the newest print of it), for verification by code alone. */
export function findByCode(db: Db, code: string): { number: string; code: string } | null {
  return (
    db.get<{ number: string; code: string }>(
      sql`SELECT number, code FROM documents WHERE code = ${code} ORDER BY printed_at DESC LIMIT 1`,
    ) ?? null
  );
}

export function setSigned(
  db: Db,
  grants: readonly RoleGrant[],
  actor: Actor,
  input: { paperId: string; signedOn: string | null },
  locale: Locale,
): PaperView {
  one(db, grants, input.paperId, actor.now, locale, actor.teacherId);
  judged(locale, () =>
    commitLocal(db, actor, [
      { name: 'paper.signed', args: { paperId: input.paperId, signedOn: input.signedOn } },
    ]),
  );
  return one(db, grants, input.paperId, actor.now, locale, actor.teacherId);
}

export function setArchived(
  db: Db,
  grants: readonly RoleGrant[],
  actor: Actor,
  input: { paperId: string; archivedOn: string | null; transferAct: string | null },
  locale: Locale,
): PaperView {
  one(db, grants, input.paperId, actor.now, locale, actor.teacherId);
  judged(locale, () =>
    commitLocal(db, actor, [
      {
        name: 'paper.archived',
        args: { paperId: input.paperId, archivedOn: input.archivedOn, transferAct: input.transferAct },
      },
    ]),
  );
  return one(db, grants, input.paperId, actor.now, locale, actor.teacherId);
}
