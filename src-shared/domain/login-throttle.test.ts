import { describe, expect, it } from 'vitest';
import {
  CLIENT_POLICY,
  clientOfAddress,
  judgeKeys,
  judgeTry,
  LOGIN_POLICY,
  loginKey,
  recordFailure,
  waitAfter,
  waitSeconds,
  type FailureState,
} from './login-throttle';

const T0 = Date.UTC(2026, 10, 26, 8, 0);

/** `n` wrong passwords, one per millisecond from T0. */
function failures(n: number, policy = LOGIN_POLICY): FailureState | null {
  let s: FailureState | null = null;
  for (let i = 0; i < n; i++) s = recordFailure(s, T0 + i, policy);
  return s;
}

describe('login throttling (issue 14, item 2)', () => {
  it('lets the first five wrong passwords through at once; the sixth try waits a second', () => {
    expect(judgeTry(failures(4), T0 + 4, LOGIN_POLICY)).toEqual({ allowed: true });
    const s = failures(5);
    expect(judgeTry(s, T0 + 5, LOGIN_POLICY)).toEqual({ allowed: false, waitMs: 999 });
    expect(judgeTry(s, T0 + 4 + 1000, LOGIN_POLICY)).toEqual({ allowed: true });
  });

  it('doubles the wait with each further failure, up to a cap of minutes, never more', () => {
    expect([5, 6, 7, 8].map((n) => waitAfter(n, LOGIN_POLICY))).toEqual([1000, 2000, 4000, 8000]);
    expect(waitAfter(15, LOGIN_POLICY)).toBe(LOGIN_POLICY.capMs);
    for (const n of [20, 60, 1100, 1e6, Number.MAX_SAFE_INTEGER])
      expect(waitAfter(n, LOGIN_POLICY)).toBe(15 * 60_000);
    const many: FailureState = { failures: 1e9, lastFailureAt: T0 };
    expect(judgeTry(many, T0, LOGIN_POLICY)).toEqual({ allowed: false, waitMs: 15 * 60_000 });
    expect(judgeTry(many, T0 + 15 * 60_000, LOGIN_POLICY)).toEqual({ allowed: true });
  });

  it('forgets failures older than the window', () => {
    const s = failures(12);
    expect(judgeTry(s, T0 + LOGIN_POLICY.windowMs + 11, LOGIN_POLICY)).toEqual({ allowed: true });
    expect(recordFailure(s, T0 + LOGIN_POLICY.windowMs + 11, LOGIN_POLICY)).toEqual({
      failures: 1,
      lastFailureAt: T0 + LOGIN_POLICY.windowMs + 11,
    });
  });

  it('refuses when any key refuses, for the longest wait; a client gets more free tries', () => {
    expect(
      judgeKeys(
        [
          { state: failures(3), policy: LOGIN_POLICY },
          { state: failures(20, CLIENT_POLICY), policy: CLIENT_POLICY },
        ],
        T0 + 20,
      ),
    ).toEqual({ allowed: false, waitMs: 999 });
    expect(judgeTry(failures(19, CLIENT_POLICY), T0 + 19, CLIENT_POLICY)).toEqual({ allowed: true });
    expect(judgeKeys([{ state: null, policy: LOGIN_POLICY }], T0)).toEqual({ allowed: true });
  });

  it('keys a client by its IPv4 address, or by the /64 network of an IPv6 one', () => {
    expect(clientOfAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(clientOfAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientOfAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientOfAddress('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientOfAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientOfAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientOfAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('keys a login by its normalised name and rounds waits up to whole seconds', () => {
    expect(loginKey(' Dean ')).toBe(loginKey('dean'));
    expect([1, 999, 1000, 1001].map(waitSeconds)).toEqual([1, 1, 1, 2]);
  });
});
