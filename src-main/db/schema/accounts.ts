import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ROLES, SCOPE_KINDS } from '../../../src-shared/domain/roles';
import { syncColumns } from './common';
import { students } from './people';
import { teachers } from './org';

/**
 * Accounts. `passwordHash` is a self-describing scrypt string (src-main/auth/password.ts) or null for
 * accounts that can only log in centrally. Credentials are issued by the admin and the deanery (§3.3).
 */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    teacherId: integer('teacher_id').references(() => teachers.id),
    studentId: integer('student_id').references(() => students.id),
    passwordHash: text('password_hash'),
    locale: text('locale', { enum: ['ru', 'ky'] }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('users_login').on(t.login), index('users_teacher').on(t.teacherId)],
);

/** One role of a user with its scope (DOMAIN.md, Scopes): a user may hold several. */
export const userRoles = sqliteTable(
  'user_roles',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ROLES }).notNull(),
    scopeKind: text('scope_kind', { enum: SCOPE_KINDS }).notNull(),
    /** Faculty, department or group id; null for university and own scopes. */
    scopeId: integer('scope_id'),
    ...syncColumns(),
  },
  (t) => [index('user_roles_user').on(t.userId)],
);
