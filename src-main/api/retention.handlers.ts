import { listRetention, requestPurge } from '../retention/register';
import { localActor, requireSession, type Deps, type Handlers } from './context';

/**
 * The retention register and purge requests (issue 7, item 3; §1.7, §5.6, §5.7): the register for the
 * archivist and the deanery (view), the purge request for an archivist of the unit — carried out by the
 * gateway through sync.
 */
export function retentionHandlers(d: Deps): Pick<Handlers, 'retention.register' | 'retention.purge'> {
  return {
    'retention.register': (input, ctx) => listRetention(d.db, requireSession(ctx).grants, input, ctx.now),
    'retention.purge': (input, ctx) => {
      const s = requireSession(ctx);
      const purgeId = requestPurge(d.db, s.grants, localActor(d, ctx), input, ctx.locale);
      return { purgeId };
    },
  };
}
