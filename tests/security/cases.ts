// The builders of every case are async by contract (some read the centre or push first); most need no await.
/* eslint-disable @typescript-eslint/require-await */
import { randomUUID } from 'node:crypto';
import type { CentralDb } from '../../src-gateway/db/client';
import type { MutationArgs, MutationName } from '../../src-shared/sync/mutations';
import type { RefusedOutcome } from '../../src-shared/sync/registry/types';
import { centralEdit } from '../helpers/sync';
import type { RawClient } from '../helpers/raw-client';
import { DIGEST, type Fixtures } from './fixtures';

/**
 * What the security tests need of each mutation of the registry: who sends it honestly and with what,
 * and how a dishonest sender with an ordinary account reaches past their rights with it. Typed over
 * every mutation name: a new mutation without its case does not compile, so it cannot go untested.
 * A case that does not apply says why (`na`).
 */
export type Ctx = {
  url: string;
  db: CentralDb;
  fx: Fixtures;
  /** A fresh number per key: each test takes rows no other test used. */
  next: (key: string) => number;
  /** A logged-in client of a demo account on a device of its own, with the test's clock. */
  client: (login: string) => Promise<RawClient>;
};

type Args<N extends MutationName> = MutationArgs<N>;
type Key = Record<string, string | number>;

export type Case<N extends MutationName> = {
  login: string;
  honest: (ctx: Ctx) => Promise<Args<N>>;
  /** The version an honest edit is based on (versioned mutations). */
  base?: (db: CentralDb, a: Args<N>) => Promise<number | null>;
  /** Put things back after an applied honest edit, so a row can serve the next test. */
  undo?: (ctx: Ctx, a: Args<N>) => Promise<void>;
  /** For journal edits, the offering to close centrally: locked edits are refused (DOMAIN.md, Locks). */
  lockOf?: (db: CentralDb, a: Args<N>) => Promise<number>;
  /** The stored time of an applied edit's row (when it happened, by the gateway's judgement). */
  timeOf?: (db: CentralDb, a: Args<N>) => Promise<number>;
  /** A create: the argument naming its row, and an existing row of another unit to name instead. */
  reuse?: { arg: keyof Args<N> & string; foreign: (fx: Fixtures) => string; table: string };
  /** An update of a stored row outside the sender's scope. */
  stored?: {
    args: (ctx: Ctx) => Promise<Args<N>>;
    outcome: RefusedOutcome;
    row?: (a: Args<N>) => [string, Key];
  };
  /** New values naming something outside the sender's scope. */
  values?: { args: (ctx: Ctx) => Promise<Args<N>>; outcome: RefusedOutcome };
  na?: { reuse?: string; stored?: string; values?: string };
};

const one = async (db: CentralDb, sql: string, p: unknown[]) => {
  const [r] = await db.query<Record<string, unknown>>(sql, p);
  return r ?? null;
};
const num = async (db: CentralDb, sql: string, p: unknown[]) => {
  const r = await one(db, sql, p);
  return r === null ? null : Number(Object.values(r)[0]);
};
const version = (table: string, where: string) => (db: CentralDb, p: unknown[]) =>
  num(db, `SELECT row_version FROM ${table} WHERE ${where}`, p);

/** A refused marks.set of `login` (a cell not theirs): its mutation id, to be resolved. */
async function refusedEdit(
  ctx: Ctx,
  login: string,
  cell: { lessonId: number; studentId: number },
): Promise<string> {
  const c = await ctx.client(login);
  const r = await c.push([{ name: 'marks.set', args: { ...cell, attendance: 'a', grade: null } }]);
  if (r.outcomes[0]?.outcome !== 'FORBIDDEN')
    throw new Error(`expected a refusal, got ${JSON.stringify(r.outcomes)}`);
  return r.sent[0]?.mutationId ?? '';
}

export const CASES: { [N in MutationName]: Case<N> } = {
  'marks.set': {
    login: 'teacher',
    honest: async ({ fx, next }) => {
      const c = fx.cells[next('cell')];
      if (!c) throw new Error('out of cells');
      return { lessonId: c.lessonId, studentId: c.studentId, attendance: 'a', grade: null };
    },
    base: (db, a) => version('marks', 'lesson_id = $1 AND student_id = $2')(db, [a.lessonId, a.studentId]),
    lockOf: (db, a) =>
      num(db, 'SELECT offering_id FROM lessons WHERE id = $1', [a.lessonId]) as Promise<number>,
    stored: {
      args: async ({ fx }) => ({
        lessonId: fx.foreignCell.lessonId,
        studentId: fx.foreignCell.studentId,
        attendance: 'e',
        grade: null,
      }),
      outcome: 'FORBIDDEN',
      row: (a) => ['marks', { lesson_id: a.lessonId, student_id: a.studentId }],
    },
    values: {
      args: async ({ fx, next }) => ({
        lessonId: fx.cells[next('cell')]?.lessonId ?? 0,
        studentId: fx.stranger,
        attendance: 'p',
        grade: 5,
      }),
      outcome: 'INVALID',
    },
    na: { reuse: 'a mark is keyed by its lesson and student, not by an id the client chooses' },
  },
  'lessons.setTopic': {
    login: 'teacher',
    honest: async ({ fx, next }) => ({
      lessonId: fx.cells[next('cell')]?.lessonId ?? 0,
      topic: `Тема ${next('topic')}`,
    }),
    base: (db, a) => version('lessons', 'id = $1')(db, [a.lessonId]),
    lockOf: (db, a) =>
      num(db, 'SELECT offering_id FROM lessons WHERE id = $1', [a.lessonId]) as Promise<number>,
    stored: {
      args: async ({ fx }) => ({ lessonId: fx.foreignCell.lessonId, topic: 'Чужая тема' }),
      outcome: 'FORBIDDEN',
      row: (a) => ['lessons', { id: a.lessonId }],
    },
    na: {
      reuse: 'a topic belongs to an existing lesson',
      values: 'a topic names no row: only the lesson, whose scope is the stored row',
    },
  },
  'locks.close': {
    login: 'teacher',
    honest: async ({ fx }) => ({ lockId: randomUUID(), offeringId: fx.closable[0] ?? 0 }),
    undo: async (ctx, a) => {
      await centralEdit(ctx.url, [{ table: 'locks', key: { id: a.lockId }, set: null }]);
    },
    timeOf: (db, a) => num(db, 'SELECT closed_at FROM locks WHERE id = $1', [a.lockId]) as Promise<number>,
    reuse: { arg: 'lockId', foreign: (fx) => fx.foreign.lock, table: 'locks' },
    values: {
      args: async ({ fx }) => ({ lockId: randomUUID(), offeringId: fx.othersOffering }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a closing creates a row; the stored rows it could reach are another unit’s ids (reuse)' },
  },
  'unlocks.grant': {
    login: 'dean',
    honest: async ({ fx }) => ({
      unlockId: randomUUID(),
      offeringId: fx.closedF1[0] ?? 0,
      lessonId: null,
      studentId: null,
      reason: 'по заявлению преподавателя',
      days: 3,
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT granted_at FROM unlocks WHERE id = $1', [a.unlockId]) as Promise<number>,
    reuse: { arg: 'unlockId', foreign: (fx) => fx.foreign.unlock, table: 'unlocks' },
    values: {
      args: async ({ fx }) => ({
        unlockId: randomUUID(),
        offeringId: fx.offeringF2,
        lessonId: null,
        studentId: null,
        reason: 'чужой факультет',
        days: 3,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'an unlock creates a row' },
  },
  'messages.send': {
    login: 'dean',
    honest: async ({ fx, next }) => ({
      messageId: randomUUID(),
      toUserId: fx.users.teacher,
      kind: 'notice',
      subject: `Уведомление ${next('message')}`,
      body: 'Заполните журнал',
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT created_at FROM messages WHERE id = $1', [a.messageId]) as Promise<number>,
    reuse: { arg: 'messageId', foreign: (fx) => fx.foreign.message, table: 'messages' },
    values: {
      // A message about a substitution is the department head's (DOMAIN.md's matrix), not the deanery's.
      args: async ({ fx }) => ({
        messageId: randomUUID(),
        toUserId: fx.users.teacher,
        kind: 'substitution',
        subject: 'Замена',
        body: 'Замените',
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a message creates a row' },
  },
  'checks.record': {
    login: 'dean',
    honest: async () => ({
      checkId: randomUUID(),
      unitKind: 'faculty',
      unitId: 1,
      periodFrom: '2026-11-16',
      periodTo: '2026-11-22',
      week: '2026-W47',
      comment: '',
      snapshot: '{}',
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT checked_at FROM weekly_checks WHERE id = $1', [a.checkId]) as Promise<number>,
    reuse: { arg: 'checkId', foreign: (fx) => fx.foreign.check, table: 'weekly_checks' },
    values: {
      args: async () => ({
        checkId: randomUUID(),
        unitKind: 'faculty',
        unitId: 2,
        periodFrom: '2026-11-16',
        periodTo: '2026-11-22',
        week: '2026-W47',
        comment: '',
        snapshot: '{}',
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a check creates a row' },
  },
  'absences.register': {
    login: 'head',
    honest: async ({ fx, next }) => {
      const day = `2027-03-${String(1 + next('absenceDay')).padStart(2, '0')}`;
      return {
        absenceId: randomUUID(),
        teacherId: fx.dept1Teachers[0] ?? 0,
        startsOn: day,
        endsOn: day,
        pairs: null,
        reason: 'illness',
        documentRef: null,
      };
    },
    reuse: { arg: 'absenceId', foreign: (fx) => fx.foreign.absence, table: 'absences' },
    values: {
      args: async ({ fx }) => ({
        absenceId: randomUUID(),
        teacherId: fx.dept4Teacher,
        startsOn: '2027-04-01',
        endsOn: '2027-04-02',
        pairs: null,
        reason: 'illness',
        documentRef: null,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'an absence creates a row' },
  },
  'substitutions.assign': {
    login: 'head',
    honest: async ({ fx, next }) => {
      const l = fx.absence.lessons[next('assign') % fx.absence.lessons.length];
      if (!l) throw new Error('no lesson to cover');
      return {
        substitutionId: randomUUID(),
        lessonId: l.lessonId,
        absenceId: fx.absence.id,
        substituteTeacherId: l.free,
      };
    },
    undo: async (ctx, a) => {
      await centralEdit(ctx.url, [{ table: 'substitutions', key: { id: a.substitutionId }, set: null }]);
    },
    timeOf: (db, a) =>
      num(db, 'SELECT assigned_at FROM substitutions WHERE id = $1', [a.substitutionId]) as Promise<number>,
    reuse: { arg: 'substitutionId', foreign: (fx) => fx.foreign.substitution, table: 'substitutions' },
    values: {
      args: async ({ fx }) => ({
        substitutionId: randomUUID(),
        lessonId: fx.absence.lessons[0]?.lessonId ?? 0,
        absenceId: fx.foreign.absence,
        substituteTeacherId: fx.absence.lessons[0]?.free ?? 0,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'an assignment creates a row' },
  },
  'substitutions.cancel': {
    login: 'head',
    honest: async ({ fx, next }) => ({
      substitutionId: fx.dept1Substitutions[next('cancel') % fx.dept1Substitutions.length] ?? '',
    }),
    undo: async (ctx, a) => {
      await centralEdit(ctx.url, [
        { table: 'substitutions', key: { id: a.substitutionId }, set: { cancelled_at: null } },
      ]);
    },
    timeOf: (db, a) =>
      num(db, 'SELECT cancelled_at FROM substitutions WHERE id = $1', [a.substitutionId]) as Promise<number>,
    stored: {
      args: async ({ fx }) => ({ substitutionId: fx.foreign.substitution }),
      outcome: 'FORBIDDEN',
      row: (a) => ['substitutions', { id: a.substitutionId }],
    },
    na: { reuse: 'a cancel names an existing row', values: 'a cancel carries no values' },
  },
  'paper.printed': {
    login: 'dean',
    honest: async ({ fx, next }) => {
      const offeringId = fx.offeringsF1[next('print') % fx.offeringsF1.length] ?? 0;
      return {
        paperId: randomUUID(),
        offeringId,
        number: `ЖУР-${offeringId}-20261126-1330${String(next('printNo')).padStart(2, '0')}`,
        code: 'AAAA-BBBB-CCCC',
        locale: 'ru',
        pages: 3,
        canon: 1,
        twin: null,
      };
    },
    timeOf: (db, a) =>
      num(db, 'SELECT printed_at FROM paper_journals WHERE id = $1', [a.paperId]) as Promise<number>,
    reuse: { arg: 'paperId', foreign: (fx) => fx.foreign.paper, table: 'paper_journals' },
    values: {
      args: async ({ fx }) => ({
        paperId: randomUUID(),
        offeringId: fx.offeringF2,
        number: `ЖУР-${fx.offeringF2}-20261126-133000`,
        code: 'AAAA-BBBB-CCCC',
        locale: 'ru',
        pages: 3,
        canon: 1,
        twin: null,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a print creates a row' },
  },
  'paper.signed': {
    login: 'dean',
    honest: async ({ fx, next }) => ({
      paperId: fx.papersF1[next('paper') % fx.papersF1.length] ?? '',
      signedOn: '2026-11-25',
    }),
    base: (db, a) => version('paper_journals', 'id = $1')(db, [a.paperId]),
    stored: {
      args: async ({ fx }) => ({ paperId: fx.foreign.paper, signedOn: '2026-11-25' }),
      outcome: 'FORBIDDEN',
      row: (a) => ['paper_journals', { id: a.paperId }],
    },
    na: { reuse: 'a date names an existing entry', values: 'a date names no row' },
  },
  'paper.archived': {
    login: 'dean',
    honest: async ({ fx, next }) => ({
      paperId: fx.papersF1[next('paper') % fx.papersF1.length] ?? '',
      archivedOn: '2026-11-25',
      transferAct: 'АКТ-1',
    }),
    base: (db, a) => version('paper_journals', 'id = $1')(db, [a.paperId]),
    stored: {
      args: async ({ fx }) => ({ paperId: fx.foreign.paper, archivedOn: '2026-11-25', transferAct: 'АКТ-2' }),
      outcome: 'FORBIDDEN',
      row: (a) => ['paper_journals', { id: a.paperId }],
    },
    na: { reuse: 'a date names an existing entry', values: 'a date names no row' },
  },
  'document.printed': {
    login: 'dean',
    honest: async ({ next }) => ({
      documentId: randomUUID(),
      number: `АКТ-20261126-1330${String(next('docNo')).padStart(2, '0')}`,
      kind: 'act',
      locale: 'ru',
      code: 'AAAA-BBBB-CCCC',
      canon: 2,
      pages: 2,
      subjectKind: 'faculty',
      subjectId: 1,
      twin: null,
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT printed_at FROM documents WHERE id = $1', [a.documentId]) as Promise<number>,
    reuse: { arg: 'documentId', foreign: (fx) => fx.foreign.document, table: 'documents' },
    values: {
      // The act of another faculty's check: the deanery records its own faculty's.
      args: async ({ next }) => ({
        documentId: randomUUID(),
        number: `АКТ-20261126-1331${String(next('docNo')).padStart(2, '0')}`,
        kind: 'act',
        locale: 'ru',
        code: 'AAAA-BBBB-CCCC',
        canon: 2,
        pages: 2,
        subjectKind: 'faculty',
        subjectId: 2,
        twin: null,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a print creates a row' },
  },
  'archive.registered': {
    login: 'archivist',
    honest: async ({ next }) => ({
      packageId: randomUUID(),
      unitKind: 'faculty',
      unitId: 1,
      periodKind: 'semester',
      periodId: 1,
      academicYearId: 1,
      fileName: `faculty-1-${next('package')}.zip`,
      sizeBytes: 100,
      digest: DIGEST,
      counts: {},
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT made_at FROM archive_packages WHERE id = $1', [a.packageId]) as Promise<number>,
    reuse: { arg: 'packageId', foreign: (fx) => fx.foreign.package, table: 'archive_packages' },
    values: {
      args: async () => ({
        packageId: randomUUID(),
        unitKind: 'faculty',
        unitId: 2,
        periodKind: 'semester',
        periodId: 1,
        academicYearId: 1,
        fileName: 'faculty-2.zip',
        sizeBytes: 100,
        digest: DIGEST,
        counts: {},
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a registration creates a row' },
  },
  'archive.verified': {
    login: 'archivist',
    honest: async ({ fx, next }) => ({
      packageId: fx.packagesF1[next('verify') % fx.packagesF1.length] ?? '',
      digest: DIGEST,
    }),
    undo: async (ctx, a) => {
      await centralEdit(ctx.url, [
        {
          table: 'archive_packages',
          key: { id: a.packageId },
          set: { verified_at: null, verified_by: null },
        },
      ]);
    },
    timeOf: (db, a) =>
      num(db, 'SELECT verified_at FROM archive_packages WHERE id = $1', [a.packageId]) as Promise<number>,
    stored: {
      args: async ({ fx }) => ({ packageId: fx.foreign.package, digest: DIGEST }),
      outcome: 'FORBIDDEN',
      row: (a) => ['archive_packages', { id: a.packageId }],
    },
    na: { reuse: 'a verification names an existing package', values: 'the digest names no row' },
  },
  'archive.purge': {
    login: 'archivist',
    honest: async ({ fx, next }) => {
      const g = fx.purgeGroups[next('purge') % fx.purgeGroups.length];
      if (!g) throw new Error('no group to purge');
      return {
        purgeId: randomUUID(),
        packageId: g.packageId,
        academicYearId: fx.oldYear,
        unitKind: 'group',
        unitId: g.group,
      };
    },
    undo: async (ctx, a) => {
      await centralEdit(ctx.url, [{ table: 'archive_purges', key: { id: a.purgeId }, set: null }]);
    },
    timeOf: (db, a) =>
      num(db, 'SELECT requested_at FROM archive_purges WHERE id = $1', [a.purgeId]) as Promise<number>,
    reuse: { arg: 'purgeId', foreign: (fx) => fx.foreign.purge, table: 'archive_purges' },
    values: {
      args: async ({ fx }) => ({
        purgeId: randomUUID(),
        packageId: fx.purgeGroups[0]?.packageId ?? '',
        academicYearId: fx.oldYear,
        unitKind: 'group',
        unitId: fx.purgeGroupF2,
      }),
      outcome: 'FORBIDDEN',
    },
    na: { stored: 'a purge request creates a row' },
  },
  'conflicts.resolve': {
    login: 'teacher',
    honest: async (ctx) => ({
      mutationId: await refusedEdit(ctx, 'teacher', ctx.fx.foreignCell),
      resolution: 'keep_theirs',
    }),
    timeOf: (db, a) =>
      num(db, 'SELECT resolved_at FROM mutations WHERE mutation_id = $1', [a.mutationId]) as Promise<number>,
    stored: {
      // Someone else's refused edit: only its author resolves it.
      args: async (ctx) => ({
        mutationId: await refusedEdit(ctx, 'curator', ctx.fx.cells[0] ?? { lessonId: 0, studentId: 0 }),
        resolution: 'keep_theirs',
      }),
      outcome: 'FORBIDDEN',
      row: (a) => ['mutations', { mutation_id: a.mutationId }],
    },
    na: { reuse: 'a resolution names an existing refused edit', values: 'a resolution carries no values' },
  },
};
