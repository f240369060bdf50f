import { AppError } from '../../src-shared/contract/errors';
import type { Deps, Handlers } from './context';

/** The retention register and purge requests (issue 7, item 3) — being built; see docs/NOTES.md. */
export function retentionHandlers(_d: Deps): Pick<Handlers, 'retention.register' | 'retention.purge'> {
  return {
    'retention.register': () => {
      throw new AppError('INTERNAL');
    },
    'retention.purge': () => {
      throw new AppError('INTERNAL');
    },
  };
}
