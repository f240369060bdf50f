/**
 * Errors that cross the API boundary as `{ code, message, field?, params? }`. `message` is translated
 * into the caller's locale; `params` lets the UI translate it again after a language switch.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHENTICATED',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'ROLE_FORBIDDEN',
  'SCOPE_FORBIDDEN',
  'NOT_FOUND',
  'BAD_CREDENTIALS',
  /** Too many wrong passwords: the login must wait `count` seconds (issue 14, item 2). */
  'LOGIN_THROTTLED',
  'LOCKED',
  'EDIT_FORBIDDEN',
  'SYNC_FAILED',
  'PERIOD_INVALID',
  'PERIOD_FUTURE',
  'UNIT_UNKNOWN',
  'CLASH',
  'READ_ONLY',
  'PACKAGE_INVALID',
  /** A package whose digest is not the registered one, opened without `force` (issue 15, item 3). */
  'PACKAGE_UNREGISTERED',
  'PURGE_REFUSED',
  'REPLICA_DAMAGED',
  'BACKUP_DAMAGED',
  'BACKUP_BUSY',
  'BACKUP_FOREIGN',
  'PATH_REFUSED',
  'FILE_EXISTS',
  'FILE_CHOICE_EXPIRED',
  'DIALOG_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ApiError = {
  code: ErrorCode;
  message: string;
  /** For INVALID_INPUT: the path of the offending field, e.g. `marks.0.grade`. */
  field?: string;
  params?: Record<string, string | number>;
};

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The one envelope both transports carry to dispatch. */
export type CallEnvelope = { method: string; input: unknown; session?: string | null; locale?: string };

/** An error with a code, thrown by handlers and repositories; dispatch turns it into an ApiError. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly field?: string,
  ) {
    super(code);
    this.name = 'AppError';
  }
}
