import { createHash, randomBytes } from 'node:crypto';
import type { RoleGrant } from '../../src-shared/domain/roles';
import { scopeKey } from '../../src-shared/sync/tables';
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
): Promise<
  { token: string; caller: Caller; lastLocalSeq: number; deviceSecret: string | null } | LoginRefusal
> {
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
  const token = randomBytes(32).toString('base64url');
  await q.query(
    'INSERT INTO device_tokens (token_hash, device_id, user_id, created_at) VALUES ($1, $2, $3, $4)',
    [tokenHash(token), input.deviceId, u.id, now],
  );
  await loginContact(q, input.deviceId, u.id, now);
  return {
    token,
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

/** The caller of a bearer token, or null when it is unknown or revoked. */
export async function authenticate(q: Sql, token: string): Promise<Caller | null> {
  const [t] = await q.query<{ userId: number; deviceId: string; teacherId: number | null; active: number }>(
    `SELECT t.user_id AS "userId", t.device_id AS "deviceId", u.teacher_id AS "teacherId", u.active
     FROM device_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [tokenHash(token)],
  );
  if (!t || t.active !== 1) return null;
  const grants = await grantsOf(q, t.userId);
  return {
    userId: t.userId,
    deviceId: t.deviceId,
    teacherId: t.teacherId,
    grants,
    scopes: await allowedScopes(q, grants, t.teacherId),
  };
}

/** Revoke tokens: one token (logout) or every token of a device (admin). Returns how many. */
export async function revoke(
  q: Sql,
  by: { token?: string; deviceId?: string },
  now: number,
): Promise<number> {
  const rows = by.token
    ? await q.query(
        'UPDATE device_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING 1',
        [tokenHash(by.token), now],
      )
    : await q.query(
        'UPDATE device_tokens SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL RETURNING 1',
        [by.deviceId, now],
      );
  return rows.length;
}
