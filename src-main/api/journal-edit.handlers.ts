import { AppError } from '../../src-shared/contract/errors';
import { isLessonComplete, lessonEditRefusal, type EditRefusal } from '../../src-shared/domain/edit-rights';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { lessonEditContext, type LessonEditContext } from '../db/lesson-edit.repo';
import { writeLocal, type LocalMutation, type RowChange } from '../db/write-path';
import { requireSession, type CallContext, type Deps, type Handlers } from './context';

/** Turn a refusal of the edit rule into the API error a person understands. */
function refuse(refusal: EditRefusal, locale: Locale, field: string): never {
  const reason = translate(locale, `reason.${refusal}`);
  if (refusal === 'locked') throw new AppError('LOCKED', { reason }, field);
  throw new AppError('EDIT_FORBIDDEN', { reason }, field);
}

function load(d: Deps, lessonId: number): LessonEditContext {
  const c = lessonEditContext(d.db, lessonId);
  if (!c) throw new AppError('NOT_FOUND', {}, 'lessonId');
  return c;
}

/** The lesson row's change that records its first completion (the time is kept afterwards). */
function completion(
  c: LessonEditContext,
  topic: string | null,
  marked: ReadonlySet<number>,
  now: number,
): RowChange | null {
  if (c.completedAt !== null || !isLessonComplete(topic, c.members, marked)) return null;
  return { table: 'lessons', key: { id: c.facts.id }, set: { completed_at: now } };
}

function actorOf(d: Deps, ctx: CallContext) {
  return { userId: requireSession(ctx).user.id, deviceId: d.deviceId, now: ctx.now };
}

export function journalEditHandlers(d: Deps): Pick<Handlers, 'journal.setMarks' | 'journal.setTopic'> {
  return {
    'journal.setMarks': (input, ctx) => {
      const session = requireSession(ctx);
      const c = load(d, input.lessonId);
      const lessonRefusal = lessonEditRefusal(session.teacherId, c.facts, null, null, [], ctx.now);
      if (lessonRefusal) refuse(lessonRefusal, ctx.locale, 'lessonId');
      const members = new Set(c.members);
      const marked = new Set(c.marks.keys());
      const mutations: LocalMutation<'marks.set'>[] = input.marks.map((m, i) => {
        if (!members.has(m.studentId)) {
          throw new AppError(
            'INVALID_INPUT',
            { reason: translate(ctx.locale, 'reason.notMember') },
            `marks.${i}.studentId`,
          );
        }
        const refusal = lessonEditRefusal(
          session.teacherId,
          c.facts,
          m.studentId,
          c.lock,
          c.unlocks,
          ctx.now,
        );
        if (refusal) refuse(refusal, ctx.locale, `marks.${i}`);
        const key = { lesson_id: input.lessonId, student_id: m.studentId };
        if (m.attendance === null) marked.delete(m.studentId);
        else marked.add(m.studentId);
        return {
          name: 'marks.set',
          args: {
            lessonId: input.lessonId,
            studentId: m.studentId,
            attendance: m.attendance,
            grade: m.grade,
          },
          baseVersion: c.marks.get(m.studentId)?.rowVersion ?? null,
          changes: [
            {
              table: 'marks',
              key,
              set: m.attendance === null ? null : { attendance: m.attendance, grade: m.grade },
            },
          ],
        };
      });
      const done = completion(c, c.topic, marked, ctx.now);
      const last = mutations[mutations.length - 1];
      if (done && last) last.changes.push(done);
      writeLocal(d.db, actorOf(d, ctx), mutations);
      const after = load(d, input.lessonId);
      return {
        lessonId: input.lessonId,
        completedAt: after.completedAt,
        marks: input.marks.flatMap((m) => {
          const row = after.marks.get(m.studentId);
          return row ? [{ lessonId: input.lessonId, studentId: m.studentId, ...row }] : [];
        }),
      };
    },
    'journal.setTopic': (input, ctx) => {
      const session = requireSession(ctx);
      const c = load(d, input.lessonId);
      const refusal = lessonEditRefusal(session.teacherId, c.facts, null, c.lock, c.unlocks, ctx.now);
      if (refusal) refuse(refusal, ctx.locale, 'lessonId');
      const set: Record<string, string | number | null> = { topic: input.topic };
      // Who conducted the lesson is who fills it: the teacher, or the substitute of a covered lesson
      // (also when the absent teacher was recorded before the substitution was assigned).
      if (session.teacherId !== null && c.conductedBy !== session.teacherId)
        set.conducted_by = session.teacherId;
      if (completion(c, input.topic, new Set(c.marks.keys()), ctx.now)) set.completed_at = ctx.now;
      writeLocal(d.db, actorOf(d, ctx), [
        {
          name: 'lessons.setTopic',
          args: { lessonId: input.lessonId, topic: input.topic },
          baseVersion: c.rowVersion,
          changes: [{ table: 'lessons', key: { id: input.lessonId }, set }],
        },
      ]);
      const after = load(d, input.lessonId);
      return { lessonId: input.lessonId, topic: after.topic, completedAt: after.completedAt };
    },
  };
}
