import { z } from 'zod';
import { registerStandingKind } from './archive.contract';
import { empty, id, isoDate, method, scopeKind } from './common';

export const appContract = {
  /**
   * What this replica is: its scope, and the clock's "now" and "today" (for a demo replica, the stored
   * demo date that the desktop, web mode, CLI and tests share; DOMAIN.md, Time). Public: the login
   * screen shows it.
   */
  'app.info': method({
    input: empty,
    output: z.object({
      version: z.string(),
      now: z.number().int(),
      today: isoDate,
      demo: z.boolean(),
      demoScale: z.string().nullable(),
      scope: z.object({
        kind: scopeKind,
        id: id.nullable(),
        nameRu: z.string().nullable(),
        nameKy: z.string().nullable(),
      }),
      demoAccounts: z.array(z.string()),
      /** Set when this is an archive package opened read-only (issue 7). */
      archive: z
        .object({
          unitName: z.object({ ru: z.string(), ky: z.string() }),
          periodName: z.string(),
          /** Whether periodName names a semester ('2026–2027, 1') or an academic year. */
          periodKind: z.enum(['semester', 'year']),
          madeAt: z.number().int(),
          digest: z.string(),
          /**
           * How the package stood in the archive register when it was opened (issue 15, item 3): anything
           * but 'matches' was opened on a confirmation and is shown as such on every screen. Null for a
           * replica opened before the register decided.
           */
          registered: registerStandingKind.nullable(),
        })
        .nullable(),
    }),
  }),
  /**
   * The latest warnings and errors of this PC's log (issue 14, item 5), newest first, for the status
   * bar: when, which event, its code and the API method where known — the log's own ids and codes,
   * never a name. An admin sees every entry; anyone else their own failed calls and this PC's sync.
   */
  'app.recentErrors': method({
    input: empty,
    output: z.object({
      entries: z.array(
        z.object({
          at: z.number().int(),
          level: z.enum(['warn', 'error']),
          event: z.string(),
          code: z.string().nullable(),
          method: z.string().nullable(),
        }),
      ),
    }),
  }),
};
