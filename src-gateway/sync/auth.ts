import { createHash, randomBytes } from 'node:crypto';
import type { RoleGrant } from '../../src-shared/domain/roles';
import { scopeKey } from '../../src-shared/sync/tables';
import { ACCESS_TOKEN_MS, REFRESH_TOKEN_MS } from '../../src-shared/sync/wire';
import type { Sql } from '../db/client';
import { loginContact } from './contacts';
import { verifyPassword } from './password';

/**
 * Accounts live centrally (issue: users, roles and scopes). A login on a device gives a per-device
 * bearer token, stored only as its SHA-256; revoking marks it. The replica scopes a user may hold
 * follow their grants (DOMAIN.md, Scopes).
 */
export type Caller = {
  userId: number;
  deviceId: string;
  teacherId: number | null;
  grants: RoleGrant[];
  scopes: string[];
};

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function grantsOf(q: Sql, userId: number): Promise<RoleGrant[]> {
  return q.query<RoleGrant>(
    'SELECT role, scope_kind AS "scopeKind", scope_id AS "scopeId" FROM user_roles WHERE user_id = $1 ORDER BY id',
    [userId],
  );
}

/** Replica scopes a user's grants allow: the university, their faculty, their department. */
export async function allowedScopes(
  q: Sql,
  grants: readonly RoleGrant[],
  teacherId: number | null,
): Promise<string[]> {
  const out = new Set<string>();
  for (const g of grants) {
    if (g.scopeKind === 'university') out.add(scopeKey({ kind: 'university' }));
    else if (g.scopeKind === 'faculty' && g.scopeId !== null)
      out.add(scopeKey({ kind: 'faculty', id: g.scopeId }));
    else if (g.scopeKind === 'department' && g.scopeId !== null)
      out.add(scopeKey({ kind: 'department', id: g.scopeId }));
    else if (g.scopeKind === 'group' && g.scopeId !== null) {
      const [grp] = await q.query<{ f: number }>('SELECT faculty_id AS f FROM groups WHERE id = $1', [
        g.scopeId,
      ]);
      if (grp) out.add(scopeKey({ kind: 'faculty', id: grp.f }));
    } else if (g.scopeKind === 'own' && teacherId !== null) {
      const depts = await q.query<{ d: number }>(
        'SELECT department_id AS d FROM teacher_departments WHERE teacher_id = $1 ORDER BY is_primary DESC, id',
        [teacherId],
      );
      for (const d of depts) out.add(scopeKey({ kind: 'department', id: d.d }));
    }
  }
  return [...out];
}

/** A login refused: a wrong login or password, or a device registered to another account without its secret. */
export type LoginRefusal = 'credentials' | 'device';

/**
 * Log a person in on a device. A device id belongs to the account that registered it (its first
 * login, when the desktop connects): that login gets the device's secret, once; any other login through
 * the device — another person on a shared deanery PC — must present it, so nobody can take over another
 * PC's device id (its outbox order, its clock offset, its tokens). The login is a contact (DOMAIN.md,
 * Time).
 */
export async function login(
  q: Sql,
  input: { login: string; password: string; deviceId: string; deviceSecret?: string },
  now: number,
): Promise<(Tokens & { caller: Caller; lastLocalSeq: number; deviceSecret: string | null }) | LoginRefusal> {
  const [u] = await q.query<{
    id: number;
    hash: string | null;
    active: number;
    teacherId: number | null;
    studentId: number | null;
  }>(
    'SELECT id, password_hash AS hash, active, teacher_id AS "teacherId", student_id AS "studentId" FROM users WHERE login = $1',
    [input.login],
  );
  const ok = verifyPassword(input.password, u?.hash ?? null) && !!u && u.active === 1 && u.studentId === null;
  if (!ok || !u) return 'credentials';
  const grants = await grantsOf(q, u.id);
  if (grants.length === 0) return 'credentials';
  const [known] = await q.query<{ userId: number; secretHash: string | null; lastLocalSeq: number }>(
    'SELECT user_id AS "userId", secret_hash AS "secretHash", last_local_seq AS "lastLocalSeq" FROM devices WHERE id = $1 FOR UPDATE',
    [input.deviceId],
  );
  let deviceSecret: string | null = null;
  if (!known) {
    deviceSecret = randomBytes(32).toString('base64url');
    await q.query(
      `INSERT INTO devices (id, user_id, secret_hash, incarnation, last_local_seq, clock_offset_ms, registered_at, last_seen_at)
       VALUES ($1, $2, $3, 1, 0, 0, $4, $4)`,
      [input.deviceId, u.id, tokenHash(deviceSecret), now],
    );
  } else if (known.secretHash === null) {
    // Registered before devices had secrets: only its own account may log in, and gets one now.
    if (Number(known.userId) !== u.id) return 'device';
    deviceSecret = randomBytes(32).toString('base64url');
    await q.query('UPDATE devices SET secret_hash = $2 WHERE id = $1', [
      input.deviceId,
      tokenHash(deviceSecret),
    ]);
  } else if (!input.deviceSecret || tokenHash(input.deviceSecret) !== known.secretHash) {
    return 'device';
  }
  await q.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1', [input.deviceId, now]);
  const tokens = await issue(q, input.deviceId, u.id, now, true);
  await loginContact(q, input.deviceId, u.id, now);
  return {
    ...tokens,
    refreshToken: tokens.refreshToken ?? '',
    caller: {
      userId: u.id,
      deviceId: input.deviceId,
      teacherId: u.teacherId,
      grants,
      scopes: await allowedScopes(q, grants, u.teacherId),
    },
    lastLocalSeq: Number(known?.lastLocalSeq ?? 0),
    deviceSecret,
  };
}

/** What a login (or a refresh) hands out: an access token until `expiresAt`, and a refresh token. */
export type Tokens = { token: string; expiresAt: number; refreshToken: string };

/** New tokens of a person on a device: an access token, and (at a login) a refresh token. */
async function issue(
  q: Sql,
  deviceId: string,
  userId: number,
  now: number,
  withRefresh: boolean,
): Promise<{ token: string; expiresAt: number; refreshToken: string | null }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ACCESS_TOKEN_MS;
  await q.query(
    `INSERT INTO device_tokens (token_hash, device_id, user_id, created_at, kind, expires_at)
     VALUES ($1, $2, $3, $4, 'access', $5)`,
    [tokenHash(token), deviceId, userId, now, expiresAt],
  );
  if (!withRefresh) return { token, expiresAt, refreshToken: null };
  const refreshToken = randomBytes(32).toString('base64url');
  await q.query(
    `INSERT INTO device_tokens (token_hash, device_id, user_id, created_at, kind, expires_at)
     VALUES ($1, $2, $3, $4, 'refresh', $5)`,
    [tokenHash(refreshToken), deviceId, userId, now, now + REFRESH_TOKEN_MS],
  );
  return { token, expiresAt, refreshToken };
}

/**
 * A new access token for a refresh token — only together with the secret of the device it was issued
 * on, while neither is revoked or expired and the account is active (issue 14: a stolen refresh token
 * alone is worth nothing, and an admin's revocation ends both). Like a login, it is a contact that
 * opens a push cycle (it tells the device nothing of the centre's rows).
 */
export async function refresh(
  q: Sql,
  input: { deviceId: string; refreshToken: string; deviceSecret: string },
  now: number,
): Promise<{ token: string; expiresAt: number; userId: number } | null> {
  const [t] = await q.query<{ userId: number; active: number; secretHash: string | null }>(
    `SELECT t.user_id AS "userId", u.active, d.secret_hash AS "secretHash" FROM device_tokens t
     JOIN users u ON u.id = t.user_id JOIN devices d ON d.id = t.device_id
     WHERE t.token_hash = $1 AND t.kind = 'refresh' AND t.device_id = $2 AND t.revoked_at IS NULL
       AND t.expires_at > $3`,
    [tokenHash(input.refreshToken), input.deviceId, now],
  );
  if (!t || t.active !== 1 || t.secretHash === null || tokenHash(input.deviceSecret) !== t.secretHash)
    return null;
  const userId = Number(t.userId);
  const { token, expiresAt } = await issue(q, input.deviceId, userId, now, false);
  await loginContact(q, input.deviceId, userId, now);
  return { token, expiresAt, userId };
}

/** The caller of an access token, or why not: unknown or revoked, or expired (by the gateway's clock). */
export async function authenticate(
  q: Sql,
  token: string,
  now: number,
): Promise<(Caller & { expiresAt: number }) | 'expired' | null> {
  const [t] = await q.query<{
    userId: number;
    deviceId: string;
    teacherId: number | null;
    active: number;
    expiresAt: number | null;
  }>(
    `SELECT t.user_id AS "userId", t.device_id AS "deviceId", u.teacher_id AS "teacherId", u.active,
       t.expires_at AS "expiresAt"
     FROM device_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.kind = 'access' AND t.revoked_at IS NULL`,
    [tokenHash(token)],
  );
  if (!t || t.active !== 1) return null;
  const expiresAt = t.expiresAt === null ? now : Number(t.expiresAt);
  if (expiresAt <= now) return 'expired';
  const grants = await grantsOf(q, t.userId);
  return {
    userId: t.userId,
    deviceId: t.deviceId,
    teacherId: t.teacherId,
    grants,
    scopes: await allowedScopes(q, grants, t.teacherId),
    expiresAt,
  };
}

/**
 * Revoke tokens: at a logout the caller's access token and their refresh tokens on that device; an
 * admin's revocation every token of a device, or of a person on every device. Returns how many.
 */
export async function revoke(
  q: Sql,
  by: { token: string } | { deviceId: string } | { userId: number },
  now: number,
): Promise<number> {
  if ('token' in by) {
    const rows = await q.query(
      `UPDATE device_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND (token_hash = $1 OR (kind = 'refresh'
         AND (device_id, user_id) IN (SELECT device_id, user_id FROM device_tokens WHERE token_hash = $1)))
       RETURNING 1`,
      [tokenHash(by.token), now],
    );
    return rows.length;
  }
  const [column, value] = 'deviceId' in by ? ['device_id', by.deviceId] : ['user_id', by.userId];
  const rows = await q.query(
    `UPDATE device_tokens SET revoked_at = $2 WHERE ${column} = $1 AND revoked_at IS NULL RETURNING 1`,
    [value, now],
  );
  return rows.length;
}
