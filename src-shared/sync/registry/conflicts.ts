import { one } from '../facts';
import type { MutationArgs } from '../mutations';
import { define, refuse } from './types';

type ResolveFacts = { author: number | null; outcome: string | null; resolved: boolean };

/**
 * A refused edit resolved (DOMAIN.md, Roles: resolve a refused edit — own): only its author, only a
 * refused one, once. Recorded centrally with the mutation (not synced) and in the central audit; on the
 * desktop the refused edit is marked resolved in the same transaction.
 */
export const conflictsResolve = define<MutationArgs<'conflicts.resolve'>, ResolveFacts>({
  action: () => 'resolveConflict',
  target: () => ({ row: null, creates: null, names: { mutationId: 'mutation' } }),
  *load(a, env) {
    const m = yield* one<{ u: number | null; outcome: string; resolvedAt: number | null }>(
      env.side === 'gateway'
        ? 'SELECT user_id AS u, outcome, resolved_at AS "resolvedAt" FROM mutations WHERE mutation_id = ?'
        : 'SELECT user_id AS u, outcome, resolved_at AS "resolvedAt" FROM sync_conflicts WHERE mutation_id = ?',
      [a.mutationId],
      true,
    );
    return m === null
      ? { author: null, outcome: null, resolved: false }
      : { author: m.u === null ? null : Number(m.u), outcome: m.outcome, resolved: m.resolvedAt !== null };
  },
  refusal(_a, f, j) {
    if (f.outcome === null) return refuse('INVALID', 'no_mutation', 'mutationId');
    if (f.author !== j.actor.userId) return refuse('FORBIDDEN', 'not_author', 'mutationId');
    if (f.outcome === 'APPLIED') return refuse('INVALID', 'not_refused', 'mutationId');
    return f.resolved ? refuse('CONFLICT', 'already_resolved', 'mutationId') : null;
  },
  stored: () => null,
  effect: () => [],
  central: (a) => [{ kind: 'resolution', mutationId: a.mutationId, resolution: a.resolution }],
});
