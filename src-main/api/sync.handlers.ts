import { sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/contract/errors';
import type { ConflictDto } from '../../src-shared/contract/sync.contract';
import { fullName } from '../../src-shared/domain/people';
import { translate } from '../../src-shared/i18n/translate';
import { NotConnectedError } from '../sync/engine';
import { GatewayRequestError } from '../sync/http';
import { requireSession, type Deps, type Handlers } from './context';

function syncError(err: unknown): never {
  if (err instanceof AppError) throw err;
  if (err instanceof NotConnectedError) throw new AppError('SYNC_FAILED', { reason: err.message });
  if (err instanceof GatewayRequestError)
    throw new AppError('SYNC_FAILED', { reason: `${err.code}: ${err.reason}` });
  throw err;
}

type ConflictRow = {
  id: number;
  name: ConflictDto['name'];
  args: string;
  outcome: ConflictDto['outcome'];
  reason: string | null;
  serverRow: string | null;
  createdAt: number;
};

/** The arguments of a refused marks.set or lessons.setTopic mutation. */
type ConflictArgs = {
  lessonId?: number | null;
  studentId?: number;
  attendance?: 'p' | 'a' | 'e' | null;
  grade?: 2 | 3 | 4 | 5 | null;
  topic?: string | null;
};
const argsOf = (c: ConflictRow): ConflictArgs => JSON.parse(c.args) as ConflictArgs;

export function syncHandlers(
  d: Deps,
  edit: Pick<Handlers, 'journal.setMarks' | 'journal.setTopic'>,
): Pick<Handlers, 'sync.status' | 'sync.connect' | 'sync.run' | 'sync.conflicts' | 'sync.resolve'> {
  const describe = (c: ConflictRow): ConflictDto => {
    const args = argsOf(c);
    const theirs = c.serverRow === null ? null : (JSON.parse(c.serverRow) as Record<string, unknown>);
    const lesson =
      d.db.get<{
        id: number;
        date: string;
        pair: number;
        group: string;
        disciplineRu: string;
        disciplineKy: string;
      }>(sql`
        SELECT l.id, l.date, l.pair, g.code AS "group", ds.name_ru AS disciplineRu, ds.name_ky AS disciplineKy FROM lessons l
        JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id JOIN disciplines ds ON ds.id = o.discipline_id
        WHERE l.id = ${args.lessonId ?? 0}`) ?? null;
    const st =
      args.studentId === undefined || args.studentId === null
        ? undefined
        : d.db.get<{ lastName: string; firstName: string; patronymic: string | null }>(
            sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM students WHERE id = ${args.studentId}`,
          );
    const isMark = c.name === 'marks.set';
    return {
      id: c.id,
      name: c.name,
      outcome: c.outcome,
      reason: c.reason,
      createdAt: c.createdAt,
      lesson,
      student: st && args.studentId !== undefined ? { id: args.studentId, name: fullName(st) } : null,
      mine: isMark
        ? { attendance: args.attendance ?? null, grade: args.grade ?? null }
        : { topic: args.topic ?? null },
      theirs:
        theirs === null
          ? null
          : isMark
            ? {
                attendance: (theirs.attendance as 'p' | 'a' | 'e') ?? null,
                grade: (theirs.grade as 2 | 3 | 4 | 5 | null) ?? null,
              }
            : { topic: (theirs.topic as string | null) ?? null },
    };
  };
  return {
    'sync.status': () => d.sync.status(),
    'sync.connect': async (input) => {
      try {
        const r = await d.sync.connect(input.gatewayUrl, input.login, input.password, input.scope);
        return { scope: r.scope, scopes: r.scopes };
      } catch (err) {
        syncError(err);
      }
    },
    'sync.run': async () => {
      try {
        return await d.sync.sync({ verify: 'always', onProgress: (p) => d.events.emit('sync.progress', p) });
      } catch (err) {
        syncError(err);
      }
    },
    'sync.conflicts': () =>
      d.db
        .all<ConflictRow>(
          sql`SELECT id, name, args, outcome, reason, server_row AS serverRow, created_at AS createdAt FROM sync_conflicts
          WHERE resolved_at IS NULL ORDER BY id`,
        )
        .map(describe),
    'sync.resolve': async (input, ctx) => {
      requireSession(ctx);
      const c = d.db
        .get<ConflictRow>(sql`SELECT id, name, args, outcome, reason, server_row AS serverRow, created_at AS createdAt
        FROM sync_conflicts WHERE id = ${input.conflictId} AND resolved_at IS NULL`);
      if (!c) throw new AppError('NOT_FOUND', {}, 'conflictId');
      if (input.resolution !== 'keep_theirs') {
        const args = argsOf(c);
        const v = input.resolution === 'edit' ? (input.value ?? {}) : args;
        // Closings, unlocks and messages are redone from their own screens; here they are only dismissed.
        if ((c.name !== 'marks.set' && c.name !== 'lessons.setTopic') || !args.lessonId) {
          throw new AppError(
            'INVALID_INPUT',
            { reason: translate(ctx.locale, 'reason.invalidValue') },
            'resolution',
          );
        }
        if (c.name === 'marks.set') {
          if (args.studentId === undefined || args.studentId === null)
            throw new AppError('INVALID_INPUT', { reason: 'no student' }, 'conflictId');
          const attendance = v.attendance ?? null;
          await edit['journal.setMarks'](
            {
              lessonId: args.lessonId,
              marks: [
                {
                  studentId: args.studentId,
                  attendance,
                  grade: attendance === 'p' ? (v.grade ?? null) : null,
                },
              ],
            },
            ctx,
          );
        } else {
          await edit['journal.setTopic']({ lessonId: args.lessonId, topic: v.topic ?? null }, ctx);
        }
      }
      d.db
        .run(sql`UPDATE sync_conflicts SET resolved_at = ${ctx.now}, resolution = ${input.resolution === 'edit' ? 'edited' : input.resolution}
        WHERE id = ${c.id}`);
      return { resolved: true };
    },
  };
}
