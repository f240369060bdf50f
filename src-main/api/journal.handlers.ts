import { AppError } from '../../src-shared/contract/errors';
import { bishkekDate } from '../../src-shared/domain/time';
import { markHistory, topicHistory } from '../db/cell-history.repo';
import { getGroup, journalGrid, listGroups, listOfferings } from '../db/journal.repo';
import { requireSession, type Deps, type Handlers } from './context';
import type { Session } from './sessions';

/** The teacher whose edit rights the grid states: the caller's, if they hold the teacher role. */
function editorOf(session: Session): number | null {
  return session.grants.some((g) => g.role === 'teacher') ? session.teacherId : null;
}

export function journalHandlers(
  d: Deps,
): Pick<Handlers, 'journal.groups' | 'journal.offerings' | 'journal.grid' | 'journal.cellHistory'> {
  return {
    'journal.groups': (input, ctx) => listGroups(d.db, requireSession(ctx), bishkekDate(ctx.now), input),
    'journal.offerings': (input, ctx) => {
      const today = bishkekDate(ctx.now);
      const group = getGroup(d.db, input.groupId, today);
      if (!group) throw new AppError('NOT_FOUND');
      return { group, offerings: listOfferings(d.db, requireSession(ctx), input.groupId, today) };
    },
    'journal.grid': (input, ctx) => {
      const editor = editorOf(requireSession(ctx));
      const grid = journalGrid(d.db, input.offeringId, input.subgroupId, ctx.now, editor);
      if (!grid) throw new AppError('NOT_FOUND');
      if (input.subgroupId !== undefined && !grid.subgroups.some((s) => s.id === input.subgroupId)) {
        throw new AppError('INVALID_INPUT', { reason: 'subgroup of another group' }, 'subgroupId');
      }
      return grid;
    },
    'journal.cellHistory': (input) =>
      input.studentId === undefined
        ? topicHistory(d.db, input.lessonId)
        : markHistory(d.db, input.lessonId, input.studentId),
  };
}
