import { eq } from 'drizzle-orm';
import type { Db } from './open';
import { meta } from './schema';

/** Keys of the replica's meta table. */
export const META = {
  /** JSON {kind, id} — the replica scope (DOMAIN.md, Scopes). */
  scope: 'replica.scope',
  /** The device id of this replica (UUIDv7), used in audit and outbox rows. */
  deviceId: 'device.id',
  /** For demo replicas: the fixed "now" (epoch ms) that the app, web mode, CLI and tests share. */
  demoNow: 'demo.now',
  demoScale: 'demo.scale',
  demoSeed: 'demo.seed',
  createdAt: 'replica.created_at',
} as const;

export function getMeta(db: Db, key: string): string | null {
  const row = db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get();
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
}
