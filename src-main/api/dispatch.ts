import { contract, isMethodName, type MethodName } from '../../src-shared/contract';
import type { MethodSpec } from '../../src-shared/contract/common';
import { METHOD_ACCESS } from '../../src-shared/contract/rights';
import { AppError, type ApiError, type ApiResult, type CallEnvelope } from '../../src-shared/contract/errors';
import { isLocale, translate, type Locale } from '../../src-shared/i18n/translate';
import { inputError } from './input-error';
import { scopeCheck } from '../db/journal.repo';
import { auditRefusal } from '../db/write-path';
import { nullLogger, type Logger } from '../../src-shared/log';
import type { CallContext, Deps, Handlers } from './context';

export type Dispatch = (envelope: CallEnvelope) => Promise<ApiResult<unknown>>;

export type DispatchOptions = {
  /** Check every result against the contract's output schema (on by default; a mismatch is INTERNAL). */
  validateOutput?: boolean;
  log?: (message: string) => void;
  /** The structured log: one line per failed call (method, code, user id; never the input). */
  logger?: Logger;
};

export { inputError } from './input-error';

/** Refusals of a write that are audited: the caller was not allowed, the data is locked, or a clash. */
const AUDITED_REFUSALS = new Set(['ROLE_FORBIDDEN', 'SCOPE_FORBIDDEN', 'EDIT_FORBIDDEN', 'LOCKED', 'CLASH']);

/**
 * Failed calls logged as warnings (listed in the status bar's errors): refusals of what a person tried,
 * a read-only replica, a failed sync or gateway. Everything else a person mistyped or looked for
 * (INVALID_INPUT, NOT_FOUND, a wrong password…) is logged as info; INTERNAL is an error.
 */
const WARNED = new Set([
  ...AUDITED_REFUSALS,
  'READ_ONLY',
  'SYNC_FAILED',
  'PACKAGE_INVALID',
  'PURGE_REFUSED',
  'BACKUP_DAMAGED',
]);

/**
 * The one door of the API (ARCHITECTURE.md, rule 4): look up the method, check the session and the
 * caller's roles, zod-parse the input, check that every row the input names lies in the caller's
 * access scope, run the handler, check the output, and map every failure to `{ code, message }`.
 */
export function makeDispatch(deps: Deps, handlers: Handlers, opts: DispatchOptions = {}): Dispatch {
  const validateOutput = opts.validateOutput ?? true;
  const log = opts.log ?? (() => undefined);
  const logger = opts.logger ?? nullLogger;
  return async (envelope) => {
    const locale: Locale = isLocale(envelope.locale) ? envelope.locale : 'ru';
    const method = typeof envelope.method === 'string' ? envelope.method : '';
    let refusalOf: { userId: number; input: Record<string, unknown> } | null = null;
    let userId: number | null = null;
    try {
      if (!isMethodName(method)) throw new AppError('UNKNOWN_METHOD', { method: method.slice(0, 80) });
      const spec: MethodSpec = contract[method];
      const session =
        typeof envelope.session === 'string' && envelope.session ? deps.sessions.get(envelope.session) : null;
      userId = session?.user.id ?? null;
      // Who may call it comes from DOMAIN.md's role matrix (METHOD_RIGHTS), never from the handler.
      const access = METHOD_ACCESS[method];
      if (access !== 'public') {
        if (!session) throw new AppError('UNAUTHENTICATED');
        if (access !== 'session' && !session.grants.some((g) => access.includes(g.role))) {
          throw new AppError('ROLE_FORBIDDEN', { method });
        }
      }
      const parsed = spec.input.safeParse(envelope.input ?? {});
      if (!parsed.success) throw inputError(parsed.error, locale, envelope.input ?? {});
      const input = parsed.data as Record<string, unknown>;
      if (spec.writes && deps.archive) throw new AppError('READ_ONLY');
      if (spec.writes && session) refusalOf = { userId: session.user.id, input };
      if (spec.scoped && session) {
        for (const [field, kind] of Object.entries(spec.scoped)) {
          const value = input[field];
          if (typeof value !== 'number') continue;
          const verdict = scopeCheck(deps.db, session, kind, value);
          if (verdict === 'missing') throw new AppError('NOT_FOUND', {}, field);
          if (verdict === 'forbidden') throw new AppError('SCOPE_FORBIDDEN', {}, field);
        }
      }
      const ctx: CallContext = { session, locale, now: deps.clock.now() };
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      const value: unknown = await handler(input, ctx);
      if (validateOutput) {
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          log(`output of ${method} does not match the contract: ${checked.error.message}`);
          logger.error('api.output.invalid', { method, code: 'INTERNAL', userId });
          throw new AppError('INTERNAL', { reason: `output of ${method} does not match the contract` });
        }
        return { ok: true, value: checked.data };
      }
      return { ok: true, value };
    } catch (err) {
      const error = toApiError(err, locale, log, method);
      // The method name and the code only: inputs may hold names, marks and passwords.
      const line = { method: isMethodName(method) ? method : 'unknown', code: error.code, userId };
      if (error.code === 'INTERNAL') logger.error('api.failed', line, err);
      else if (WARNED.has(error.code)) logger.warn('api.failed', line);
      else logger.info('api.failed', line);
      if (refusalOf && AUDITED_REFUSALS.has(error.code)) {
        const key = Object.fromEntries(
          Object.entries(refusalOf.input).filter(([k, v]) => /Id$/.test(k) && typeof v !== 'object'),
        );
        try {
          auditRefusal(
            deps.db,
            { userId: refusalOf.userId, deviceId: deps.deviceId, now: deps.clock.now() },
            { method, key, input: refusalOf.input, reason: `${error.code}: ${error.message}` },
          );
        } catch (auditErr) {
          log(`${method}: the refusal could not be audited: ${String(auditErr)}`);
        }
      }
      return { ok: false, error };
    }
  };
}

/** Map anything thrown to the wire error, with its message in the caller's language. */
export function toApiError(
  err: unknown,
  locale: Locale,
  log: (m: string) => void = () => undefined,
  method = '',
): ApiError {
  if (err instanceof AppError) {
    const params: Record<string, string | number> = { ...err.params };
    if (err.field !== undefined) params.field ??= err.field;
    if (err.code === 'INTERNAL' || err.code === 'LOCKED' || err.code === 'INVALID_INPUT')
      params.reason ??= '';
    return {
      code: err.code,
      message: translate(locale, `error.${err.code}`, params),
      ...(err.field !== undefined ? { field: err.field } : {}),
      params,
    };
  }
  if ((err as { code?: unknown } | null)?.code === 'SQLITE_READONLY')
    return toApiError(new AppError('READ_ONLY'), locale);
  // An unexpected exception's text (English, perhaps SQL) goes to the log, never to the person.
  const reason = err instanceof Error ? err.message : String(err);
  log(`${method}: ${err instanceof Error && err.stack ? err.stack : reason}`);
  return { code: 'INTERNAL', message: translate(locale, 'error.unexpected'), params: {} };
}

/** Method names, for tests and tools. */
export const METHOD_NAMES = Object.keys(contract) as MethodName[];
