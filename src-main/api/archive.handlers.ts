import { AppError } from '../../src-shared/contract/errors';
import type { Deps, Handlers } from './context';

type ArchiveMethods =
  | 'archive.options'
  | 'archive.start'
  | 'archive.job'
  | 'archive.cancel'
  | 'archive.list'
  | 'archive.verify'
  | 'archive.transferAct'
  | 'archive.open';

/** Archive packages (issue 7, items 1–2) — being built. */
export function archiveHandlers(_d: Deps): Pick<Handlers, ArchiveMethods> {
  const todo = () => {
    throw new AppError('INTERNAL');
  };
  return {
    'archive.options': todo,
    'archive.start': todo,
    'archive.job': todo,
    'archive.cancel': todo,
    'archive.list': todo,
    'archive.verify': todo,
    'archive.transferAct': todo,
    'archive.open': todo,
  };
}
