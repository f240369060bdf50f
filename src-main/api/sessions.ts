import { randomBytes } from 'node:crypto';
import type { SessionUser } from '../../src-shared/contract/common';
import type { RoleGrant } from '../../src-shared/domain/roles';

/** A logged-in user: their roles with scopes decide everything they may see and do. */
export type Session = {
  token: string;
  user: SessionUser;
  grants: RoleGrant[];
  teacherId: number | null;
  lastSeen: number;
};

/** Sessions end after this long without a call. */
export const SESSION_IDLE_MS = 12 * 3600_000;

/**
 * Sessions of this process, in memory: the backend runs on the user's own PC, and a restart asks for
 * a new login. Tokens are 192 random bits.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number) {}

  create(user: SessionUser, grants: RoleGrant[]): Session {
    const s: Session = {
      token: randomBytes(24).toString('base64url'),
      user,
      grants,
      teacherId: user.teacherId,
      lastSeen: this.now(),
    };
    this.sessions.set(s.token, s);
    return s;
  }

  /** The live session of a token, refreshing its idle timer; null when unknown or expired. */
  get(token: string): Session | null {
    const s = this.sessions.get(token);
    if (!s) return null;
    const t = this.now();
    if (t - s.lastSeen > SESSION_IDLE_MS) {
      this.sessions.delete(token);
      return null;
    }
    s.lastSeen = t;
    return s;
  }

  end(token: string): void {
    this.sessions.delete(token);
  }
}
