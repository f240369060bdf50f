import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ms } from './common';

/**
 * The change log (SYNC.md, Pull): one entry per changed row, tagged with the scopes the row belongs
 * to ('*' for reference data every replica holds). `seq` comes from the single counter row, taken as the
 * last step of the writing transaction, so seq order is commit order: a client at seq N never misses a
 * row committed later with a smaller seq. `txEnd` is the last seq of the entry's transaction, so pages
 * end on transaction boundaries.
 */
export const changeLog = pgTable(
  'change_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    txEnd: bigint('tx_end', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(),
    pk: text('pk').notNull(),
    op: text('op').notNull(),
    rowVersion: integer('row_version').notNull(),
    data: jsonb('data'),
    scopes: text('scopes').array().notNull(),
    at: ms('at').notNull(),
  },
  (t) => [index('change_log_entity').on(t.entity, t.pk)],
);

/** The single sequence counter of the change log (row id 1). */
export const syncCounter = pgTable('sync_counter', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  /** Entries with seq at or below this were pruned: older cursors get MUST_RESYNC. */
  prunedThrough: bigint('pruned_through', { mode: 'number' }).notNull(),
  /**
   * Bumped by every write that changes which rows belong to which scope (an enrolment, an offering's
   * group or department, …): the maintained checksums of every scope must then be rebuilt.
   */
  scopesGen: bigint('scopes_gen', { mode: 'number' }).notNull().default(0),
});

/**
 * Maintained checksums (SYNC.md, Verification): each write appends, per scope of its row, the change
 * of that (scope, table)'s count and 64-bit sum — new row's hash in, old row's out — in its own
 * transaction; a scope's checksums are the sums of its rows here, read in the same snapshot as the
 * head. `'*'` holds the reference tables every replica has. Compacted now and then.
 */
export const checksumDeltas = pgTable(
  'checksum_deltas',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    scope: text('scope').notNull(),
    tbl: text('tbl').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
    lo: bigint('lo', { mode: 'number' }).notNull(),
    hi: bigint('hi', { mode: 'number' }).notNull(),
  },
  (t) => [index('checksum_deltas_scope').on(t.scope, t.tbl)],
);

/** Scopes whose checksum deltas start from a base computed from the rows, at a `scopesGen`. */
export const checksumBases = pgTable('checksum_bases', {
  scope: text('scope').primaryKey(),
  gen: bigint('gen', { mode: 'number' }).notNull(),
});

/**
 * A registered desktop. `lastLocalSeq` is the last outbox entry it processed (in-order push). The device
 * belongs to the account that registered it (its first login); other accounts log in through it only
 * with the device's secret (given once, at registration, and kept by the desktop), so nobody can take
 * over another PC's device id.
 */
export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull(),
  /** SHA-256 of the device secret (null only for devices registered before secrets existed). */
  secretHash: text('secret_hash'),
  incarnation: integer('incarnation').notNull(),
  lastLocalSeq: bigint('last_local_seq', { mode: 'number' }).notNull(),
  clockOffsetMs: bigint('clock_offset_ms', { mode: 'number' }).notNull(),
  registeredAt: ms('registered_at').notNull(),
  lastSeenAt: ms('last_seen_at').notNull(),
});

/**
 * The latest contact of each person with the gateway through each device (DOMAIN.md, Time): a login,
 * a pull or a push with their token. An edit's claimed time is believed only after the contact before
 * the push cycle that brings it — pushes one after another within one cycle (`cycleId`, at most a few
 * minutes long, no other request between) count as one contact, whose window starts at `cycleFrom`.
 */
export const deviceContacts = pgTable(
  'device_contacts',
  {
    deviceId: text('device_id').notNull(),
    userId: integer('user_id').notNull(),
    contactAt: ms('contact_at').notNull(),
    cycleId: text('cycle_id'),
    cycleFrom: ms('cycle_from'),
    cycleStartedAt: ms('cycle_started_at'),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.userId] })],
);

/**
 * Per-device tokens of a person, stored as SHA-256 hashes; revocable. An `access` token is the bearer
 * of every request and lives minutes; a `refresh` token gets a new access token, only together with
 * the device's secret, and lives weeks.
 */
export const deviceTokens = pgTable(
  'device_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    deviceId: text('device_id').notNull(),
    userId: integer('user_id').notNull(),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
    kind: text('kind').notNull().default('access'),
    expiresAt: ms('expires_at'),
  },
  (t) => [index('device_tokens_device').on(t.deviceId)],
);

/** Every mutation a device pushed, with its stored outcome (a repeated id returns it again). */
export const mutations = pgTable(
  'mutations',
  {
    mutationId: text('mutation_id').primaryKey(),
    deviceId: text('device_id').notNull(),
    localSeq: bigint('local_seq', { mode: 'number' }).notNull(),
    userId: integer('user_id').notNull(),
    name: text('name').notNull(),
    args: jsonb('args').notNull(),
    baseVersion: integer('base_version'),
    outcome: text('outcome').notNull(),
    seq: bigint('seq', { mode: 'number' }),
    reason: text('reason'),
    serverRow: jsonb('server_row'),
    receivedAt: ms('received_at').notNull(),
    editTime: ms('edit_time').notNull(),
    /** The device's claimed time, corrected by its clock offset, before it was bounded. */
    claimedAt: ms('claimed_at'),
    /** The start of the window the claimed time was bounded into (DOMAIN.md, Time). */
    windowFrom: ms('window_from'),
    /** `before_lock`: accepted on an offline time that lies before a lock (for the deanery to look at). */
    flag: text('flag'),
    /** The earlier edit of this device on the same row that this one follows (its base is that one's result). */
    afterMutation: text('after_mutation'),
    /** The row version this edit was judged against: its own base, or what the edit it follows left. */
    effectiveBase: integer('effective_base'),
    /** The version of the edited row after an applied edit (null: deleted or none). */
    resultVersion: integer('result_version'),
    /** A refused edit resolved by its author: when, how, by whom. */
    resolvedAt: ms('resolved_at'),
    resolution: text('resolution'),
    resolvedBy: integer('resolved_by'),
  },
  (t) => [uniqueIndex('mutations_device_seq').on(t.deviceId, t.localSeq)],
);

/** Central audit: every outcome of every mutation, and every central edit (who, device, old, new, times). */
export const centralAudit = pgTable(
  'central_audit',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ms('at').notNull(),
    editTime: ms('edit_time'),
    userId: integer('user_id'),
    deviceId: text('device_id'),
    mutationId: text('mutation_id'),
    outcome: text('outcome').notNull(),
    entity: text('entity'),
    entityKey: text('entity_key'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    reason: text('reason'),
    /** The claimed time (corrected by the device's offset) and the window start it was bounded by. */
    claimedAt: ms('claimed_at'),
    windowFrom: ms('window_from'),
    /** `before_lock`: an edit accepted on an offline time before a lock, for the deanery. */
    flag: text('flag'),
  },
  (t) => [index('central_audit_mutation').on(t.mutationId), index('central_audit_flag').on(t.flag)],
);

/** Facts about the central database (the demo's "now" for a demo gateway). */
export const gatewayMeta = pgTable('gateway_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Messages to AVN (SYNC.md: notices to teachers, messages to substitutes are mutations too): kept
 * centrally for AVN to deliver to the person's cabinet; not synced back to replicas.
 */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    fromUserId: integer('from_user_id').notNull(),
    toUserId: integer('to_user_id').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    related: jsonb('related'),
    createdAt: ms('created_at').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [index('messages_to').on(t.toUserId, t.createdAt)],
);

/**
 * Recent wrong passwords per key (issue 14, item 2): `login:<name>` and `client:<address>` (the TCP
 * peer the gateway itself saw). Judged by `src-shared/domain/login-throttle.ts`; a successful login
 * deletes its login's row; an admin's unlock deletes a row. Not synced.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull(),
    lastFailureAt: ms('last_failure_at'),
  },
  (t) => [index('login_failures_last').on(t.lastFailureAt)],
);
