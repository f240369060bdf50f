import type { z } from 'zod';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { gatewayError, HEADER, type GatewayErrorCode } from '../../src-shared/sync/wire';

/** A failed gateway request: an HTTP answer with a code, or the network (status 0). */
export class GatewayRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode | 'NETWORK' | 'BAD_RESPONSE',
    readonly reason: string,
    /** THROTTLED: the gateway's Retry-After, in milliseconds (issue 14, item 2). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'GatewayRequestError';
  }

  /** Network trouble and server errors are worth retrying later; the rest are answers. */
  get transient(): boolean {
    return this.code === 'NETWORK' || this.status >= 500 || this.code === 'BAD_RESPONSE';
  }
}

/**
 * The desktop's HTTP client of the gateway: every request states the protocol and schema it speaks
 * and the device's clock, carries the bearer token, and times out. Answers are checked with the shared
 * wire schemas.
 */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly deviceNow: () => number,
    private readonly timeoutMs = 30_000,
  ) {}

  async request<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: T,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<z.infer<T>> {
    const { token, body } = opts;
    const headers: Record<string, string> = {
      ...opts.headers,
      [HEADER.protocol]: String(PROTOCOL_VERSION),
      [HEADER.schema]: String(SCHEMA_VERSION),
      [HEADER.deviceTime]: String(this.deviceNow()),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new GatewayRequestError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayRequestError(res.status, 'BAD_RESPONSE', `not JSON (${text.length} bytes)`);
    }
    if (!res.ok) {
      const e = gatewayError.safeParse(json);
      // A throttled login says how long to wait in Retry-After (seconds), and again in the body.
      const retryAfter = Number(res.headers.get('retry-after') ?? (e.success ? e.data.retryAfter : NaN));
      throw new GatewayRequestError(
        res.status,
        e.success ? e.data.code : 'BAD_RESPONSE',
        e.success ? e.data.reason : text.slice(0, 200),
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new GatewayRequestError(
        res.status,
        'BAD_RESPONSE',
        parsed.error.issues[0]?.message ?? 'unexpected answer',
      );
    return parsed.data;
  }
}
