import { z } from 'zod';
import { isIsoDate } from '../domain/time';
import { ROLES, SCOPE_KINDS } from '../domain/roles';
import { LOCALES } from '../i18n/translate';

/**
 * Building blocks of the one contract (ARCHITECTURE.md, rule 2): every method the UI can call is an
 * entry `area.verb` with a zod input and output, and which input fields name rows that must be inside
 * the caller's access scope (checked by dispatch before the handler runs). Who may call it at all is
 * not written here: `rights.ts` names each method's row of DOMAIN.md's role matrix.
 */

/** Kinds of rows an input field can name, whose access scope dispatch checks. */
export type ScopedKind = 'group' | 'offering' | 'lesson';

export type MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  input: I;
  output: O;
  /** Input fields (top-level) that name a group, offering or lesson the caller must be allowed to see. */
  scoped?: Readonly<Record<string, ScopedKind>>;
  /** The method changes data (used by audits of "writes nothing" and by the transports). */
  writes?: boolean;
};

/** Declare a method, keeping its exact zod types. */
export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const id = z.number().int().positive();
export const isoDate = z
  .string()
  .refine(isIsoDate, { message: 'expected a date YYYY-MM-DD', params: { reason: 'format.date' } });
export const role = z.enum(ROLES);
export const scopeKind = z.enum(SCOPE_KINDS);
export const locale = z.enum(LOCALES);
export const empty = z.object({}).strict();

/** A user as the UI sees them, with every role and its scope (a user may hold several roles). */
export const sessionUser = z.object({
  id,
  login: z.string(),
  displayName: z.string(),
  teacherId: id.nullable(),
  locale,
  grants: z.array(z.object({ role, scopeKind, scopeId: id.nullable(), scopeName: z.string().nullable() })),
});
export type SessionUser = z.infer<typeof sessionUser>;
