import { sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/contract/errors';
import type { ConflictDto } from '../../src-shared/contract/sync.contract';
import { waitSeconds } from '../../src-shared/domain/login-throttle';
import { fullName, shortName } from '../../src-shared/domain/people';
import { formatDateShort } from '../../src-shared/i18n/format';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { MUTATIONS, type MutationName } from '../../src-shared/sync/mutations';
import { commitLocal } from '../db/write-path';
import { NotConnectedError } from '../sync/engine';
import { GatewayRequestError } from '../sync/http';
import { localActor, requireSession, type Deps, type Handlers } from './context';
import { judged } from './refusals';

function syncError(err: unknown): never {
  if (err instanceof AppError) throw err;
  if (err instanceof NotConnectedError) throw new AppError('SYNC_FAILED', { reason: err.message });
  // Too many wrong passwords at the gateway: how long to wait, in words (issue 14, item 2).
  if (err instanceof GatewayRequestError && err.code === 'THROTTLED')
    throw new AppError('LOGIN_THROTTLED', { count: waitSeconds(err.retryAfterMs ?? 1000) });
  if (err instanceof GatewayRequestError)
    throw new AppError('SYNC_FAILED', { reason: `${err.code}: ${err.reason}` });
  throw err;
}

type ConflictRow = {
  id: number;
  mutationId: string;
  name: MutationName;
  args: string;
  outcome: ConflictDto['outcome'];
  reason: string | null;
  code: string | null;
  serverRow: string | null;
  createdAt: number;
  userId: number | null;
};

const CONFLICT_SELECT = sql`SELECT id, mutation_id AS mutationId, name, args, outcome, reason, code,
  server_row AS serverRow, created_at AS createdAt, user_id AS userId FROM sync_conflicts`;

type Args = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/**
 * Refused edits on the Sync screen (SYNC.md: nothing is dropped silently), for every mutation of the
 * registry, and their resolution by their author alone (DOMAIN.md: resolve a refused edit — own),
 * audited on this PC and sent to the gateway as `conflicts.resolve`.
 */
export function syncHandlers(
  d: Deps,
  edit: Pick<Handlers, 'journal.setMarks' | 'journal.setTopic'>,
): Pick<Handlers, 'sync.status' | 'sync.connect' | 'sync.run' | 'sync.conflicts' | 'sync.resolve'> {
  const teacher = (id: unknown) => {
    const t = d.db.get<{ lastName: string; firstName: string; patronymic: string | null }>(
      sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM teachers WHERE id = ${Number(id)}`,
    );
    return t ? shortName(t) : `#${str(id)}`;
  };
  const lessonOf = (lessonId: unknown) =>
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
      WHERE l.id = ${Number(lessonId) || 0}`) ?? null;
  const offeringText = (offeringId: unknown, locale: Locale) => {
    const o = d.db.get<{ group: string; ru: string; ky: string }>(sql`
      SELECT g.code AS "group", ds.name_ru AS ru, ds.name_ky AS ky FROM offerings o JOIN groups g ON g.id = o.group_id
      JOIN disciplines ds ON ds.id = o.discipline_id WHERE o.id = ${Number(offeringId) || 0}`);
    return o ? `${locale === 'ky' ? o.ky : o.ru}, ${o.group}` : `#${str(offeringId)}`;
  };

  /** What a refused edit named, in words (the lesson of a mark or topic is shown apart). */
  const subjectOf = (name: MutationName, a: Args, locale: Locale): string => {
    switch (name) {
      case 'marks.set':
      case 'lessons.setTopic':
        return '';
      case 'locks.close':
      case 'unlocks.grant':
        return offeringText(a.offeringId, locale);
      case 'absences.register':
        return `${teacher(a.teacherId)}, ${formatDateShort(str(a.startsOn))} – ${formatDateShort(str(a.endsOn))}`;
      case 'substitutions.assign': {
        const l = lessonOf(a.lessonId);
        const when = l
          ? `${formatDateShort(l.date)}, ${translate(locale, 'journal.pair', { n: l.pair })}, ${l.group}`
          : '';
        return `${teacher(a.substituteTeacherId)} → ${when}`;
      }
      case 'substitutions.cancel':
        return '';
      case 'checks.record':
        return `${formatDateShort(str(a.periodFrom))} – ${formatDateShort(str(a.periodTo))}`;
      case 'messages.send':
        return str(a.subject);
      case 'paper.printed':
      case 'document.printed':
        return str(a.number);
      case 'paper.signed':
      case 'paper.archived': {
        const p = d.db.get<{ number: string }>(
          sql`SELECT number FROM paper_journals WHERE id = ${str(a.paperId)}`,
        );
        return p?.number ?? '';
      }
      case 'archive.registered':
        return str(a.fileName);
      case 'archive.verified': {
        const p = d.db.get<{ f: string }>(
          sql`SELECT file_name AS f FROM archive_packages WHERE id = ${str(a.packageId)}`,
        );
        return p?.f ?? '';
      }
      case 'archive.purge': {
        const y = d.db.get<{ name: string }>(
          sql`SELECT name FROM academic_years WHERE id = ${Number(a.academicYearId) || 0}`,
        );
        return y?.name ?? '';
      }
      case 'conflicts.resolve':
        return '';
    }
  };

  const describe = (c: ConflictRow, locale: Locale): ConflictDto => {
    const parsed = MUTATIONS[c.name]?.safeParse(JSON.parse(c.args));
    const args: Args = parsed?.success ? parsed.data : {};
    const theirs = c.serverRow === null ? null : (JSON.parse(c.serverRow) as Record<string, unknown>);
    const isMark = c.name === 'marks.set';
    const isTopic = c.name === 'lessons.setTopic';
    const st =
      isMark && typeof args.studentId === 'number'
        ? d.db.get<{ lastName: string; firstName: string; patronymic: string | null }>(
            sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM students WHERE id = ${args.studentId}`,
          )
        : undefined;
    const reason = translate(locale, c.code ? `refusal.${c.code}` : `sync.outcome.${c.outcome}`);
    return {
      id: c.id,
      name: c.name,
      outcome: c.outcome,
      reason,
      code: c.code,
      createdAt: c.createdAt,
      kind: translate(locale, `mutation.${c.name}`),
      subject: subjectOf(c.name, args, locale),
      lesson: isMark || isTopic ? lessonOf(args.lessonId) : null,
      student: st && typeof args.studentId === 'number' ? { id: args.studentId, name: fullName(st) } : null,
      mine: isMark
        ? {
            attendance: (args.attendance as 'p' | 'a' | 'e' | null) ?? null,
            grade: (args.grade as 2 | 3 | 4 | 5 | null) ?? null,
          }
        : isTopic
          ? { topic: (args.topic as string | null) ?? null }
          : null,
      theirs:
        theirs === null || !(isMark || isTopic)
          ? null
          : isMark
            ? {
                attendance: (theirs.attendance as 'p' | 'a' | 'e') ?? null,
                grade: (theirs.grade as 2 | 3 | 4 | 5 | null) ?? null,
              }
            : { topic: (theirs.topic as string | null) ?? null },
      resolutions: isMark || isTopic ? ['keep_theirs', 'reapply_mine', 'edit'] : ['keep_theirs'],
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
    'sync.conflicts': (_input, ctx) => {
      const me = requireSession(ctx).user.id;
      const items = d.db
        .all<ConflictRow>(sql`${CONFLICT_SELECT} WHERE resolved_at IS NULL AND user_id = ${me} ORDER BY id`)
        .map((c) => describe(c, ctx.locale));
      const others = d.db.get<{ n: number }>(
        sql`SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL AND (user_id IS NULL OR user_id <> ${me})`,
      );
      return { items, others: others?.n ?? 0 };
    },
    'sync.resolve': async (input, ctx) => {
      const session = requireSession(ctx);
      const c = d.db.get<ConflictRow>(
        sql`${CONFLICT_SELECT} WHERE id = ${input.conflictId} AND resolved_at IS NULL`,
      );
      if (!c) throw new AppError('NOT_FOUND', {}, 'conflictId');
      // Only the refused edit's author resolves it (DOMAIN.md, Roles: own); the gateway judges it again.
      if (c.userId !== session.user.id)
        throw new AppError(
          'SCOPE_FORBIDDEN',
          { reason: translate(ctx.locale, 'refusal.not_author') },
          'conflictId',
        );
      const resolution = input.resolution === 'edit' ? 'edited' : input.resolution;
      if (input.resolution !== 'keep_theirs') {
        const parsed = MUTATIONS[c.name]?.safeParse(JSON.parse(c.args));
        const args: Args = parsed?.success ? parsed.data : {};
        const v = input.resolution === 'edit' ? (input.value ?? {}) : args;
        // Closings, unlocks, absences and the rest are redone from their own screens; here only dismissed.
        if ((c.name !== 'marks.set' && c.name !== 'lessons.setTopic') || typeof args.lessonId !== 'number') {
          throw new AppError(
            'INVALID_INPUT',
            { reason: translate(ctx.locale, 'reason.invalidValue') },
            'resolution',
          );
        }
        if (c.name === 'marks.set') {
          const attendance = (v.attendance as 'p' | 'a' | 'e' | null | undefined) ?? null;
          await edit['journal.setMarks'](
            {
              lessonId: args.lessonId,
              marks: [
                {
                  studentId: Number(args.studentId),
                  attendance,
                  grade: attendance === 'p' ? ((v.grade as 2 | 3 | 4 | 5 | null | undefined) ?? null) : null,
                },
              ],
            },
            ctx,
          );
        } else {
          await edit['journal.setTopic'](
            { lessonId: args.lessonId, topic: (v.topic as string | null | undefined) ?? null },
            ctx,
          );
        }
      }
      const actor = localActor(d, ctx);
      judged(ctx.locale, () =>
        d.db.$client.transaction(() => {
          const [mutationId] = commitLocal(d.db, actor, [
            { name: 'conflicts.resolve', args: { mutationId: c.mutationId, resolution } },
          ]);
          d.db.run(
            sql`UPDATE sync_conflicts SET resolved_at = ${ctx.now}, resolution = ${resolution} WHERE id = ${c.id}`,
          );
          d.db.$client
            .prepare(
              `INSERT INTO audit_log (at, user_id, device_id, entity, entity_key, op, old_value, new_value, reason, mutation_id)
               VALUES (?, ?, ?, 'sync_conflicts', ?, 'resolved', ?, ?, NULL, ?)`,
            )
            .run(
              ctx.now,
              actor.userId,
              actor.deviceId,
              JSON.stringify({ mutation_id: c.mutationId }),
              JSON.stringify({
                name: c.name,
                args: JSON.parse(c.args) as unknown,
                outcome: c.outcome,
                code: c.code,
              }),
              JSON.stringify({ resolution }),
              mutationId ?? null,
            );
        })(),
      );
      return { resolved: true };
    },
  };
}
