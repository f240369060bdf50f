import type { Input, MethodName, Output } from '../../src-shared/contract';
import type { ApiError, ApiResult, CallEnvelope } from '../../src-shared/contract/errors';

/**
 * The renderer's one way to the backend (ARCHITECTURE.md, rule 3). It picks its transport itself: the
 * preload bridge in the desktop app, else HTTP to web mode with the per-launch token that came in the
 * address's fragment (kept in sessionStorage, then removed from the address bar).
 */
type AppEvent = { name: string; payload: unknown };
type Bridge = {
  call: (envelope: CallEnvelope) => Promise<ApiResult<unknown>>;
  on: (listener: (e: AppEvent) => void) => () => void;
};

/** An API failure with its code; `message` is already in the user's language. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'] | 'NETWORK';
  readonly field: string | undefined;
  readonly params: Record<string, string | number>;
  constructor(
    error:
      | ApiError
      | { code: 'NETWORK'; message: string; field?: string; params?: Record<string, string | number> },
  ) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.field = error.field;
    this.params = error.params ?? {};
  }
}

const TOKEN_KEY = 'avn.webToken';
const SESSION_KEY = 'avn.session';

function bridge(): Bridge | undefined {
  const w = window as unknown as { avn?: Bridge };
  return w.avn;
}

function webToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const token = bridge() ? null : webToken();

async function httpCall(envelope: CallEnvelope): Promise<ApiResult<unknown>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/${encodeURIComponent(envelope.method)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ input: envelope.input, session: envelope.session, locale: envelope.locale }),
    });
  } catch (err) {
    throw new ApiCallError({ code: 'NETWORK', message: err instanceof Error ? err.message : String(err) });
  }
  return (await res.json()) as ApiResult<unknown>;
}

let session: string | null = sessionStorage.getItem(SESSION_KEY);
let locale = 'ru';

export function setSession(s: string | null): void {
  session = s;
  if (s) sessionStorage.setItem(SESSION_KEY, s);
  else sessionStorage.removeItem(SESSION_KEY);
}

export function hasSession(): boolean {
  return session !== null;
}

export function setCallLocale(l: string): void {
  locale = l;
}

/** Call one API method; resolves with its typed output or throws ApiCallError. */
export async function call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
  const envelope: CallEnvelope = { method, input, session, locale };
  const b = bridge();
  const result = b ? await b.call(envelope) : await httpCall(envelope);
  if (!result.ok) {
    if (result.error.code === 'UNAUTHENTICATED') setSession(null);
    throw new ApiCallError(result.error);
  }
  return result.value as Output<M>;
}

/** Subscribe to backend pushes (progress of long jobs, sync state). */
export function onEvent(listener: (e: AppEvent) => void): () => void {
  const b = bridge();
  if (b) return b.on(listener);
  if (!token) return () => undefined;
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  source.onmessage = (e: MessageEvent<string>) => listener(JSON.parse(e.data) as AppEvent);
  return () => source.close();
}
