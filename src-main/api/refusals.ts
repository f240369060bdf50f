import { AppError, type ErrorCode } from '../../src-shared/contract/errors';
import type { RefusalCode } from '../../src-shared/sync/registry/types';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { MutationRefused } from '../db/write-path';

/**
 * The API error a refusal of the registry's rule becomes on the desktop: the code a screen already
 * knows for it (an edit of someone else's lesson, a lock, a clash, a scope), its reason in the caller's
 * language (`refusal.<code>`), and the input field it concerns.
 */
const API_CODE: Partial<Record<RefusalCode, ErrorCode>> = {
  role: 'ROLE_FORBIDDEN',
  out_of_scope: 'SCOPE_FORBIDDEN',
  not_author: 'SCOPE_FORBIDDEN',
  id_taken: 'SCOPE_FORBIDDEN',
  mutation_taken: 'SCOPE_FORBIDDEN',
  not_responsible: 'EDIT_FORBIDDEN',
  not_held: 'EDIT_FORBIDDEN',
  not_begun: 'EDIT_FORBIDDEN',
  not_yours: 'EDIT_FORBIDDEN',
  locked: 'LOCKED',
  already_closed: 'LOCKED',
  already_absent: 'CLASH',
  already_covered: 'CLASH',
  same_teacher: 'CLASH',
  not_in_absence: 'CLASH',
  own_lesson: 'CLASH',
  other_substitution: 'CLASH',
  absent: 'CLASH',
  purge_already_purged: 'PURGE_REFUSED',
  purge_already_requested: 'PURGE_REFUSED',
  purge_not_due: 'PURGE_REFUSED',
  purge_in_window: 'PURGE_REFUSED',
  purge_no_package: 'PURGE_REFUSED',
  purge_not_covered: 'PURGE_REFUSED',
  purge_not_verified: 'PURGE_REFUSED',
  purge_wrong_package: 'PURGE_REFUSED',
  no_lesson: 'NOT_FOUND',
  no_offering: 'NOT_FOUND',
  no_teacher: 'NOT_FOUND',
  no_absence: 'NOT_FOUND',
  no_substitute: 'NOT_FOUND',
  no_substitution: 'NOT_FOUND',
  no_paper: 'NOT_FOUND',
  no_unit: 'NOT_FOUND',
  no_package: 'NOT_FOUND',
  no_year: 'NOT_FOUND',
  no_recipient: 'NOT_FOUND',
  no_mutation: 'NOT_FOUND',
};

/** A refusal as the API error a person reads; `field` names the input field (default: the refusal's). */
export function refusalError(e: MutationRefused, locale: Locale, field?: string): AppError {
  const r = e.refusal;
  const code = API_CODE[r.code] ?? 'INVALID_INPUT';
  const reason = translate(locale, `refusal.${r.code}`, { ...r.params });
  const at = field ?? r.field;
  const params: Record<string, string | number> =
    code === 'CLASH'
      ? { clash: reason }
      : code === 'ROLE_FORBIDDEN'
        ? // The action in words («Назначение замены»), never a method or mutation name.
          { method: translate(locale, `mutation.${e.mutation}`) }
        : { reason };
  return new AppError(code, params, at);
}

/** Run a write; a refusal of the registry's rule becomes the API error (with a field chosen per intent). */
export function judged<T>(
  locale: Locale,
  write: () => T,
  field?: (e: MutationRefused) => string | undefined,
): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof MutationRefused) throw refusalError(err, locale, field?.(err));
    throw err;
  }
}
