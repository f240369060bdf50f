import { AppError } from '../../src-shared/contract/errors';
import { waitSeconds } from '../../src-shared/domain/login-throttle';
import { loginDigest } from '../../src-shared/log';
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
      // Every throttled refusal, this PC's or the gateway's, is logged here (a digest of the login).
      const slowDown = (waitMs: number): never => {
        d.logger.warn('auth.login.throttled', {
          loginHash: loginDigest(input.login),
          waitMs,
          code: 'LOGIN_THROTTLED',
        });
        throw throttled(waitMs);
      };
      const wait = localWait(d.db, input.login, ctx.now);
      if (wait > 0) return slowDown(wait);
      let u = findUserByLogin(d.db, input.login);
      const knownId = u?.id ?? null;
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
        if (central !== null && 'waitMs' in central) return slowDown(central.waitMs);
        u = central ? findUserByLogin(d.db, input.login) : null;
        if (central) recordLocalSuccess(d.db, input.login, true);
      }
      // Logged by a digest of the login (never the login or the password) and the user id when known.
      const refuse = (why: string, userId: number | null): never => {
        d.logger.warn('auth.login.refused', {
          loginHash: loginDigest(input.login),
          userId,
          why,
          code: 'BAD_CREDENTIALS',
        });
        throw new AppError('BAD_CREDENTIALS');
      };
      if (!u) return refuse('credentials', knownId);
      if (!u.active || u.passwordHash === null) return refuse('inactive', u.id);
      const found = sessionUserOf(d.db, u.id);
      if (!found || found.grants.length === 0) return refuse('no_role', u.id);
      const session = d.sessions.create(found.user, found.grants);
      d.logger.info('auth.login', { userId: u.id, verifiedBy: local ? 'local' : 'central' });
      return { session: session.token, user: found.user };
    },
    'auth.logout': (_input, ctx) => {
      d.sessions.end(requireSession(ctx).token);
      d.logger.info('auth.logout', { userId: requireSession(ctx).user.id });
      return {};
    },
    'auth.me': (_input, ctx) => requireSession(ctx).user,
    'auth.unlock': async (input, ctx) => {
      const local = liftLocalLock(d.db, input.login);
      const userId = requireSession(ctx).user.id;
      const central = await d.sync.unlockCentral(userId, input.login);
      d.logger.info('auth.unlock', { userId, loginHash: loginDigest(input.login), local, central });
      return { local, central };
    },
  };
}
