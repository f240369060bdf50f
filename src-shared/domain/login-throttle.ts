/**
 * Login throttling (issue 14, item 2): wrong passwords back off exponentially, per login and per
 * client, up to a lock of minutes that an admin can lift — never an indefinite lock, so nobody (the
 * dean included) can be locked out for good by someone typing wrong passwords in their name.
 *
 * The rule is a pure function of the recent failures of one key (a login or a client) and `now`, so
 * the desktop and the gateway apply the same one and tests need no mocks: the first `free` wrong
 * passwords cost nothing; from then on each try waits `baseMs`, doubling with every further failure
 * (1 s, 2 s, 4 s, …) up to `capMs`; failures older than `windowMs` are forgotten; a successful login
 * clears the login's counter (the storage does that, not this rule).
 */
export type ThrottlePolicy = {
  /** Wrong passwords that cost nothing. */
  free: number;
  /** The wait after the first failure past `free`; it doubles with each further one. */
  baseMs: number;
  /** The longest wait (the "lock"): the wait never exceeds it, whatever the count. */
  capMs: number;
  /** A key with no failure for this long starts again from zero. */
  windowMs: number;
};

/** The failures of one key as stored: how many in a row, and when the last one was. */
export type FailureState = { failures: number; lastFailureAt: number | null };

/** A verdict: try now, or wait this many milliseconds (always at most the policy's cap). */
export type ThrottleVerdict = { allowed: true } | { allowed: false; waitMs: number };

/** Per login: five free tries (a person mistyping), then 1 s, 2 s, 4 s, … up to 15 minutes. */
export const LOGIN_POLICY: ThrottlePolicy = {
  free: 5,
  baseMs: 1000,
  capMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/**
 * Per client (a PC, an address): more free tries, as several people log in through one deanery PC or
 * one address, but one client spraying wrong passwords across many logins is slowed all the same.
 */
export const CLIENT_POLICY: ThrottlePolicy = {
  free: 20,
  baseMs: 1000,
  capMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/** The failures that still count at `now`: none once the window has passed since the last one. */
export function liveFailures(state: FailureState | null, now: number, policy: ThrottlePolicy): number {
  if (!state || state.lastFailureAt === null || state.failures <= 0) return 0;
  return now - state.lastFailureAt >= policy.windowMs ? 0 : state.failures;
}

/** The wait that `failures` wrong passwords in a row earn (0 while free), capped: never indefinite. */
export function waitAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.free) return 0;
  const doublings = failures - policy.free;
  // 2^doublings overflows to Infinity long after the cap: compare before multiplying.
  if (doublings >= 52 || policy.baseMs * 2 ** doublings >= policy.capMs) return policy.capMs;
  return policy.baseMs * 2 ** doublings;
}

/** May one key try a password at `now`? If not, how long until it may (from its last failure). */
export function judgeTry(state: FailureState | null, now: number, policy: ThrottlePolicy): ThrottleVerdict {
  const failures = liveFailures(state, now, policy);
  const wait = waitAfter(failures, policy);
  if (wait === 0 || state?.lastFailureAt == null) return { allowed: true };
  const waitMs = Math.min(state.lastFailureAt + wait - now, policy.capMs);
  return waitMs > 0 ? { allowed: false, waitMs } : { allowed: true };
}

/** The state after one more wrong password at `now` (older failures forgotten first). */
export function recordFailure(state: FailureState | null, now: number, policy: ThrottlePolicy): FailureState {
  return { failures: liveFailures(state, now, policy) + 1, lastFailureAt: now };
}

/**
 * The verdict of several keys at once (a login and a client): refused when any one is, waiting for
 * the longest of them.
 */
export function judgeKeys(
  keys: ReadonlyArray<{ state: FailureState | null; policy: ThrottlePolicy }>,
  now: number,
): ThrottleVerdict {
  let waitMs = 0;
  for (const k of keys) {
    const v = judgeTry(k.state, now, k.policy);
    if (!v.allowed) waitMs = Math.max(waitMs, v.waitMs);
  }
  return waitMs > 0 ? { allowed: false, waitMs } : { allowed: true };
}

/** The key of a login: trimmed and lower-cased (NFC), so `Dean` and ` dean` share one counter. */
export function loginKey(login: string): string {
  return `login:${login.normalize('NFC').trim().toLowerCase()}`;
}

/** The key of a client (an address the server saw, or this PC). */
export function clientKey(client: string): string {
  return `client:${client}`;
}

/**
 * The client an address stands for: an IPv4 address (also IPv4-mapped IPv6) as is, an IPv6 address by
 * its /64 network — one host commonly holds a whole /64 and could otherwise take a fresh counter with
 * every try.
 */
export function clientOfAddress(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped?.[1]) return mapped[1];
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** Whole seconds to wait, rounded up (for Retry-After and the message). */
export function waitSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
