import type { Sql } from '../db/client';

/**
 * The contacts of each person with the gateway through each device (DOMAIN.md, Time; SYNC.md, Push):
 * the gateway believes an edit's claimed time only after the latest request it received from this
 * device with the edit's author's token — a login, a pull, a push — and not later than its receipt.
 * Pushes one after another within one push cycle count as one contact: a cycle is named by the
 * client's `X-Sync-Cycle` header, lasts at most CYCLE_MAX_MS, and ends at any other request of that
 * person through that device; its window starts at the contact before it began. A login opens such a
 * cycle too (the pushes that follow it continue it): its answer tells the device nothing of the
 * centre's rows, so a person whose edits waited for their login (a lost or revoked token) is judged
 * from their contact before it — a login cannot be used to move the bound back, only not forward.
 */
export const CYCLE_MAX_MS = 5 * 60_000;

/** The cycle a login opens; the first push after it continues it under its own cycle id. */
const LOGIN_CYCLE = 'login';

/**
 * A request other than a push or a login (pull, head, snapshot, checksums): the contact is now; a cycle
 * ends. With the device's clock offset the request shows (null: none), in the same statement — a
 * download's every page pays for this write.
 */
export async function touchContact(
  q: Sql,
  deviceId: string,
  userId: number,
  now: number,
  offsetMs: number | null = null,
): Promise<void> {
  await q.query(
    `WITH clock AS (
       UPDATE devices SET clock_offset_ms = $4, last_seen_at = $3 WHERE id = $1 AND $4::bigint IS NOT NULL
     )
     INSERT INTO device_contacts (device_id, user_id, contact_at) VALUES ($1, $2, $3)
     ON CONFLICT (device_id, user_id) DO UPDATE SET contact_at = EXCLUDED.contact_at,
       cycle_id = NULL, cycle_from = NULL, cycle_started_at = NULL`,
    [deviceId, userId, now, offsetMs],
  );
}

/**
 * A login or a token refresh: it opens (or continues) a cycle whose window starts at the contact before
 * it; the push that follows continues it.
 */
export async function loginContact(q: Sql, deviceId: string, userId: number, now: number): Promise<void> {
  await pushWindow(q, deviceId, userId, LOGIN_CYCLE, now);
}

/**
 * A push: the start of the window its edits' claimed times are bounded into — the contact before this
 * push cycle began (or now, when this person never reached the gateway through this device). The push
 * itself becomes the latest contact.
 */
export async function pushWindow(
  q: Sql,
  deviceId: string,
  userId: number,
  cycleId: string | null,
  now: number,
): Promise<number> {
  const [c] = await q.query<{
    contactAt: number;
    cycleId: string | null;
    cycleFrom: number | null;
    cycleStartedAt: number | null;
  }>(
    `SELECT contact_at AS "contactAt", cycle_id AS "cycleId", cycle_from AS "cycleFrom", cycle_started_at AS "cycleStartedAt"
     FROM device_contacts WHERE device_id = $1 AND user_id = $2 FOR UPDATE`,
    [deviceId, userId],
  );
  // A push continues its own cycle, or the one a login (or a token refresh) just opened.
  const continues =
    c !== undefined &&
    ((cycleId !== null && c.cycleId === cycleId) || c.cycleId === LOGIN_CYCLE) &&
    c.cycleFrom !== null &&
    c.cycleStartedAt !== null &&
    now - Number(c.cycleStartedAt) <= CYCLE_MAX_MS;
  const from = continues ? Number(c.cycleFrom) : c === undefined ? now : Number(c.contactAt);
  const startedAt = continues ? Number(c.cycleStartedAt) : now;
  await q.query(
    `INSERT INTO device_contacts (device_id, user_id, contact_at, cycle_id, cycle_from, cycle_started_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (device_id, user_id) DO UPDATE SET contact_at = EXCLUDED.contact_at, cycle_id = EXCLUDED.cycle_id,
       cycle_from = EXCLUDED.cycle_from, cycle_started_at = EXCLUDED.cycle_started_at`,
    [deviceId, userId, now, cycleId, from, startedAt],
  );
  return from;
}

/**
 * When an edit happened, as the gateway can vouch for it (DOMAIN.md, Time): the device's claimed time
 * corrected by the clock offset measured at its previous sync, bounded into the window from the contact
 * before this push cycle to this receipt.
 */
export function boundedTime(
  createdAt: number,
  offsetMs: number,
  window: { from: number; to: number },
): { claimed: number; at: number } {
  const claimed = createdAt + offsetMs;
  return { claimed, at: Math.min(Math.max(claimed, window.from), window.to) };
}
