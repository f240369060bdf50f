import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hashPassword } from '../auth/password';
import type { MutationName } from '../../src-shared/sync/mutations';
import { parseArgs, targetOf } from '../../src-shared/sync/registry';
import { parseScopeKey, SYNCED_TABLES, syncedTable, type SyncedTable } from '../../src-shared/sync/tables';
import {
  checksumsResponse,
  HEADER,
  loginResponse,
  refreshResponse,
  unlockResponse,
  partitionsResponse,
  pullResponse,
  pushResponse,
  snapshotResponse,
  type MutationOutcome,
  type PullResponse,
  type SnapshotResponse,
} from '../../src-shared/sync/wire';
import { getMeta, setMeta } from '../db/meta';
import type { Db } from '../db/open';
import { CancelledError, jobContext, type JobOptions } from '../jobs/job';
import { loginDigest, nullLogger, type Logger } from '../../src-shared/log';
import { reapplyOutbox } from '../db/write-path';
import { Checksum, type Cell } from '../../src-shared/sync/checksum';
import { GatewayClient, GatewayRequestError } from './http';
import { replicaChecksums, replicaColumns, replicaPartitions, TableWriter } from './rows';

/**
 * The desktop's side of sync (SYNC.md). One cycle: push the outbox, pull the change log (or download
 * the scope when there is no cursor or the gateway says MUST_RESYNC), and when caught up compare
 * checksums and repair what differs. Every page is applied with its cursor in one SQLite transaction,
 * so a replica killed at any instant resumes where it stopped; the outbox is never dropped.
 */
export const SYNC_META = {
  gateway: 'sync.gateway',
  scope: 'sync.scope',
  cursor: 'sync.cursor',
  snapshot: 'sync.snapshot',
  lastSyncAt: 'sync.last_sync_at',
  lastError: 'sync.last_error',
  userId: 'sync.user_id',
  lastVerified: 'sync.last_verified',
  /** Set when a download ends: its references are checked once the replica has caught up. */
  referencesUnchecked: 'sync.references_unchecked',
  /**
   * The offline-login verifiers kept through a download: they never travel (users.password_hash), so
   * emptying the accounts would lose them; they come back once the download has caught up.
   */
  verifiers: 'sync.verifiers',
} as const;

/** Where the bearer token is kept: encrypted by the platform in the desktop (safeStorage), else as is. */
export type SecretStore = {
  get: (key: string) => string | null;
  set: (key: string, value: string | null) => void;
  keys: () => string[];
};

export type SyncReport = {
  pushed: number;
  applied: number;
  conflicts: number;
  pulled: number;
  snapshotRows: number;
  resynced: boolean;
  verified: 'equal' | 'repaired' | 'skipped';
  repairedPartitions: number;
  /** The author of the next pending edit, who must log in online on this PC before it can be pushed. */
  waitingForLogin: number | null;
  /**
   * The pull waits: the account that pulls has edits still queued behind someone else's (waiting for
   * that person's login) — pulling first would make them look newer than they are.
   */
  pullDeferred: boolean;
};

export type SyncStatus = {
  configured: boolean;
  gateway: string | null;
  scope: string | null;
  online: boolean | null;
  syncing: boolean;
  lastSyncAt: number | null;
  lastError: string | null;
  pending: number;
  conflicts: number;
  cursor: number | null;
  snapshotInProgress: boolean;
};

export class NotConnectedError extends Error {}

/** How often the desktop and web mode sync in the background. */
export const SYNC_INTERVAL_MS = 60_000;
/** How often a background sync also compares checksums. */
export const VERIFY_INTERVAL_MS = 10 * 60_000;

export type SyncOptions = JobOptions & { verify?: 'always' | 'auto' | 'never' };

/** The row a queued mutation is about (the registry's target), or null (messages, resolutions, bad args). */
function rowOf(name: MutationName, rawArgs: string): { table: string; key: unknown[] } | null {
  const args = parseArgs(name, JSON.parse(rawArgs) as unknown);
  const row = args === null ? null : targetOf(name, args).row;
  return row ? { table: row.table, key: Object.values(row.key) } : null;
}

/** How far a download has come: the head it started at, the tables done, where the others stand. */
type SnapshotProgress = { head: number; done: string[]; after: Record<string, Array<string | number>> };

/** Tables in the order the download lanes take them: the marks (most rows) first, alone in a lane. */
const FIRST = ['marks'];
const DOWNLOAD_ORDER: readonly SyncedTable[] = [
  ...FIRST.map((n) => SYNCED_TABLES.find((t) => t.name === n)).filter((t) => t !== undefined),
  ...SYNCED_TABLES.filter((t) => !FIRST.includes(t.name)),
];

/** The stored progress of a download, also in the single-lane form of earlier versions. */
function readSnapshotProgress(text: string | null): SnapshotProgress | null {
  if (text === null) return null;
  const v = JSON.parse(text) as
    SnapshotProgress | { head: number; table: number; after: Array<string | number> | null };
  if ('done' in v) return v;
  const current = SYNCED_TABLES[v.table];
  return {
    head: v.head,
    done: SYNCED_TABLES.slice(0, v.table).map((t) => t.name),
    after: current && v.after ? { [current.name]: v.after } : {},
  };
}

export class SyncEngine {
  private client: GatewayClient | null = null;
  private running: Promise<SyncReport> | null = null;
  private online: boolean | null = null;
  /** Central logins started beside a local one and not waited for (see `loginsSettled`). */
  private readonly backgroundLogins = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  /**
   * Checksums kept while a whole download was written in this process (SYNC.md: "keeps a running copy
   * per page"), so the comparison that follows need not read the replica again. Dropped once any
   * other change is applied.
   */
  private runningSums: Map<string, Checksum> | null = null;

  constructor(
    private readonly db: Db,
    private readonly deviceId: string,
    private readonly now: () => number,
    private readonly secrets: SecretStore,
    private readonly onStatus: (s: SyncStatus) => void = () => undefined,
    /** The structured log: one line per cycle (counts, cursors, duration) and per central login. */
    private readonly log: Logger = nullLogger,
    /** Rows per pulled page (SYNC.md: pages end on transaction boundaries). */
    readonly pageSize = 5000,
  ) {}

  private get sql() {
    return this.db.$client;
  }

  private gateway(): GatewayClient {
    const url = getMeta(this.db, SYNC_META.gateway);
    if (!url) throw new NotConnectedError('this replica is not connected to a gateway');
    if (!this.client || this.client.baseUrl !== url) this.client = new GatewayClient(url, this.now);
    return this.client;
  }

  /**
   * A person's tokens for the gateway this replica syncs with (each person pushes their own edits with
   * their own token): the short-lived access token and the refresh token, kept with the address they
   * belong to — a token is only ever sent to the gateway that issued it (issue 14).
   */
  private tokensOf(userId: number | string | null): { token: string; refreshToken: string } | null {
    const url = getMeta(this.db, SYNC_META.gateway);
    const raw = userId === null || url === null ? null : this.secrets.get(`sync.auth.${userId}`);
    if (!raw) return null;
    const t = JSON.parse(raw) as { gateway: string; token: string; refreshToken: string };
    return t.gateway === url ? t : null;
  }

  private keepTokens(userId: number, gateway: string, t: { token: string; refreshToken: string }): void {
    this.secrets.set(`sync.auth.${userId}`, JSON.stringify({ gateway, ...t }));
  }

  /** Forget a person's tokens (refused by the gateway, or the replica points at another one). */
  dropTokens(userId: number | 'everyone'): void {
    for (const k of this.secrets.keys())
      if (userId === 'everyone' ? k.startsWith('sync.auth.') : k === `sync.auth.${userId}`)
        this.secrets.set(k, null);
  }

  /** A person's current access token, or null (for tests and the login screen's wait). */
  accessTokenOf(userId: number): string | null {
    return this.tokensOf(userId)?.token ?? null;
  }

  /** Whether a person of this PC has a gateway token (their edits can be pushed). */
  hasTokenOf(userId: number): boolean {
    return this.tokensOf(userId) !== null;
  }

  /** The account that connected the replica: it pulls the scope. */
  private pullerId(): number {
    const id = Number(getMeta(this.db, SYNC_META.userId));
    if (!this.tokensOf(id))
      throw new NotConnectedError('no gateway login for this replica: connect it again');
    return id;
  }

  private refreshing = new Map<number, Promise<string>>();

  /**
   * A new access token for a person, with their refresh token and this device's secret (one at a time
   * per person: the download's two lanes may both find the token expired). A refusal (revoked, expired,
   * another secret) forgets their tokens: they log in again.
   */
  private refreshed(userId: number): Promise<string> {
    let running = this.refreshing.get(userId);
    if (!running) {
      running = (async () => {
        const url = getMeta(this.db, SYNC_META.gateway);
        const t = this.tokensOf(userId);
        const secret = url === null ? {} : this.deviceSecretFor(url);
        if (!url || !t || !secret.deviceSecret)
          throw new GatewayRequestError(401, 'UNAUTHORIZED', 'no refresh token on this PC');
        try {
          const r = await this.gateway().request('POST', '/auth/refresh', refreshResponse, {
            body: {
              deviceId: this.deviceId,
              refreshToken: t.refreshToken,
              deviceSecret: secret.deviceSecret,
            },
          });
          this.keepTokens(userId, url, { token: r.token, refreshToken: t.refreshToken });
          return r.token;
        } catch (err) {
          if (err instanceof GatewayRequestError && err.code === 'UNAUTHORIZED') this.dropTokens(userId);
          throw err;
        }
      })().finally(() => this.refreshing.delete(userId));
      this.refreshing.set(userId, running);
    }
    return running;
  }

  /**
   * A gateway request as a person of this PC, with their access token — refreshed once when the
   * gateway says it expired (access tokens live minutes).
   */
  private async as<T extends z.ZodType>(
    userId: number,
    method: 'GET' | 'POST',
    path: string,
    schema: T,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<z.infer<T>> {
    const gw = this.gateway();
    const t = this.tokensOf(userId);
    if (!t) throw new GatewayRequestError(401, 'UNAUTHORIZED', 'no token on this PC');
    try {
      return await gw.request(method, path, schema, { ...opts, token: t.token });
    } catch (err) {
      if (
        !(err instanceof GatewayRequestError) ||
        err.code !== 'UNAUTHORIZED' ||
        err.reason !== 'token expired'
      )
        throw err;
      return gw.request(method, path, schema, { ...opts, token: await this.refreshed(userId) });
    }
  }

  /** Starts a central login beside a local one that has already decided; `loginsSettled` awaits it. */
  centralLoginInBackground(login: string, password: string): void {
    const p = this.centralLogin(login, password).finally(() => this.backgroundLogins.delete(p));
    this.backgroundLogins.add(p);
  }

  /** Resolves when every central login started in the background has ended (tests wait for this state). */
  async loginsSettled(): Promise<void> {
    while (this.backgroundLogins.size > 0) await Promise.allSettled([...this.backgroundLogins]);
  }

  /**
   * A person logging in on this PC while it is online also logs in centrally: their own token (for
   * pushing their edits) and a fresh local verifier. Returns null when the gateway is unreachable or
   * refuses (the local login then decides alone), and `{ waitMs }` when it throttles the login (too
   * many wrong passwords: issue 14, item 2), for the login screen to say how long to wait.
   */
  async centralLogin(
    login: string,
    password: string,
  ): Promise<{ userId: number } | { waitMs: number } | null> {
    const url = getMeta(this.db, SYNC_META.gateway);
    if (!url) return null;
    try {
      // A login is a contact: this person's edits still queued under their earlier token go first, so
      // they are judged by the time they were made (DOMAIN.md, Time).
      const known = this.sql.prepare('SELECT id FROM users WHERE login = ?').get(login) as
        { id: number } | undefined;
      if (known && this.tokensOf(known.id)) {
        const queued = this.sql
          .prepare('SELECT count(*) AS n FROM outbox WHERE acked_seq IS NULL AND user_id = ?')
          .get(known.id) as { n: number };
        if (queued.n > 0) await this.sync({ verify: 'never' }).catch(() => undefined);
      }
      const r = await this.gateway().request('POST', '/auth/login', loginResponse, {
        body: { login, password, deviceId: this.deviceId, ...this.deviceSecretFor(url) },
      });
      this.keepDeviceSecret(url, r.deviceSecret);
      this.keepTokens(r.userId, url, r);
      this.sql
        .prepare('UPDATE users SET password_hash = ? WHERE id = ?')
        .run(hashPassword(password), r.userId);
      this.online = true;
      this.log.info('sync.login', { userId: r.userId });
      return { userId: r.userId };
    } catch (err) {
      if (err instanceof GatewayRequestError && err.code === 'NETWORK') this.online = false;
      // Who tried is a digest of the login; why is the gateway's code (never its reason text).
      this.log.info('sync.login.failed', {
        loginHash: loginDigest(login),
        code: err instanceof GatewayRequestError ? err.code : 'INTERNAL',
      });
      if (err instanceof GatewayRequestError && err.code === 'THROTTLED')
        return { waitMs: err.retryAfterMs ?? 1000 };
      return null;
    }
  }

  /**
   * An admin of this PC asks the gateway to lift a login's lock (issue 14, item 2), with their own
   * token: true when one was lifted, false when there was none, null when the gateway could not be
   * asked (not connected, no token of theirs, unreachable) or refused them.
   */
  async unlockCentral(adminUserId: number, login: string): Promise<boolean | null> {
    if (getMeta(this.db, SYNC_META.gateway) === null || !this.tokensOf(adminUserId)) return null;
    try {
      const r = await this.as(adminUserId, 'POST', '/auth/unlock', unlockResponse, { body: { login } });
      return r.unlocked;
    } catch {
      return null;
    }
  }

  /**
   * Log in to the gateway as a user of this device: keeps the token, caches a verifier of the password
   * for offline login, and chooses the replica scope (the given one, or the first the user may hold).
   */
  async connect(
    gatewayUrl: string,
    login: string,
    password: string,
    scope?: string,
  ): Promise<{ userId: number; scopes: string[]; scope: string }> {
    // Another gateway: every token of this PC is forgotten before anything is sent to it, so none can
    // ever reach another host (issue 14); its device secret for the old one stays with the old address.
    if (getMeta(this.db, SYNC_META.gateway) !== gatewayUrl) this.dropTokens('everyone');
    const client = new GatewayClient(gatewayUrl, this.now);
    const r = await client.request('POST', '/auth/login', loginResponse, {
      body: { login, password, deviceId: this.deviceId, ...this.deviceSecretFor(gatewayUrl) },
    });
    this.keepDeviceSecret(gatewayUrl, r.deviceSecret);
    const chosen = scope ?? getMeta(this.db, SYNC_META.scope) ?? r.scopes[0];
    if (!chosen || !r.scopes.includes(chosen)) {
      throw new GatewayRequestError(
        403,
        'FORBIDDEN',
        `the account may hold ${r.scopes.join(', ') || 'no scope'}, not ${chosen ?? 'none'}`,
      );
    }
    const previous = getMeta(this.db, SYNC_META.scope);
    this.sql.transaction(() => {
      setMeta(this.db, SYNC_META.gateway, gatewayUrl);
      setMeta(this.db, SYNC_META.userId, String(r.userId));
      if (previous !== chosen) {
        // Another scope: download it anew (the outbox stays).
        setMeta(this.db, SYNC_META.scope, chosen);
        this.sql.prepare('DELETE FROM meta WHERE key IN (?, ?)').run(SYNC_META.cursor, SYNC_META.snapshot);
      }
      // The local verifier for offline login, if the user's row is already here.
      this.sql
        .prepare('UPDATE users SET password_hash = ? WHERE id = ?')
        .run(hashPassword(password), r.userId);
      this.renumberOutbox(r.lastLocalSeq);
    })();
    this.keepTokens(r.userId, gatewayUrl, r);
    this.pendingVerifier = { userId: r.userId, hash: hashPassword(password) };
    this.client = new GatewayClient(gatewayUrl, this.now);
    this.emit();
    this.log.info('sync.connect', { userId: r.userId, scope: chosen, scopeChanged: previous !== chosen });
    return { userId: r.userId, scopes: r.scopes, scope: chosen };
  }

  /**
   * The device's secret for a gateway (given by it when this device first logged in there): other
   * accounts log in through this PC with it. Kept per gateway, so no gateway ever sees another's.
   */
  private deviceSecretFor(url: string): { deviceSecret?: string } {
    const secret = this.secrets.get(`sync.device_secret@${url}`);
    return secret ? { deviceSecret: secret } : {};
  }

  private keepDeviceSecret(url: string, secret: string | null | undefined): void {
    if (secret) this.secrets.set(`sync.device_secret@${url}`, secret);
  }

  /** A verifier to store once the user's own row has arrived (first sync into an empty replica). */
  private pendingVerifier: { userId: number; hash: string } | null = null;

  status(): SyncStatus {
    const count = (sql: string) => (this.sql.prepare(sql).get() as { n: number }).n;
    const cursor = getMeta(this.db, SYNC_META.cursor);
    const last = getMeta(this.db, SYNC_META.lastSyncAt);
    return {
      configured:
        getMeta(this.db, SYNC_META.gateway) !== null &&
        this.tokensOf(getMeta(this.db, SYNC_META.userId)) !== null,
      gateway: getMeta(this.db, SYNC_META.gateway),
      scope: getMeta(this.db, SYNC_META.scope),
      online: this.online,
      syncing: this.running !== null,
      lastSyncAt: last === null ? null : Number(last),
      lastError: getMeta(this.db, SYNC_META.lastError),
      pending: count('SELECT count(*) AS n FROM outbox WHERE acked_seq IS NULL'),
      conflicts: count('SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL'),
      cursor: cursor === null ? null : Number(cursor),
      snapshotInProgress: getMeta(this.db, SYNC_META.snapshot) !== null,
    };
  }

  private emit(): void {
    this.onStatus(this.status());
  }

  /**
   * Run one sync cycle (a cycle already running is joined, not doubled). Checksums are compared when
   * caught up: always when asked (`verify: 'always'`, as "sync now" and the CLI do), after a download,
   * and otherwise at most every VERIFY_INTERVAL_MS — a comparison reads the whole scope on both sides.
   */
  sync(opts: SyncOptions = {}): Promise<SyncReport> {
    if (!this.running) {
      this.running = this.cycle(opts).finally(() => {
        this.running = null;
        this.emit();
      });
      this.emit();
    }
    return this.running;
  }

  /** Sync in the background every `intervalMs`; failures are kept in the status, never thrown. */
  start(intervalMs: number): void {
    this.stop();
    const tick = () => {
      if (this.status().configured) void this.sync().catch(() => undefined);
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stop the background sync and wait for a cycle under way to end (before the replica is closed). */
  async idle(): Promise<void> {
    this.stop();
    await this.running?.catch(() => undefined);
  }

  /** Refusals of this cycle's pushed edits by outcome, for its log line. */
  private refusedBy: Record<string, number> = {};

  /** One cycle and its log line: what moved (counts), the cursor before and after, how long it took. */
  private async cycle(opts: SyncOptions): Promise<SyncReport> {
    const started = performance.now();
    const cycleId = randomUUID();
    const cursorFrom = getMeta(this.db, SYNC_META.cursor);
    const wasOffline = this.online === false;
    this.refusedBy = {};
    try {
      const r = await this.runCycle(opts, cycleId);
      const cursorTo = getMeta(this.db, SYNC_META.cursor);
      this.log.info('sync.cycle', {
        cycle: cycleId,
        scope: getMeta(this.db, SYNC_META.scope),
        pushed: r.pushed,
        applied: r.applied,
        refused: r.conflicts,
        refusedBy: this.refusedBy,
        pulled: r.pulled,
        snapshotRows: r.snapshotRows,
        resynced: r.resynced,
        verified: r.verified,
        repairedPartitions: r.repairedPartitions,
        waitingForUser: r.waitingForLogin,
        pullDeferred: r.pullDeferred,
        cursorFrom: cursorFrom === null ? null : Number(cursorFrom),
        cursorTo: cursorTo === null ? null : Number(cursorTo),
        ms: Math.round(performance.now() - started),
      });
      return r;
    } catch (err) {
      const code =
        err instanceof GatewayRequestError
          ? err.code
          : err instanceof NotConnectedError
            ? 'NOT_CONNECTED'
            : err instanceof CancelledError
              ? 'CANCELLED'
              : 'INTERNAL';
      const line = {
        cycle: cycleId,
        code,
        status: err instanceof GatewayRequestError ? err.status : null,
        cursorFrom: cursorFrom === null ? null : Number(cursorFrom),
        ms: Math.round(performance.now() - started),
      };
      // Offline again and again (every minute) is one warning, not one an hour's sixty.
      if (code === 'INTERNAL') this.log.error('sync.cycle.failed', line, err);
      else if ((code === 'NETWORK' && wasOffline) || code === 'CANCELLED')
        this.log.info('sync.cycle.failed', line);
      else this.log.warn('sync.cycle.failed', line);
      throw err;
    }
  }

  private async runCycle(opts: SyncOptions, cycleId: string): Promise<SyncReport> {
    const ctx = jobContext(opts);
    const report: SyncReport = {
      pullDeferred: false,
      pushed: 0,
      applied: 0,
      conflicts: 0,
      pulled: 0,
      snapshotRows: 0,
      resynced: false,
      verified: 'skipped',
      repairedPartitions: 0,
      waitingForLogin: null,
    };
    try {
      const scopeKey = getMeta(this.db, SYNC_META.scope);
      if (!scopeKey || !parseScopeKey(scopeKey)) throw new NotConnectedError('no replica scope chosen');
      this.gateway(); // throws when the replica is not connected
      this.runningSums = null;
      // One id for this cycle's pushes: one after another they count as one contact (DOMAIN.md, Time).
      await this.push(report, cycleId);
      ctx.checkCancelled();
      // Never pull for an author whose edits still wait to be pushed: the pull would be a contact after
      // which their queued edits could not be believed to be as old as they are (DOMAIN.md, Time).
      const puller = Number(getMeta(this.db, SYNC_META.userId));
      const queued = this.sql
        .prepare('SELECT count(*) AS n FROM outbox WHERE acked_seq IS NULL AND user_id = ?')
        .get(puller) as { n: number };
      if (queued.n > 0) {
        report.pullDeferred = true;
        this.online = true;
        return report;
      }
      let caughtUp = false;
      while (!caughtUp) {
        if (getMeta(this.db, SYNC_META.cursor) === null) {
          report.snapshotRows += await this.snapshot(scopeKey, ctx);
          report.resynced = true;
        }
        try {
          caughtUp = await this.pull(scopeKey, report, ctx);
        } catch (err) {
          if (err instanceof GatewayRequestError && err.code === 'MUST_RESYNC') {
            this.sql.prepare('DELETE FROM meta WHERE key = ?').run(SYNC_META.cursor);
            continue;
          }
          throw err;
        }
      }
      if (getMeta(this.db, SYNC_META.referencesUnchecked) !== null) {
        this.checkReferences();
        this.sql.prepare('DELETE FROM meta WHERE key = ?').run(SYNC_META.referencesUnchecked);
      }
      if (this.pendingVerifier) {
        this.sql
          .prepare('UPDATE users SET password_hash = ? WHERE id = ?')
          .run(this.pendingVerifier.hash, this.pendingVerifier.userId);
        this.pendingVerifier = null;
      }
      const lastVerified = Number(getMeta(this.db, SYNC_META.lastVerified) ?? 0);
      if (
        opts.verify !== 'never' &&
        (opts.verify === 'always' || report.resynced || this.now() - lastVerified >= VERIFY_INTERVAL_MS)
      ) {
        await this.verify(scopeKey, report);
      }
      this.online = true;
      this.sql.transaction(() => {
        setMeta(this.db, SYNC_META.lastSyncAt, String(this.now()));
        this.sql.prepare('DELETE FROM meta WHERE key = ?').run(SYNC_META.lastError);
      })();
      return report;
    } catch (err) {
      if (err instanceof GatewayRequestError && err.code === 'NETWORK') this.online = false;
      setMeta(this.db, SYNC_META.lastError, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /**
   * Push pending mutations in order, each person's with their own token; store every permanent refusal
   * durably. The queue stops at an edit whose author has not logged in online on this PC yet.
   */
  private async push(report: SyncReport, cycleId: string): Promise<void> {
    let retriedOrder = false;
    for (;;) {
      const pending = this.sql
        .prepare(
          `SELECT local_seq AS localSeq, mutation_id AS mutationId, user_id AS userId, name, args, base_version AS baseVersion,
          after, created_at AS createdAt FROM outbox WHERE acked_seq IS NULL ORDER BY local_seq LIMIT 200`,
        )
        .all() as Array<{
        localSeq: number;
        mutationId: string;
        userId: number;
        name: MutationName;
        args: string;
        baseVersion: number | null;
        after: string | null;
        createdAt: number;
      }>;
      const first = pending[0];
      if (!first) return;
      const cut = pending.findIndex((m) => m.userId !== first.userId);
      const batch = cut === -1 ? pending : pending.slice(0, cut);
      if (!this.tokensOf(first.userId)) {
        report.waitingForLogin = first.userId;
        return;
      }
      let res;
      try {
        res = await this.as(first.userId, 'POST', '/sync/push', pushResponse, {
          headers: { [HEADER.cycle]: cycleId },
          body: {
            deviceId: this.deviceId,
            mutations: batch.map(({ userId: _u, ...m }) => ({ ...m, args: JSON.parse(m.args) as unknown })),
          },
        });
      } catch (err) {
        if (err instanceof GatewayRequestError && err.code === 'UNAUTHORIZED') {
          // A revoked token (its refresh refused too): that person logs in again; their edits wait.
          this.dropTokens(first.userId);
          report.waitingForLogin = first.userId;
          return;
        }
        throw err;
      }
      const byId = new Map(batch.map((m) => [m.mutationId, m]));
      let outOfOrder = false;
      this.sql.transaction(() => {
        for (const o of res.outcomes) {
          const m = byId.get(o.mutationId);
          if (!m) continue;
          if (o.outcome === 'OUT_OF_ORDER') {
            outOfOrder = true;
            break;
          }
          report.pushed++;
          this.settle(m, o, report);
        }
        if (outOfOrder) this.renumberOutbox(res.lastLocalSeq);
      })();
      if (outOfOrder) {
        if (retriedOrder)
          throw new GatewayRequestError(409, 'MALFORMED', 'the gateway refused the outbox order twice');
        retriedOrder = true;
      }
    }
  }

  /** Record one mutation's outcome: acknowledged, or moved to the durable conflicts. */
  private settle(
    m: {
      mutationId: string;
      userId: number;
      name: MutationName;
      args: string;
      baseVersion: number | null;
      localSeq: number;
    },
    o: MutationOutcome,
    report: SyncReport,
  ): void {
    const outcome = o.outcome === 'DUPLICATE' ? (o.stored ?? 'APPLIED') : o.outcome;
    if (outcome === 'APPLIED') {
      report.applied++;
      if (o.seq === null) this.sql.prepare('DELETE FROM outbox WHERE local_seq = ?').run(m.localSeq);
      else this.sql.prepare('UPDATE outbox SET acked_seq = ? WHERE local_seq = ?').run(o.seq, m.localSeq);
      return;
    }
    if (outcome === 'DUPLICATE' || outcome === 'OUT_OF_ORDER') return;
    this.refusedBy[outcome] = (this.refusedBy[outcome] ?? 0) + 1;
    report.conflicts++;
    this.sql
      .prepare(
        `INSERT INTO sync_conflicts (mutation_id, name, args, base_version, outcome, reason, code, server_row, created_at, user_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mutation_id) DO NOTHING`,
      )
      .run(
        m.mutationId,
        m.name,
        m.args,
        m.baseVersion,
        outcome,
        o.reason,
        o.code ?? null,
        o.serverRow === null ? null : JSON.stringify(o.serverRow),
        this.now(),
        m.userId,
      );
    this.sql.prepare('DELETE FROM outbox WHERE local_seq = ?').run(m.localSeq);
    // The local row goes back to what the centre holds; the refused edit waits in sync_conflicts.
    this.restoreServerRow(m.name, m.args, o.serverRow);
  }

  private restoreServerRow(
    name: MutationName,
    rawArgs: string,
    serverRow: Record<string, unknown> | null,
  ): void {
    const args = parseArgs(name, JSON.parse(rawArgs) as unknown);
    if (args === null) return;
    const target = targetOf(name, args);
    if (!target.row) return;
    const t = syncedTable(target.row.table) as SyncedTable;
    const key = Object.values(target.row.key);
    const cols = replicaColumns(t);
    const where = t.pk.map((k) => `"${k}" = ?`).join(' AND ');
    // A refused absence takes our own assignments to it along (they are refused next, in order).
    if (t.name === 'absences' && !serverRow)
      this.sql.prepare('DELETE FROM substitutions WHERE absence_id = ? AND row_version = 0').run(...key);
    // A refused print takes its own document register entry (the same id) along; one the centre holds
    // under that id is not ours and stays.
    if (name === 'paper.printed')
      this.sql.prepare('DELETE FROM documents WHERE id = ? AND row_version = 0').run(...key);
    // Our own new row (a closing, an unlock, any create) goes; the centre's row, if any, comes back —
    // by its own key (a closing refused because another one stands returns that other one).
    if (target.creates || !serverRow) this.sql.prepare(`DELETE FROM "${t.name}" WHERE ${where}`).run(...key);
    if (serverRow)
      new TableWriter(this.sql, t, cols).force(cols.map((c) => (serverRow[c] ?? null) as unknown));
  }

  /**
   * After a restore from an older backup (SYNC.md, restore) the gateway has processed more of this
   * device's outbox than the replica remembers: continue numbering after its last, keeping the order.
   */
  private renumberOutbox(lastLocalSeq: number): void {
    const pending = this.sql
      .prepare('SELECT local_seq AS s FROM outbox WHERE acked_seq IS NULL ORDER BY local_seq')
      .all() as Array<{ s: number }>;
    const first = pending[0]?.s;
    if (first !== undefined && first <= lastLocalSeq) {
      const shift = lastLocalSeq + 1 - first + 1_000_000_000;
      // Two steps keep the primary key unique while moving.
      this.sql.prepare('UPDATE outbox SET local_seq = local_seq + ? WHERE acked_seq IS NULL').run(shift);
      this.sql.prepare('UPDATE outbox SET local_seq = local_seq - 1000000000 WHERE acked_seq IS NULL').run();
    }
    const max =
      (this.sql.prepare('SELECT max(local_seq) AS m FROM outbox').get() as { m: number | null }).m ?? 0;
    const next = Math.max(max, lastLocalSeq);
    const seqRow = this.sql.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as
      { seq: number } | undefined;
    if (!seqRow) this.sql.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(next);
    else if (seqRow.seq < next)
      this.sql.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'").run(next);
  }

  /** Keys with local edits the centre has not confirmed yet, and from which seq they are confirmed. */
  private overlay(): Map<string, number> {
    const rows = this.sql.prepare('SELECT name, args, acked_seq AS acked FROM outbox').all() as Array<{
      name: MutationName;
      args: string;
      acked: number | null;
    }>;
    const out = new Map<string, number>();
    for (const r of rows) {
      const target = rowOf(r.name, r.args);
      if (!target) continue;
      const key = `${target.table}|${target.key.join('|')}`;
      out.set(key, Math.max(out.get(key) ?? 0, r.acked ?? Number.MAX_SAFE_INTEGER));
    }
    return out;
  }

  /** Pull pages of the log until caught up; returns true when caught up. */
  private async pull(
    scope: string,
    report: SyncReport,
    ctx: ReturnType<typeof jobContext>,
  ): Promise<boolean> {
    for (;;) {
      ctx.checkCancelled();
      const cursor = Number(getMeta(this.db, SYNC_META.cursor) ?? 0);
      const page = await this.as(
        this.pullerId(),
        'GET',
        `/sync/pull?scope=${encodeURIComponent(scope)}&after=${cursor}&limit=${this.pageSize}`,
        pullResponse,
      );
      report.pulled += this.applyLogPage(page);
      ctx.progress('pull', page.next, page.next);
      if (!page.hasMore) return true;
    }
  }

  /** Apply one pulled page and its cursor in one transaction. */
  applyLogPage(page: PullResponse): number {
    let n = 0;
    this.sql.transaction(() => {
      const overlay = this.overlay();
      const writers = new Map<string, TableWriter>();
      for (const [seq, table, op, rowVersion, values] of page.entries) {
        const t = syncedTable(table);
        if (!t) throw new Error(`the gateway sent rows of an unknown table ${table}`);
        let w = writers.get(table);
        if (!w)
          writers.set(table, (w = new TableWriter(this.sql, t, page.columns[table] ?? replicaColumns(t))));
        const key = op === 'delete' ? values : w.keyOf(values);
        const protectedUntil = overlay.get(`${table}|${key.join('|')}`);
        if (protectedUntil !== undefined && protectedUntil > seq) continue; // a pending local edit stays on top
        if (op === 'delete') w.delete(key, rowVersion);
        else {
          // One closing per offering: the centre's wins over a local one it has not confirmed (that one
          // comes back as a refusal and is kept in the conflicts).
          if (table === 'locks') this.yieldLocalLock(w.ordered(values), overlay);
          if (table === 'documents') this.yieldNumber(w.ordered(values));
          w.upsert(values);
        }
        n++;
      }
      setMeta(this.db, SYNC_META.cursor, String(page.next));
      this.sql.prepare('DELETE FROM outbox WHERE acked_seq IS NOT NULL AND acked_seq <= ?').run(page.next);
    })();
    if (n > 0) this.runningSums = null;
    return n;
  }

  /**
   * One number per document (the register's unique index): the centre's entry wins over another row here
   * under its number — a print of this PC it has not confirmed (that one comes back refused,
   * `number_taken`) or a row the centre no longer holds.
   */
  private yieldNumber(values: unknown[]): void {
    const cols = replicaColumns(syncedTable('documents') as SyncedTable);
    this.sql
      .prepare('DELETE FROM documents WHERE number = ? AND id <> ?')
      .run(values[cols.indexOf('number')], values[cols.indexOf('id')]);
  }

  private yieldLocalLock(values: unknown[], overlay: Map<string, number>): void {
    const cols = replicaColumns(syncedTable('locks') as SyncedTable);
    const id = values[cols.indexOf('id')];
    const offeringId = values[cols.indexOf('offering_id')];
    const other = this.sql
      .prepare('SELECT id FROM locks WHERE offering_id = ? AND id <> ?')
      .get(offeringId, id) as { id: string } | undefined;
    if (other && overlay.has(`locks|${other.id}`))
      this.sql.prepare('DELETE FROM locks WHERE id = ?').run(other.id);
  }

  /**
   * Download the scope: every table's current rows in pages, each page with its progress in one
   * transaction; the first page clears the old rows, the last sets the cursor to the head read at the
   * start and re-applies the pending local edits on top.
   */
  private async snapshot(scope: string, ctx: ReturnType<typeof jobContext>): Promise<number> {
    let progress = readSnapshotProgress(getMeta(this.db, SYNC_META.snapshot));
    const sums = progress ? null : new Map<string, Checksum>();
    if (!progress) {
      const { seq } = await this.as(
        this.pullerId(),
        'GET',
        `/sync/head?scope=${encodeURIComponent(scope)}`,
        z.object({ seq: z.number().int() }),
      );
      progress = { head: seq, done: [], after: {} };
      const start = progress;
      this.sql.transaction(() => {
        // This PC's offline-login verifiers do not travel: keep them aside (a download resumed after a
        // kill finds them there), to put back on the same accounts when it ends.
        if (getMeta(this.db, SYNC_META.verifiers) === null)
          setMeta(
            this.db,
            SYNC_META.verifiers,
            JSON.stringify(
              this.sql
                .prepare('SELECT id, login, password_hash AS hash FROM users WHERE password_hash IS NOT NULL')
                .all(),
            ),
          );
        // The control's counters first: with them empty, deleting the marks triggers no recounts.
        this.sql.prepare('DELETE FROM lesson_fill').run();
        for (const t of [...SYNCED_TABLES].reverse()) this.sql.prepare(`DELETE FROM "${t.name}"`).run();
        setMeta(this.db, SYNC_META.snapshot, JSON.stringify(start));
      })();
    }
    const p = progress;
    const queue = DOWNLOAD_ORDER.filter((t) => !p.done.includes(t.name));
    const page = (t: SyncedTable, after: Array<string | number> | null) => {
      const r = this.as(
        this.pullerId(),
        'GET',
        `/sync/snapshot?scope=${encodeURIComponent(scope)}&table=${t.name}&limit=${this.pageSize * 4}` +
          (after ? `&after=${encodeURIComponent(JSON.stringify(after))}` : ''),
        snapshotResponse,
      );
      r.catch(() => undefined); // awaited below; a lane that stops early leaves it unobserved
      return r;
    };
    let rows = 0;
    let failed = false;
    /**
     * One lane: tables taken from the queue, each read page by page with the next page requested
     * before this one is written (MEASURED.md: prefetch ~1.5x faster).
     */
    const lane = async () => {
      for (let t = queue.shift(); t && !failed; t = queue.shift()) {
        const table = t;
        let pending = page(table, p.after[table.name] ?? null);
        for (;;) {
          const got = await pending;
          if (failed) return;
          ctx.checkCancelled();
          if (got.table !== table.name) throw new Error(`asked for ${table.name}, got ${got.table}`);
          if (got.next) {
            pending = page(table, got.next);
            // Let the request go out before this page's synchronous write holds the event loop.
            await new Promise((resolve) => setImmediate(resolve));
            if (failed) return;
          }
          this.sql.transaction(() => {
            // The table was emptied when the download began, and a page is never applied twice.
            const w = new TableWriter(this.sql, table, got.columns);
            let c = sums?.get(table.name);
            if (sums && !c) sums.set(table.name, (c = new Checksum()));
            for (const r of got.rows) {
              w.insert(r);
              c?.add(w.ordered(r) as Cell[]);
            }
            if (got.next) p.after[table.name] = got.next;
            else {
              delete p.after[table.name];
              p.done.push(table.name);
            }
            setMeta(this.db, SYNC_META.snapshot, JSON.stringify(p));
          })();
          rows += got.rows.length;
          ctx.progress('download', p.done.length, SYNCED_TABLES.length);
          if (!got.next) break;
        }
      }
    };
    // Rows arrive table by table in two lanes, not in the order of references, and a row may name a
    // row created after its table was read (it comes with the log that follows): references are
    // checked once the replica has caught up (see checkReferences).
    this.sql.pragma('foreign_keys = OFF');
    try {
      const lanes = await Promise.allSettled(
        [lane(), lane()].map((l) =>
          l.catch((err: unknown) => {
            failed = true;
            throw err;
          }),
        ),
      );
      for (const l of lanes) if (l.status === 'rejected') throw l.reason;
    } finally {
      this.sql.pragma('foreign_keys = ON');
    }
    const head = p.head;
    this.sql.transaction(() => {
      setMeta(this.db, SYNC_META.cursor, String(head));
      setMeta(this.db, SYNC_META.referencesUnchecked, '1');
      this.sql.prepare('DELETE FROM meta WHERE key = ?').run(SYNC_META.snapshot);
      this.sql.prepare('DELETE FROM outbox WHERE acked_seq IS NOT NULL AND acked_seq <= ?').run(head);
      const kept = getMeta(this.db, SYNC_META.verifiers);
      if (kept !== null) {
        // Back on the same accounts (same id and login), never on an account renamed meanwhile.
        const put = this.sql.prepare(
          'UPDATE users SET password_hash = ? WHERE id = ? AND login = ? AND password_hash IS NULL',
        );
        for (const v of JSON.parse(kept) as Array<{ id: number; login: string; hash: string }>)
          put.run(v.hash, v.id, v.login);
        this.sql.prepare('DELETE FROM meta WHERE key = ?').run(SYNC_META.verifiers);
      }
      reapplyOutbox(this.sql);
    })();
    const pendingEdits = (this.sql.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    this.runningSums = sums && pendingEdits === 0 ? sums : null;
    return rows;
  }

  /**
   * After a download has caught up, every reference must resolve (rows read before the rows they
   * name were created have met them through the log). A dangling one means the centre sent an
   * incomplete scope: say so rather than keep a replica that looks whole.
   */
  private checkReferences(): void {
    const bad = this.sql.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
    if (bad.length > 0) {
      const first = bad[0];
      throw new Error(
        `the downloaded replica has ${bad.length} dangling reference(s), e.g. ${first?.table} → ${first?.parent}`,
      );
    }
  }

  /** When caught up with nothing pending: compare checksums, repair the partitions that differ. */
  private async verify(scope: string, report: SyncReport): Promise<void> {
    if (
      this.status().pending > 0 ||
      (this.sql.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n > 0
    )
      return;
    const remote = await this.as(
      this.pullerId(),
      'GET',
      `/sync/checksums?scope=${encodeURIComponent(scope)}`,
      checksumsResponse,
    );
    if (remote.seq !== Number(getMeta(this.db, SYNC_META.cursor))) return; // the centre moved on; next cycle
    const local = this.runningSums ?? replicaChecksums(this.sql);
    this.runningSums = null;
    const differing = remote.tables.filter((r) => !local.get(r.table)?.equals(r));
    if (differing.length === 0) {
      report.verified = 'equal';
      setMeta(this.db, SYNC_META.lastVerified, String(this.now()));
      return;
    }
    for (const d of differing) {
      const t = syncedTable(d.table) as SyncedTable;
      const parts = await this.as(
        this.pullerId(),
        'GET',
        `/sync/checksums?scope=${encodeURIComponent(scope)}&table=${t.name}`,
        partitionsResponse,
      );
      const mine = replicaPartitions(this.sql, t);
      const theirs = new Map(parts.partitions.map((p) => [p.partition, p]));
      const all = new Set([...mine.keys(), ...theirs.keys()]);
      for (const p of all) {
        const a = mine.get(p);
        const b = theirs.get(p);
        if (a && b && a.equals(b)) continue;
        await this.repairPartition(scope, t, p);
        report.repairedPartitions++;
      }
    }
    report.verified = 'repaired';
    setMeta(this.db, SYNC_META.lastVerified, String(this.now()));
  }

  /** Replace one partition's rows with the centre's. */
  private async repairPartition(scope: string, t: SyncedTable, partition: string): Promise<void> {
    const rows: unknown[][] = [];
    let columns: string[] = replicaColumns(t);
    let after: Array<string | number> | null = null;
    for (;;) {
      const page: SnapshotResponse = await this.as(
        this.pullerId(),
        'GET',
        `/sync/snapshot?scope=${encodeURIComponent(scope)}&table=${t.name}&partition=${partition}&limit=${this.pageSize}` +
          (after ? `&after=${encodeURIComponent(JSON.stringify(after))}` : ''),
        snapshotResponse,
      );
      columns = page.columns;
      rows.push(...page.rows);
      if (!page.next) break;
      after = page.next;
    }
    const first = t.pk[0];
    const range = partition.startsWith('n')
      ? {
          where: `"${first}" >= ? AND "${first}" < ?`,
          params: [Number(partition.slice(1)) * 1024, (Number(partition.slice(1)) + 1) * 1024],
        }
      : { where: `substr("${first}", 1, 2) = ?`, params: [partition.slice(1)] };
    this.sql.transaction(() => {
      const w = new TableWriter(this.sql, t, columns);
      const keep = new Set(rows.map((r) => JSON.stringify(w.keyOf(r))));
      const local = this.sql
        .prepare(`SELECT ${t.pk.map((k) => `"${k}"`).join(', ')} FROM "${t.name}" WHERE ${range.where}`)
        .raw()
        .all(...range.params) as unknown[][];
      for (const k of local) {
        if (!keep.has(JSON.stringify(k)))
          this.sql
            .prepare(`DELETE FROM "${t.name}" WHERE ${t.pk.map((c) => `"${c}" = ?`).join(' AND ')}`)
            .run(...k);
      }
      for (const r of rows) {
        if (t.name === 'documents') this.yieldNumber(w.ordered(r));
        w.force(r);
      }
    })();
  }
}
