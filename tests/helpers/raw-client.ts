import { randomBytes, randomUUID } from 'node:crypto';
import { uuidv7 } from '../../src-shared/ids';
import { SCHEMA_VERSION, type MutationArgs, type MutationName } from '../../src-shared/sync/mutations';
import { HEADER, type MutationOutcome } from '../../src-shared/sync/wire';

/** One mutation as a client of its own making sends it: every field may be chosen. */
export type RawMutation = {
  [N in MutationName]: {
    name: N;
    args: MutationArgs<N>;
    baseVersion?: number | null;
    after?: string | null;
    createdAt?: number;
    mutationId?: string;
    localSeq?: number;
  };
}[MutationName];

/**
 * A client of the gateway's sync API that says whatever it likes — as a dishonest user with an
 * ordinary account would, with their own program: its device id, the clock it reports, each
 * mutation's id, sequence number and claimed time. Real HTTP on loopback.
 */
export class RawClient {
  token = '';
  refreshToken = '';
  userId = 0;
  scopes: string[] = [];
  deviceSecret: string | null = null;
  private seq = 0;

  constructor(
    readonly url: string,
    /** The device's clock as it reports it (X-Device-Time). */
    public deviceNow: () => number,
    readonly deviceId: string = randomUUID(),
  ) {}

  private headers(): Record<string, string> {
    return {
      [HEADER.protocol]: '1',
      [HEADER.schema]: String(SCHEMA_VERSION),
      [HEADER.deviceTime]: String(this.deviceNow()),
      'content-type': 'application/json',
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    };
  }

  /** Log in; returns the HTTP status (200, or the refusal's). */
  async login(login: string, opts: { deviceSecret?: string } = {}): Promise<number> {
    const secret = opts.deviceSecret ?? this.deviceSecret ?? undefined;
    const r = await fetch(`${this.url}/auth/login`, {
      method: 'POST',
      headers: { ...this.headers(), authorization: '' },
      body: JSON.stringify({
        login,
        password: 'demo',
        deviceId: this.deviceId,
        ...(secret ? { deviceSecret: secret } : {}),
      }),
    });
    if (r.status !== 200) return r.status;
    const b = (await r.json()) as {
      token: string;
      refreshToken: string;
      userId: number;
      scopes: string[];
      lastLocalSeq: number;
      deviceSecret?: string | null;
    };
    this.token = b.token;
    this.refreshToken = b.refreshToken;
    this.userId = b.userId;
    this.scopes = b.scopes;
    this.seq = Math.max(this.seq, b.lastLocalSeq);
    if (b.deviceSecret) this.deviceSecret = b.deviceSecret;
    return 200;
  }

  /** Push mutations; each gets the next sequence number, a new id and the device's "now" unless given. */
  async push(
    mutations: readonly RawMutation[],
    opts: { cycle?: string } = {},
  ): Promise<{ outcomes: MutationOutcome[]; sent: Array<{ mutationId: string; localSeq: number }> }> {
    const sent = mutations.map((m) => ({
      mutationId: m.mutationId ?? uuidv7(this.deviceNow(), randomBytes(10)),
      localSeq: m.localSeq ?? ++this.seq,
      name: m.name,
      args: m.args,
      baseVersion: m.baseVersion ?? null,
      after: m.after ?? null,
      createdAt: m.createdAt ?? this.deviceNow(),
    }));
    const r = await this.authed(() =>
      fetch(`${this.url}/sync/push`, {
        method: 'POST',
        headers: { ...this.headers(), ...(opts.cycle ? { [HEADER.cycle]: opts.cycle } : {}) },
        body: JSON.stringify({ deviceId: this.deviceId, mutations: sent }),
      }),
    );
    if (r.status !== 200) throw new Error(`push: ${r.status} ${await r.text()}`);
    const b = (await r.json()) as { outcomes: MutationOutcome[]; lastLocalSeq: number };
    this.seq = Math.max(this.seq, b.lastLocalSeq);
    return { outcomes: b.outcomes, sent };
  }

  /** A request with the access token, refreshed once (refresh token + device secret) if it expired. */
  private async authed(send: () => Promise<Response>): Promise<Response> {
    const r = await send();
    if (r.status !== 401) return r;
    const body = (await r.clone().json()) as { reason?: string };
    if (body.reason !== 'token expired') return r;
    const fresh = await fetch(`${this.url}/auth/refresh`, {
      method: 'POST',
      headers: { ...this.headers(), authorization: '' },
      body: JSON.stringify({
        deviceId: this.deviceId,
        refreshToken: this.refreshToken,
        deviceSecret: this.deviceSecret ?? '',
      }),
    });
    if (fresh.status !== 200) return r;
    this.token = ((await fresh.json()) as { token: string }).token;
    return send();
  }

  /** A request that is not a push (the head of the change log): a contact with the gateway. */
  async contact(): Promise<void> {
    const scope = this.scopes[0] ?? 'university';
    const r = await this.authed(() =>
      fetch(`${this.url}/sync/head?scope=${encodeURIComponent(scope)}`, { headers: this.headers() }),
    );
    if (r.status !== 200) throw new Error(`head: ${r.status} ${await r.text()}`);
  }
}
