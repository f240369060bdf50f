import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/contract/errors';
import { bishkekDate } from '../../src-shared/domain/time';
import { uuidv7 } from '../../src-shared/ids';
import { commitLocal } from '../db/write-path';
import { localActor, type Deps, type Handlers } from './context';
import { judged } from './refusals';

const newId = (now: number) => uuidv7(now, randomBytes(10));

/**
 * Closing an offering (§4.3), the deanery's time-limited unlock and messages to AVN cabinets: each a
 * registry mutation through the one write path (`locks.close`, `unlocks.grant`, `messages.send`).
 */
export function closingHandlers(
  d: Deps,
): Pick<Handlers, 'journal.close' | 'journal.unlock' | 'messages.send'> {
  const offering = (offeringId: number) => {
    if (!d.db.get(sql`SELECT 1 AS x FROM offerings WHERE id = ${offeringId}`))
      throw new AppError('NOT_FOUND', {}, 'offeringId');
  };
  return {
    'journal.close': (input, ctx) => {
      offering(input.offeringId);
      const lockId = newId(ctx.now);
      judged(ctx.locale, () =>
        commitLocal(d.db, localActor(d, ctx), [
          { name: 'locks.close', args: { lockId, offeringId: input.offeringId } },
        ]),
      );
      return { lockId, closedOn: bishkekDate(ctx.now), closedAt: ctx.now };
    },
    'journal.unlock': (input, ctx) => {
      offering(input.offeringId);
      const unlockId = newId(ctx.now);
      judged(ctx.locale, () =>
        commitLocal(d.db, localActor(d, ctx), [
          {
            name: 'unlocks.grant',
            args: {
              unlockId,
              offeringId: input.offeringId,
              lessonId: input.lessonId ?? null,
              studentId: input.studentId ?? null,
              reason: input.reason,
              days: input.days,
            },
            reason: input.reason,
          },
        ]),
      );
      return { unlockId, expiresAt: ctx.now + input.days * 86_400_000 };
    },
    'messages.send': (input, ctx) => {
      const messageId = newId(ctx.now);
      judged(ctx.locale, () =>
        commitLocal(d.db, localActor(d, ctx), [{ name: 'messages.send', args: { messageId, ...input } }]),
      );
      return { messageId };
    },
  };
}
