import { z } from 'zod';
import { empty, method, sessionUser } from './common';

export const authContract = {
  /** Log in with a login and password (checked against the replica's scrypt hash); returns a session. */
  'auth.login': method({
    input: z
      .object({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) })
      .strict(),
    output: z.object({ session: z.string(), user: sessionUser }),
  }),
  /** End the session. */
  'auth.logout': method({ input: empty, output: z.object({}) }),
  /**
   * An admin lifts a login lock (issue 14, item 2): this PC forgets the login's wrong passwords and its
   * own (the PC's) counter, and, when the replica is connected, asks the gateway to lift its lock too.
   * `central`: true lifted there, false there was none, null the gateway could not be asked.
   */
  'auth.unlock': method({
    input: z.object({ login: z.string().trim().min(1).max(64) }).strict(),
    output: z.object({ local: z.boolean(), central: z.boolean().nullable() }),
    writes: true,
  }),
  /** The logged-in user with their roles and scopes. */
  'auth.me': method({ input: empty, output: sessionUser }),
};
