import { AppError } from '../../src-shared/contract/errors';
import { lessonEditContext, type LessonEditContext } from '../db/lesson-edit.repo';
import { commitLocal } from '../db/write-path';
import { localActor, type Deps, type Handlers } from './context';
import { judged } from './refusals';

function load(d: Deps, lessonId: number): LessonEditContext {
  const c = lessonEditContext(d.db, lessonId);
  if (!c) throw new AppError('NOT_FOUND', {}, 'lessonId');
  return c;
}

/**
 * Journal entry (§3.4, §4.3): marks and topics through the one write path, judged by the registry's
 * rule (`marks.set`, `lessons.setTopic`) — the responsible teacher (the substitute of a covered lesson),
 * a begun, held, unlocked lesson, students of the group that day — and again by the gateway.
 */
export function journalEditHandlers(d: Deps): Pick<Handlers, 'journal.setMarks' | 'journal.setTopic'> {
  return {
    'journal.setMarks': (input, ctx) => {
      load(d, input.lessonId);
      judged(
        ctx.locale,
        () =>
          commitLocal(
            d.db,
            localActor(d, ctx),
            input.marks.map((m) => ({
              name: 'marks.set' as const,
              args: {
                lessonId: input.lessonId,
                studentId: m.studentId,
                attendance: m.attendance,
                grade: m.grade,
              },
            })),
          ),
        (e) =>
          e.refusal.code === 'locked'
            ? `marks.${e.index}`
            : e.refusal.field === 'lessonId' || e.refusal.field === undefined
              ? 'lessonId'
              : `marks.${e.index}.${e.refusal.field}`,
      );
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
      load(d, input.lessonId);
      judged(ctx.locale, () =>
        commitLocal(d.db, localActor(d, ctx), [
          { name: 'lessons.setTopic', args: { lessonId: input.lessonId, topic: input.topic } },
        ]),
      );
      const after = load(d, input.lessonId);
      return { lessonId: input.lessonId, topic: after.topic, completedAt: after.completedAt };
    },
  };
}
