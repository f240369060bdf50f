import {
  CLIENT_POLICY,
  clientKey,
  judgeKeys,
  LOGIN_POLICY,
  loginKey,
  recordFailure,
  type FailureState,
  type ThrottlePolicy,
} from '../../src-shared/domain/login-throttle';
import type { Db } from '../db/open';

/**
 * The desktop's side of login throttling (issue 14, item 2), on the replica's `login_failures` table
 * with the shared pure rule. Two keys: the login, and this PC as one client (`client:local`) — the
 * Electron window and web mode both serve only this PC (web mode listens on 127.0.0.1 behind its
 * token), so every local try comes from the same client, and one PC spraying wrong passwords across
 * many logins is slowed for all of them. better-sqlite3 is synchronous: the verdict and the record of
 * a wrong password are written before the login awaits anything (the gateway), so two tries of one
 * process cannot both slip through on the same count.
 */
export const LOCAL_CLIENT = 'local';

type Key = { key: string; policy: ThrottlePolicy };

const keysOf = (login: string): Key[] => [
  { key: loginKey(login), policy: LOGIN_POLICY },
  { key: clientKey(LOCAL_CLIENT), policy: CLIENT_POLICY },
];

/**
 * An archive package opened read-only (its replica file cannot be written) keeps its counters in
 * memory for as long as it is open: logging in to it is throttled all the same.
 */
const inMemory = new WeakMap<Db['$client'], Map<string, FailureState>>();
function memoryOf(db: Db): Map<string, FailureState> | null {
  if (!db.$client.readonly) return null;
  let m = inMemory.get(db.$client);
  if (!m) inMemory.set(db.$client, (m = new Map<string, FailureState>()));
  return m;
}

function stateOf(db: Db, key: string): FailureState | null {
  const memory = memoryOf(db);
  if (memory) return memory.get(key) ?? null;
  const r = db.$client
    .prepare('SELECT failures, last_failure_at AS lastFailureAt FROM login_failures WHERE key = ?')
    .get(key) as FailureState | undefined;
  return r ?? null;
}

/** How long a login must wait before its password is looked at (0: it may try now). */
export function localWait(db: Db, login: string, now: number): number {
  const v = judgeKeys(
    keysOf(login).map((k) => ({ state: stateOf(db, k.key), policy: k.policy })),
    now,
  );
  return v.allowed ? 0 : v.waitMs;
}

/** A wrong password (or an unknown login): one more failure on the login and on this PC, in one transaction. */
export function recordLocalFailure(db: Db, login: string, now: number): void {
  const memory = memoryOf(db);
  if (memory) {
    for (const k of keysOf(login)) memory.set(k.key, recordFailure(stateOf(db, k.key), now, k.policy));
    return;
  }
  db.$client.transaction(() => {
    for (const k of keysOf(login)) {
      const next = recordFailure(stateOf(db, k.key), now, k.policy);
      db.$client
        .prepare(
          `INSERT INTO login_failures (key, failures, last_failure_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at`,
        )
        .run(k.key, next.failures, next.lastFailureAt);
    }
    // Keys nobody has failed on for longer than the window say nothing any more.
    db.$client
      .prepare('DELETE FROM login_failures WHERE last_failure_at < ?')
      .run(now - Math.max(LOGIN_POLICY.windowMs, CLIENT_POLICY.windowMs));
  })();
}

/**
 * A right password: the login's counter is cleared. This PC's stays (one good account must not clear
 * a spray across others), less the one failure recorded for this very try when the gateway, not the
 * local verifier, found the password right (`recorded`).
 */
export function recordLocalSuccess(db: Db, login: string, recorded: boolean): void {
  const memory = memoryOf(db);
  if (memory) {
    memory.delete(loginKey(login));
    const pc = memory.get(clientKey(LOCAL_CLIENT));
    if (recorded && pc)
      memory.set(clientKey(LOCAL_CLIENT), { ...pc, failures: Math.max(pc.failures - 1, 0) });
    return;
  }
  db.$client.transaction(() => {
    db.$client.prepare('DELETE FROM login_failures WHERE key = ?').run(loginKey(login));
    if (recorded)
      db.$client
        .prepare('UPDATE login_failures SET failures = max(failures - 1, 0) WHERE key = ?')
        .run(clientKey(LOCAL_CLIENT));
  })();
}

/**
 * An admin lifts a lock: the login's counter and this PC's are forgotten, so the person can log in
 * here at once. True when there was a failure to forget.
 */
export function liftLocalLock(db: Db, login: string): boolean {
  const memory = memoryOf(db);
  if (memory) return [loginKey(login), clientKey(LOCAL_CLIENT)].filter((k) => memory.delete(k)).length > 0;
  return db.$client.transaction(() => {
    const r = db.$client
      .prepare('DELETE FROM login_failures WHERE key IN (?, ?) AND failures > 0')
      .run(loginKey(login), clientKey(LOCAL_CLIENT));
    return r.changes > 0;
  })();
}
