/**
 * Structured logs (issue 14, item 5): what the desktop and the gateway write, one JSON object a line.
 * A line holds an event name, ids, counts, codes and durations — never names, marks, contacts, logins,
 * passwords or tokens. That is kept by construction (callers pass only such fields) and enforced by the
 * logger, which censors every key of REDACTED_KEYS wherever it appears.
 */

export type LogLevel = 'info' | 'warn' | 'error';
export type LogScalar = string | number | boolean | null | undefined;
/** The fields of a line: flat ids, counts, codes, durations (one level of nesting at most, e.g. counts). */
export type LogFields = Readonly<
  Record<string, LogScalar | readonly LogScalar[] | Readonly<Record<string, LogScalar>>>
>;

/** The logger both sides write through (pino underneath, src-main/log.ts). */
export type Logger = {
  info: (event: string, fields?: LogFields) => void;
  warn: (event: string, fields?: LogFields) => void;
  /** An error; `err`'s message and stack go to the file (never to a client). */
  error: (event: string, fields?: LogFields, err?: unknown) => void;
};

/** Writes nothing (tests and callers that keep no log). */
export const nullLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Keys the logger censors at the top level and one level down (pino's redact paths), whatever a caller
 * passes: credentials and tokens, and the personal data of the journal (names, marks, topics, contacts).
 */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'token',
  'accessToken',
  'refreshToken',
  'deviceSecret',
  'secret',
  'password',
  'passwordHash',
  'login',
  'name',
  'displayName',
  'fullName',
  'firstName',
  'lastName',
  'middleName',
  'nameRu',
  'nameKy',
  'mark',
  'marks',
  'grade',
  'value',
  'topic',
  'comment',
  'email',
  'phone',
  'address',
  'args',
  'serverRow',
  'reason',
] as const;

/**
 * A short, stable digest of a login, to follow one person's refused logins across lines (and from the
 * desktop to the gateway) without writing the login itself. Two FNV-1a 32-bit hashes of the lowercased
 * login (pure: both runtimes compute it alike); pseudonymous, not secret.
 */
export function loginDigest(login: string): string {
  const text = login.trim().toLowerCase();
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return fnv(0x811c9dc5) + fnv(0x050c5d1f);
}

/** A warning or error as the status bar lists it: when, which event, the error code where known. */
export type RecentError = {
  at: number;
  level: 'warn' | 'error';
  event: string;
  code: string | null;
  /** The API method that failed, when the line is about one. */
  method: string | null;
  /** Whose action it was, when the line is about a person's (null: the PC's own work, e.g. sync). */
  userId: number | null;
};

/** How many recent warnings and errors the desktop keeps in memory for the status bar. */
export const RECENT_ERRORS = 50;
