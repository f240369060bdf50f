import { z } from 'zod';
import { ROLES, SCOPE_KINDS } from '../domain/roles';
import { MUTATIONS } from './mutations';

/**
 * The HTTP wire format between a desktop and the AVN gateway (SYNC.md, Endpoints and answers). Every
 * request carries `X-Protocol-Version`, `X-Schema-Version` and `X-Device-Time`; a mismatch is answered
 * 426 MUST_UPGRADE. Request-level failures use HTTP status and change nothing.
 */
export const HEADER = {
  protocol: 'x-protocol-version',
  schema: 'x-schema-version',
  deviceTime: 'x-device-time',
  /**
   * One sync cycle's id on its pushes: pushes one after another within one cycle count as one contact
   * for the window of claimed edit times (DOMAIN.md, Time).
   */
  cycle: 'x-sync-cycle',
} as const;

export const GATEWAY_ERRORS = [
  'MALFORMED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MUST_RESYNC',
  'MUST_UPGRADE',
  'TOO_LARGE',
  /** Too many wrong passwords for the login or from the client: 429 with Retry-After (issue 14, item 2). */
  'THROTTLED',
  'INTERNAL',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERRORS)[number];
export const gatewayError = z.object({
  code: z.enum(GATEWAY_ERRORS),
  reason: z.string(),
  /** THROTTLED: whole seconds until the next try is judged (as the Retry-After header says). */
  retryAfter: z.number().int().positive().optional(),
  /** A 400's offending field (its path: `limit`, `mutations.0.localSeq`, `x-device-time`). */
  field: z.string().optional(),
});
export type GatewayError = z.infer<typeof gatewayError>;

const id = z.number().int().positive();

export const loginRequest = z.object({
  login: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  deviceId: z.string().uuid(),
  /** The device's secret, given at its registration: other accounts log in through the device with it. */
  deviceSecret: z.string().min(1).max(200).optional(),
});
export const grant = z.object({
  role: z.enum(ROLES),
  scopeKind: z.enum(SCOPE_KINDS),
  scopeId: id.nullable(),
});
/** How long an access token lives: a stolen one is worth minutes (issue 14). */
export const ACCESS_TOKEN_MS = 15 * 60_000;
/** How long a refresh token lives; it works only with the device's secret, and is revocable. */
export const REFRESH_TOKEN_MS = 30 * 86_400_000;

export const loginResponse = z.object({
  /** The access token: the bearer of every request, until `expiresAt` (the gateway's clock). */
  token: z.string(),
  expiresAt: z.number().int(),
  /** Gets a new access token with the device's secret (`POST /auth/refresh`). */
  refreshToken: z.string(),
  userId: id,
  grants: z.array(grant),
  /** Replica scopes this user may hold, e.g. 'faculty:1'. */
  scopes: z.array(z.string()),
  serverTime: z.number().int(),
  /** The last outbox entry of this device the gateway processed (for a restored replica). */
  lastLocalSeq: z.number().int(),
  /** Given once, when this login registered the device: the desktop keeps it for later logins. */
  deviceSecret: z.string().nullable().optional(),
});

export const refreshRequest = z.object({
  deviceId: z.string().uuid(),
  refreshToken: z.string().min(1).max(200),
  deviceSecret: z.string().min(1).max(200),
});
export const refreshResponse = z.object({ token: z.string(), expiresAt: z.number().int() });
/** An admin's revocation: every token of a device, or of a person everywhere. */
export const revokeRequest = z
  .object({
    deviceId: z.string().uuid().optional(),
    userId: z.number().int().positive().max(2_147_483_647).optional(),
  })
  .refine((r) => (r.deviceId === undefined) !== (r.userId === undefined), {
    message: 'name either deviceId or userId',
  });

/**
 * An admin lifts a login lock (issue 14, item 2): the wrong-password counter of a login, or of a client
 * address, is forgotten at once.
 */
export const unlockRequest = z
  .object({
    login: z.string().trim().min(1).max(64).optional(),
    client: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((r) => (r.login === undefined) !== (r.client === undefined), {
    message: 'name either login or client',
  });
export const unlockResponse = z.object({ unlocked: z.boolean() });

/** A change-log entry: the table, the op, the row version, and the values (or the key for a delete). */
export const logEntry = z.tuple([
  z.number().int(),
  z.string(),
  z.enum(['upsert', 'delete']),
  z.number().int(),
  z.array(z.unknown()),
]);
export type LogEntry = z.infer<typeof logEntry>;

export const pullResponse = z.object({
  /** Column names of each table whose rows appear, in the order of the values. */
  columns: z.record(z.string(), z.array(z.string())),
  entries: z.array(logEntry),
  next: z.number().int(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponse>;

export const snapshotResponse = z.object({
  table: z.string(),
  columns: z.array(z.string()),
  /** Rows as arrays of values; their shape is checked as they are written (a download's hot path). */
  rows: z.array(z.unknown()).transform((rows) => rows as unknown[][]),
  /** The key of the last row, to ask for the next page; null when the table is done. */
  next: z.array(z.union([z.string(), z.number()])).nullable(),
});
export type SnapshotResponse = z.infer<typeof snapshotResponse>;

export const pushMutation = z.object({
  mutationId: z.string().uuid(),
  localSeq: z.number().int().positive(),
  name: z.enum(Object.keys(MUTATIONS) as [keyof typeof MUTATIONS, ...Array<keyof typeof MUTATIONS>]),
  args: z.unknown(),
  /** A row version (a PostgreSQL integer centrally). */
  baseVersion: z.number().int().min(0).max(2_147_483_647).nullable(),
  /** An earlier mutation of this device on the same row: this edit is based on what that one left. */
  after: z.string().uuid().nullable().optional(),
  createdAt: z.number().int(),
});
export type PushMutation = z.infer<typeof pushMutation>;
export const pushRequest = z.object({
  deviceId: z.string().uuid(),
  mutations: z.array(pushMutation).max(500),
});

export const OUTCOMES = [
  'APPLIED',
  'DUPLICATE',
  'CONFLICT',
  'LOCKED',
  'FORBIDDEN',
  'INVALID',
  'OUT_OF_ORDER',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const outcome = z.object({
  mutationId: z.string(),
  outcome: z.enum(OUTCOMES),
  /** For DUPLICATE: the stored outcome. */
  stored: z.enum(OUTCOMES).optional(),
  /** The seq at which the effect entered the log (APPLIED). */
  seq: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** The registry's refusal code (translated for people as `refusal.<code>`). */
  code: z.string().nullable().optional(),
  /** The row as it stands centrally (CONFLICT, LOCKED, FORBIDDEN), for the person resolving it. */
  serverRow: z.record(z.string(), z.unknown()).nullable(),
});
export type MutationOutcome = z.infer<typeof outcome>;
export const pushResponse = z.object({ outcomes: z.array(outcome), lastLocalSeq: z.number().int() });
export type PushResponse = z.infer<typeof pushResponse>;

export const checksumsResponse = z.object({
  seq: z.number().int(),
  tables: z.array(z.object({ table: z.string(), count: z.number().int(), sum: z.string() })),
});
export const partitionsResponse = z.object({
  table: z.string(),
  partitions: z.array(z.object({ partition: z.string(), count: z.number().int(), sum: z.string() })),
});
