import { eq, sql } from 'drizzle-orm';
import type { SessionUser } from '../../src-shared/contract/common';
import type { Role, RoleGrant, ScopeKind } from '../../src-shared/domain/roles';
import type { Db } from './open';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;

export function findUserByLogin(db: Db, login: string): UserRow | null {
  return db.select().from(users).where(eq(users.login, login)).get() ?? null;
}

/** A user with their grants and the names of the units the grants apply to. */
export function sessionUserOf(db: Db, userId: number): { user: SessionUser; grants: RoleGrant[] } | null {
  const u = db.select().from(users).where(eq(users.id, userId)).get();
  if (!u || !u.active) return null;
  const rows = db.all<{
    role: Role;
    scopeKind: ScopeKind;
    scopeId: number | null;
    scopeName: string | null;
  }>(sql`
    SELECT r.role, r.scope_kind AS scopeKind, r.scope_id AS scopeId,
      CASE r.scope_kind
        WHEN 'faculty' THEN (SELECT code FROM faculties WHERE id = r.scope_id)
        WHEN 'department' THEN (SELECT code FROM departments WHERE id = r.scope_id)
        WHEN 'group' THEN (SELECT code FROM groups WHERE id = r.scope_id)
      END AS scopeName
    FROM user_roles r WHERE r.user_id = ${userId} ORDER BY r.id`);
  return {
    user: {
      id: u.id,
      login: u.login,
      displayName: u.displayName,
      teacherId: u.teacherId,
      locale: u.locale,
      grants: rows,
    },
    grants: rows.map(({ role, scopeKind, scopeId }) => ({ role, scopeKind, scopeId })),
  };
}
