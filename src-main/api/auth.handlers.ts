import { AppError } from '../../src-shared/contract/errors';
import { hashPassword, verifyPassword } from '../auth/password';
import { findUserByLogin, sessionUserOf } from '../db/users.repo';
import { requireSession, type Deps, type Handlers } from './context';

/** A hash to verify against when the login is unknown, so both failures take the same time. */
const DUMMY_HASH = hashPassword('not a password');

export function authHandlers(d: Deps): Pick<Handlers, 'auth.login' | 'auth.logout' | 'auth.me'> {
  return {
    'auth.login': async (input) => {
      let u = findUserByLogin(d.db, input.login);
      const local =
        verifyPassword(input.password, u?.passwordHash ?? DUMMY_HASH) &&
        u !== null &&
        u.passwordHash !== null &&
        u.active;
      if (local) {
        // Also log in centrally when online, for this person's own gateway token (not waited for).
        d.sync.centralLoginInBackground(input.login, input.password);
      } else {
        // No local verifier yet (or a changed password): the gateway decides, when the replica is connected.
        const central = await d.sync.centralLogin(input.login, input.password);
        u = central ? findUserByLogin(d.db, input.login) : null;
      }
      if (!u || !u.active || u.passwordHash === null) throw new AppError('BAD_CREDENTIALS');
      const found = sessionUserOf(d.db, u.id);
      if (!found || found.grants.length === 0) throw new AppError('BAD_CREDENTIALS');
      const session = d.sessions.create(found.user, found.grants);
      return { session: session.token, user: found.user };
    },
    'auth.logout': (_input, ctx) => {
      d.sessions.end(requireSession(ctx).token);
      return {};
    },
    'auth.me': (_input, ctx) => requireSession(ctx).user,
  };
}
