import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/contract/errors';
import { closeRefusal } from '../../src-shared/domain/locks';
import { bishkekDate, type IsoDate } from '../../src-shared/domain/time';
import { uuidv7 } from '../../src-shared/ids';
import { translate } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { writeLocal } from '../db/write-path';
import { requireSession, type Deps, type Handlers } from './context';

/** The facts closing and unlocking need about an offering. */
export type OfferingCloseFacts = {
  teacherId: number;
  facultyId: number;
  locked: boolean;
  members: number[];
  withResult: Set<number>;
};

/** Members on `date` and who has an intermediate result — the §4.3 condition for closing. */
export function offeringCloseFacts(db: Db, offeringId: number, date: IsoDate): OfferingCloseFacts | null {
  const o = db.get<{
    teacherId: number;
    groupId: number;
    subgroupId: number | null;
    facultyId: number;
    locked: number;
  }>(sql`
    SELECT o.teacher_id AS teacherId, o.group_id AS groupId, o.subgroup_id AS subgroupId, g.faculty_id AS facultyId,
      EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) AS locked
    FROM offerings o JOIN groups g ON g.id = o.group_id WHERE o.id = ${offeringId}`);
  if (!o) return null;
  const members = (
    o.subgroupId !== null
      ? db.all<{
          id: number;
        }>(sql`SELECT student_id AS id FROM subgroup_members WHERE subgroup_id = ${o.subgroupId}
          AND starts_on <= ${date} AND (ends_on IS NULL OR ends_on >= ${date})`)
      : db.all<{ id: number }>(sql`SELECT student_id AS id FROM enrolments WHERE group_id = ${o.groupId}
          AND starts_on <= ${date} AND (ends_on IS NULL OR ends_on >= ${date})`)
  ).map((r) => r.id);
  const withResult = new Set(
    db
      .all<{ id: number }>(
        sql`SELECT student_id AS id FROM assessments WHERE offering_id = ${offeringId} AND kind = 'intermediate'
        AND (grade IS NOT NULL OR points IS NOT NULL OR passed IS NOT NULL OR outcome IS NOT NULL)`,
      )
      .map((r) => r.id),
  );
  return { teacherId: o.teacherId, facultyId: o.facultyId, locked: o.locked === 1, members, withResult };
}

const newId = (now: number) => uuidv7(now, randomBytes(10));

export function closingHandlers(
  d: Deps,
): Pick<Handlers, 'journal.close' | 'journal.unlock' | 'messages.send'> {
  return {
    'journal.close': (input, ctx) => {
      const session = requireSession(ctx);
      const closedOn = bishkekDate(ctx.now);
      const f = offeringCloseFacts(d.db, input.offeringId, closedOn);
      if (!f) throw new AppError('NOT_FOUND', {}, 'offeringId');
      const refusal = closeRefusal(session.teacherId, f.teacherId, f.members, f.withResult, f.locked);
      if (refusal === 'not_yours')
        throw new AppError(
          'EDIT_FORBIDDEN',
          { reason: translate(ctx.locale, 'reason.not_responsible') },
          'offeringId',
        );
      if (refusal === 'already_closed')
        throw new AppError('LOCKED', { reason: translate(ctx.locale, 'reason.locked') }, 'offeringId');
      if (refusal)
        throw new AppError(
          'INVALID_INPUT',
          { reason: translate(ctx.locale, `reason.${refusal}`) },
          'offeringId',
        );
      const lockId = newId(ctx.now);
      writeLocal(d.db, { userId: session.user.id, deviceId: d.deviceId, now: ctx.now }, [
        {
          name: 'locks.close',
          args: { lockId, offeringId: input.offeringId, closedOn },
          baseVersion: null,
          changes: [
            {
              table: 'locks',
              key: { id: lockId },
              set: {
                offering_id: input.offeringId,
                closed_on: closedOn,
                closed_at: ctx.now,
                closed_by: session.user.id,
              },
            },
          ],
        },
      ]);
      return { lockId, closedOn, closedAt: ctx.now };
    },
    'journal.unlock': (input, ctx) => {
      const session = requireSession(ctx);
      const f = offeringCloseFacts(d.db, input.offeringId, bishkekDate(ctx.now));
      if (!f) throw new AppError('NOT_FOUND', {}, 'offeringId');
      // The deanery of the group's faculty (DOMAIN.md, Roles: grant a time-limited unlock — faculty).
      if (
        !session.grants.some(
          (g) => g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId === f.facultyId,
        )
      ) {
        throw new AppError('SCOPE_FORBIDDEN', {}, 'offeringId');
      }
      if (!f.locked)
        throw new AppError(
          'INVALID_INPUT',
          { reason: translate(ctx.locale, 'reason.notLocked') },
          'offeringId',
        );
      if (input.studentId !== undefined && !f.members.includes(input.studentId)) {
        throw new AppError(
          'INVALID_INPUT',
          { reason: translate(ctx.locale, 'reason.notMember') },
          'studentId',
        );
      }
      if (input.lessonId !== undefined) {
        const l = d.db.get<{ o: number }>(
          sql`SELECT offering_id AS o FROM lessons WHERE id = ${input.lessonId}`,
        );
        if (l?.o !== input.offeringId)
          throw new AppError(
            'INVALID_INPUT',
            { reason: translate(ctx.locale, 'reason.invalid') },
            'lessonId',
          );
      }
      const unlockId = newId(ctx.now);
      const expiresAt = ctx.now + input.days * 86_400_000;
      const lessonId = input.lessonId ?? null;
      const studentId = input.studentId ?? null;
      writeLocal(d.db, { userId: session.user.id, deviceId: d.deviceId, now: ctx.now }, [
        {
          name: 'unlocks.grant',
          args: {
            unlockId,
            offeringId: input.offeringId,
            lessonId,
            studentId,
            reason: input.reason,
            expiresAt,
          },
          baseVersion: null,
          reason: input.reason,
          changes: [
            {
              table: 'unlocks',
              key: { id: unlockId },
              set: {
                offering_id: input.offeringId,
                lesson_id: lessonId,
                student_id: studentId,
                reason: input.reason,
                granted_by: session.user.id,
                granted_at: ctx.now,
                expires_at: expiresAt,
              },
            },
          ],
        },
      ]);
      return { unlockId, expiresAt };
    },
    'messages.send': (input, ctx) => {
      const session = requireSession(ctx);
      const to = d.db.get<{ id: number }>(
        sql`SELECT id FROM users WHERE id = ${input.toUserId} AND active = 1`,
      );
      if (!to) throw new AppError('NOT_FOUND', {}, 'toUserId');
      const messageId = newId(ctx.now);
      writeLocal(d.db, { userId: session.user.id, deviceId: d.deviceId, now: ctx.now }, [
        { name: 'messages.send', args: { messageId, ...input }, baseVersion: null, changes: [] },
      ]);
      return { messageId };
    },
  };
}
