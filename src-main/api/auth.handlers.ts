import { AppError } from '../../src-shared/contract/errors';
import { waitSeconds } from '../../src-shared/domain/login-throttle';
import { hashPassword, verifyPassword } from '../auth/password';
import { liftLocalLock, localWait, recordLocalFailure, recordLocalSuccess } from '../auth/throttle';
import { findUserByLogin, sessionUserOf } from '../db/users.repo';
import { requireSession, type Deps, type Handlers } from './context';

/** A hash to verify against when the login is unknown, so both failures take the same time. */
const DUMMY_HASH = hashPassword('not a password');

/**
 * A login refused for too many wrong passwords, unjudged (issue 14, item 2). Every throttled refusal,
 * the PC's own or the gateway's, leaves through here: the one place to log it.
 */
function throttled(waitMs: number): AppError {
  return new AppError('LOGIN_THROTTLED', { count: waitSeconds(waitMs) });
}

export function authHandlers(
  d: Deps,
): Pick<Handlers, 'auth.login' | 'auth.logout' | 'auth.me' | 'auth.unlock'> {
  return {
    'auth.login': async (input, ctx) => {
      // Throttling first: a login that must wait is refused before its password is looked at.
      const wait = localWait(d.db, input.login, ctx.now);
      if (wait > 0) throw throttled(wait);
      let u = findUserByLogin(d.db, input.login);
      const local =
        verifyPassword(input.password, u?.passwordHash ?? DUMMY_HASH) &&
        u !== null &&
        u.passwordHash !== null &&
        u.active;
      if (local) {
        recordLocalSuccess(d.db, input.login, false);
        // Also log in centrally when online, for this person's own gateway token (not waited for).
        d.sync.centralLoginInBackground(input.login, input.password);
      } else {
        // Counted before anything is awaited, so a second try meanwhile sees it.
        recordLocalFailure(d.db, input.login, ctx.now);
        // No local verifier yet (or a changed password): the gateway decides, when the replica is connected.
        const central = await d.sync.centralLogin(input.login, input.password);
        if (central !== null && 'waitMs' in central) throw throttled(central.waitMs);
        u = central ? findUserByLogin(d.db, input.login) : null;
        if (central) recordLocalSuccess(d.db, input.login, true);
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
    'auth.unlock': async (input, ctx) => {
      const local = liftLocalLock(d.db, input.login);
      const central = await d.sync.unlockCentral(requireSession(ctx).user.id, input.login);
      return { local, central };
    },
  };
}
