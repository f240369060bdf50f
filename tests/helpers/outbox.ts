import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../src-shared/ids';
import { SCHEMA_VERSION, type MutationInput, type MutationName } from '../../src-shared/sync/mutations';
import { targetOf } from '../../src-shared/sync/registry';
import type { RowChange } from '../../src-shared/sync/registry/types';
import type { Db } from '../../src-main/db/open';
import { applyChange, targetKey } from '../../src-main/db/write-path';

/** A mutation put straight into the outbox, with the rows a test wants beside it. */
export type Queued = {
  [N in MutationName]: {
    name: N;
    /** As sent: an intent of an earlier version may lack arguments added since (their defaults apply). */
    args: MutationInput<N>;
    baseVersion?: number | null;
    /** Rows written locally with it (a fixture), unjudged. */
    changes?: RowChange[];
  };
}[MutationName];

/**
 * Queue mutations without the desktop's judgement — as a desktop that had not yet heard of a lock, or a
 * dishonest one, would have: for tests of what the gateway accepts, and for fixtures with chosen
 * times. Production code goes through `commitLocal`.
 */
export function queueUnjudged(
  db: Db,
  actor: { userId: number; deviceId: string; now: number },
  mutations: readonly Queued[],
): string[] {
  const sqlite = db.$client;
  const outbox = sqlite.prepare(
    `INSERT INTO outbox (mutation_id, device_id, user_id, name, args, base_version, schema_version, created_at, target)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return sqlite.transaction(() =>
    mutations.map((m) => {
      for (const c of m.changes ?? []) applyChange(sqlite, c, actor);
      const id = uuidv7(actor.now, randomBytes(10));
      const row = targetOf(m.name, m.args).row;
      outbox.run(
        id,
        actor.deviceId,
        actor.userId,
        m.name,
        JSON.stringify(m.args),
        m.baseVersion ?? null,
        SCHEMA_VERSION,
        actor.now,
        row ? targetKey(row) : null,
      );
      return id;
    }),
  )();
}
