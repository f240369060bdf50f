import {
  CLIENT_POLICY,
  clientKey,
  clientOfAddress,
  judgeKeys,
  LOGIN_POLICY,
  loginKey,
  recordFailure,
  type FailureState,
  type ThrottlePolicy,
} from '../../src-shared/domain/login-throttle';
import type { Sql } from '../db/client';

/**
 * The gateway's side of login throttling (issue 14, item 2): the rule is the shared pure one
 * (`src-shared/domain/login-throttle.ts`); this keeps its counters in `login_failures`, inside the
 * login's own transaction. The rows of both keys are created if missing and then locked (`FOR UPDATE`,
 * in key order, so two logins never wait on each other in a cycle) before the verdict, and stay locked
 * until the password has been checked and the outcome recorded: concurrent tries of one login or one
 * client are judged one after another, each seeing the failures of the ones before — a burst of
 * parallel requests gets no more tries than a sequence.
 */
export type ThrottleGate = {
  keys: Array<{ key: string; policy: ThrottlePolicy; state: FailureState | null }>;
};

/** Lock and read the counters of a login and a client; the verdict at `now`. */
export async function lockThrottle(
  q: Sql,
  login: string,
  client: string,
  now: number,
): Promise<{ gate: ThrottleGate; waitMs: number }> {
  const wanted = [
    { key: loginKey(login), policy: LOGIN_POLICY },
    { key: clientKey(client), policy: CLIENT_POLICY },
  ].sort((a, b) => (a.key < b.key ? -1 : 1));
  await q.query(
    `INSERT INTO login_failures (key, failures, last_failure_at) VALUES ($1, 0, NULL), ($2, 0, NULL)
     ON CONFLICT (key) DO NOTHING`,
    wanted.map((w) => w.key),
  );
  const rows = await q.query<{ key: string; failures: number; lastFailureAt: number | null }>(
    `SELECT key, failures, last_failure_at AS "lastFailureAt" FROM login_failures
     WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
    [wanted.map((w) => w.key)],
  );
  const keys = wanted.map((w) => {
    const r = rows.find((x) => x.key === w.key);
    const state = r
      ? {
          failures: Number(r.failures),
          lastFailureAt: r.lastFailureAt === null ? null : Number(r.lastFailureAt),
        }
      : null;
    return { ...w, state };
  });
  const verdict = judgeKeys(keys, now);
  return { gate: { keys }, waitMs: verdict.allowed ? 0 : verdict.waitMs };
}

/** A wrong password: one more failure on each key (older ones forgotten by the rule). */
export async function recordLoginFailure(q: Sql, gate: ThrottleGate, now: number): Promise<void> {
  for (const k of gate.keys) {
    const next = recordFailure(k.state, now, k.policy);
    await q.query('UPDATE login_failures SET failures = $2, last_failure_at = $3 WHERE key = $1', [
      k.key,
      next.failures,
      next.lastFailureAt,
    ]);
  }
  // Keys nobody has failed on for longer than the window say nothing any more: drop a few, skipping
  // rows other logins hold locked.
  await q.query(
    `DELETE FROM login_failures WHERE key IN (SELECT key FROM login_failures
       WHERE last_failure_at IS NOT NULL AND last_failure_at < $1 LIMIT 100 FOR UPDATE SKIP LOCKED)`,
    [now - Math.max(LOGIN_POLICY.windowMs, CLIENT_POLICY.windowMs)],
  );
}

/**
 * A right password: the login's counter is cleared. The client's stays — one good account of a
 * client spraying wrong passwords across many others must not clear its slowing down — unless it is
 * empty (the row was only made to be locked).
 */
export async function recordLoginSuccess(q: Sql, login: string, gate: ThrottleGate): Promise<void> {
  await q.query('DELETE FROM login_failures WHERE key = $1', [loginKey(login)]);
  await releaseEmpty(q, gate);
}

/** Drop the rows of a gate that hold no failure (made only to be locked). */
export async function releaseEmpty(q: Sql, gate: ThrottleGate): Promise<void> {
  await q.query('DELETE FROM login_failures WHERE key = ANY($1::text[]) AND failures = 0', [
    gate.keys.map((k) => k.key),
  ]);
}

/** An admin lifts a lock: the counter of a login (or of a client address, as `clientOfAddress` keys it) is deleted. */
export async function liftLock(q: Sql, by: { login: string } | { client: string }): Promise<boolean> {
  const key = 'login' in by ? loginKey(by.login) : clientKey(clientOfAddress(by.client));
  const rows = await q.query('DELETE FROM login_failures WHERE key = $1 AND failures > 0 RETURNING 1', [key]);
  return rows.length > 0;
}
