import { sqliteTable, integer, text, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Facts about this replica: its scope, device id, demo "today", schema information. Not synced. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Append-only audit (DOMAIN.md, Roles: who, when, old, new, device, reason). Triggers in a custom
 * migration refuse UPDATE and DELETE. `at` is the time of the edit by DOMAIN.md's time rule.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    userId: integer('user_id'),
    deviceId: text('device_id').notNull(),
    entity: text('entity').notNull(),
    entityKey: text('entity_key').notNull(),
    /** `refused`: an edit the API refused (who tried what, and why); nothing else was written. */
    /** `resolved`: a refused edit resolved by its author (how, in `new_value`). */
    op: text('op', { enum: ['insert', 'update', 'delete', 'refused', 'resolved'] }).notNull(),
    oldValue: text('old_value', { mode: 'json' }),
    newValue: text('new_value', { mode: 'json' }),
    reason: text('reason'),
    mutationId: text('mutation_id'),
  },
  (t) => [index('audit_log_entity').on(t.entity, t.entityKey)],
);

/**
 * The outbox (SYNC.md, Push): one mutation per local edit, written in the same transaction as the
 * edit. Mutations state intent (`marks.set {...}`), not whole rows. `localSeq` orders them per device.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    localSeq: integer('local_seq').primaryKey({ autoIncrement: true }),
    mutationId: text('mutation_id').notNull(),
    deviceId: text('device_id').notNull(),
    /** Who made the edit: it is pushed with that person's own gateway token. */
    userId: integer('user_id').notNull(),
    name: text('name').notNull(),
    args: text('args', { mode: 'json' }).notNull(),
    baseVersion: integer('base_version'),
    schemaVersion: integer('schema_version').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Set when the gateway applied it: the seq of its effect. The entry stays (as an overlay on pulled
     * rows) until the pulled cursor passes that seq. */
    ackedSeq: integer('acked_seq'),
    /** The row the edit is about, `table|key…` (the registry's target): the overlay and the edit chain. */
    target: text('target'),
    /** An earlier edit of this device on the same row that this one follows (its base is that one's result). */
    after: text('after'),
  },
  (t) => [uniqueIndex('outbox_mutation').on(t.mutationId), index('outbox_target').on(t.target)],
);

/**
 * Mutations the gateway refused for good (CONFLICT, LOCKED, FORBIDDEN, INVALID): kept until a person
 * resolves each on the Sync screen — keep theirs, re-apply mine, or edit. Nothing is dropped silently.
 */
export const syncConflicts = sqliteTable(
  'sync_conflicts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mutationId: text('mutation_id').notNull(),
    name: text('name').notNull(),
    args: text('args', { mode: 'json' }).notNull(),
    baseVersion: integer('base_version'),
    outcome: text('outcome', { enum: ['CONFLICT', 'LOCKED', 'FORBIDDEN', 'INVALID'] }).notNull(),
    reason: text('reason'),
    /** The registry's refusal code (translated on the Sync screen as `refusal.<code>`). */
    code: text('code'),
    /** The row as it stood centrally when the mutation was judged (null: no such row). */
    serverRow: text('server_row', { mode: 'json' }),
    createdAt: integer('created_at').notNull(),
    userId: integer('user_id'),
    resolvedAt: integer('resolved_at'),
    resolution: text('resolution', { enum: ['keep_theirs', 'reapply_mine', 'edited'] }),
  },
  (t) => [uniqueIndex('sync_conflicts_mutation').on(t.mutationId)],
);

/**
 * The weekly control's fast path: per lesson, everything the rule needs (DOMAIN.md, Filled) — its date
 * and start, status, kind, whether the topic is set, first completion, who owes it, the absence and
 * holiday flags, where it belongs, the members of its group or subgroup on its date and how many of them
 * have an attendance mark. A cache, not synced: rows are computed when a report first needs them;
 * triggers (custom migration) recount `marked` as marks come and go and drop the rows any other change
 * affects. Tests hold the fast path equal to the pure rule.
 */
export const lessonFill = sqliteTable(
  'lesson_fill',
  {
    lessonId: integer('lesson_id').notNull(),
    date: text('date').notNull(),
    pair: integer('pair').notNull(),
    startsAt: integer('starts_at').notNull(),
    /** The first instant after the lesson's day in Asia/Bishkek: complete before it is on time. */
    dayEnd: integer('day_end').notNull(),
    status: text('status').notNull(),
    origin: text('origin').notNull(),
    kind: text('kind').notNull(),
    topicSet: integer('topic_set').notNull(),
    completedAt: integer('completed_at'),
    teacherId: integer('teacher_id').notNull(),
    substituteId: integer('substitute_id'),
    teacherAbsent: integer('teacher_absent').notNull(),
    nonTeaching: integer('non_teaching').notNull(),
    offeringId: integer('offering_id').notNull(),
    groupId: integer('group_id').notNull(),
    departmentId: integer('department_id').notNull(),
    facultyId: integer('faculty_id').notNull(),
    members: integer('members').notNull(),
    marked: integer('marked').notNull(),
  },
  // Clustered by date (WITHOUT ROWID, set in the custom migration 0004): a period is one range of pages.
  (t) => [primaryKey({ columns: [t.date, t.lessonId] }), uniqueIndex('lesson_fill_lesson').on(t.lessonId)],
);

/**
 * Recent wrong passwords of local logins (issue 14, item 2): `login:<name>` and `client:local` (this
 * PC). Judged by `src-shared/domain/login-throttle.ts`; a successful login deletes its login's row; an
 * admin's unlock deletes rows. Not synced.
 */
export const loginFailures = sqliteTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: integer('last_failure_at'),
});
