import { existsSync, mkdirSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { basename, dirname } from 'node:path';
import { uuidv7 } from '../src-shared/ids';
import { randomBytes } from 'node:crypto';
import { makeDispatch, toApiError, type Dispatch } from './api/dispatch';
import { isLocale } from '../src-shared/i18n/translate';
import { makeHandlers } from './api/handlers';
import { SessionStore } from './api/sessions';
import type { Deps } from './api/context';
import { makeClock, type Clock } from './clock';
import { generateDemo } from './demo/generate';
import type { Scale } from './demo/structure';
import { getMeta, META, setMeta } from './db/meta';
import { openReplica, type Db } from './db/open';
import { EventBus } from './events';
import { SyncEngine } from './sync/engine';
import {
  fileSecretStore,
  moveSecretsOutOfReplica,
  noSecrets,
  secretsFileOf,
  type Cipher,
} from './sync/secrets';
import { archiveInfo, type ArchiveReplicaInfo } from './archive/open';
import {
  backupDirFor,
  BackupDamagedError,
  BackupForeignError,
  readReplicaId,
  replicaIdOf,
  checkIntegrity,
  createBackup,
  ensureDailyBackup,
  newestGoodBackup,
  restoreBackup,
  type BackupInfo,
  type Damage,
  type RestoreResult,
} from './db/backup';
import { AppError } from '../src-shared/contract/errors';
import type { BackupKind } from '../src-shared/domain/backups';
import { SYNC_INTERVAL_MS } from './sync/engine';
import { makeDamagedDispatch } from './api/backup.handlers';
import { logFileOf, openFileLogger, type FileLogger } from './log';

export type BootOptions = {
  /** The replica file. */
  dbPath: string;
  /** A fixed clock for tests (DOMAIN.md, Time); otherwise the replica's demo clock or wall time. */
  now?: () => number;
  /** When the file does not exist yet: generate this demo (default faculty), or null to start empty. */
  demoIfMissing?: Scale | null;
  validateOutput?: boolean;
  log?: (message: string) => void;
  /**
   * The structured log (issue 14, item 5). Without one, boot() opens `logs/<replica>.log` beside the
   * replica and closes it with the app; startBackend() opens one for the working replica and keeps it
   * across restores and opened archives.
   */
  logger?: FileLogger;
  /**
   * How the secrets file beside the replica is encrypted (the desktop: the platform's keychain);
   * without one its file permissions protect it (web mode, the CLI).
   */
  secretsCipher?: () => Cipher | undefined;
  /** The desktop passes its system print dialog for PDF files. */
  printPdf?: (file: string) => Promise<boolean>;
  /** The desktop's own file dialog for archive packages (Electron); none in web mode and the CLI. */
  pickFile?: (mode: 'open' | 'save', suggested: string | null) => Promise<string | null>;
  /** The bus the app emits on (the backend holder keeps one across restores). */
  events?: EventBus;
  /** Put a backup in place of the replica and reopen it (the backend holder's; see startBackend). */
  restore?: (backupFile: string) => Promise<RestoreResult>;
  /** Open an archive replica in place of the working one, or (null) go back (the holder's). */
  browse?: (replica: string | null) => Promise<void>;
};

/** The replica file failed its integrity check: boot() refuses it, startBackend() offers a restore. */
export class ReplicaDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly messages: string[],
  ) {
    super(`the replica ${file} is damaged: ${messages.slice(0, 3).join('; ')}`);
    this.name = 'ReplicaDamagedError';
  }
}

export type App = {
  db: Db;
  clock: Clock;
  dispatch: Dispatch;
  events: EventBus;
  deps: Deps;
  logger: FileLogger;
  close: () => void;
};

/** The app's version, from package.json (inlined by the bundler). */
export function appVersion(): string {
  return pkg.version;
}

/** The archive package a replica file was opened from, or null for a working replica (or no replica). */
function peekArchive(file: string): ArchiveReplicaInfo | null {
  if (!existsSync(file)) return null;
  let db: Db | null = null;
  try {
    db = openReplica(file, { readonly: true });
    return archiveInfo(db);
  } catch {
    return null;
  } finally {
    db?.$client.close();
  }
}

/**
 * The composition root (ARCHITECTURE.md): open the replica → migrate → clock → sessions → handlers →
 * dispatch. Both transports (Electron IPC, web mode) and the tests start the backend here.
 */
export function boot(opts: BootOptions): App {
  const log = opts.log ?? ((m: string) => console.error(m));
  // Backups are named by the real clock (or the test's), never by a demo replica's stored "now".
  const wallNow = opts.now ?? Date.now;
  const ownLogger = opts.logger === undefined;
  const logger =
    opts.logger ?? openFileLogger({ file: logFileOf(opts.dbPath), app: 'desktop', now: wallNow });
  try {
    return bootWith(opts, log, wallNow, logger, ownLogger);
  } catch (err) {
    if (ownLogger) void logger.close();
    throw err;
  }
}

function bootWith(
  opts: BootOptions,
  log: (m: string) => void,
  wallNow: () => number,
  logger: FileLogger,
  ownLogger: boolean,
): App {
  if (!existsSync(opts.dbPath) && opts.demoIfMissing !== null) {
    mkdirSync(dirname(opts.dbPath), { recursive: true });
    log(
      `No replica at ${opts.dbPath}: generating the demo university (${opts.demoIfMissing ?? 'faculty'} scale)…`,
    );
    generateDemo(opts.dbPath, { scale: opts.demoIfMissing ?? 'faculty' });
  }
  // Issue 7: a damaged file is never opened as if it were fine (nor migrated, nor synced over).
  if (existsSync(opts.dbPath)) {
    const integrity = checkIntegrity(opts.dbPath);
    if (!integrity.ok) throw new ReplicaDamagedError(opts.dbPath, integrity.messages);
  }
  // An opened archive package is read-only: no migrations, no sync, no backups.
  const archive = peekArchive(opts.dbPath);
  const db = archive
    ? openReplica(opts.dbPath, { readonly: true })
    : openReplica(opts.dbPath, { now: wallNow() });
  // An archive replica's clock starts at the moment the package was made (and runs on from there).
  const started = Date.now();
  const clock = makeClock(
    db,
    opts.now ?? (archive ? () => archive.madeAt + (Date.now() - started) : undefined),
  );
  let deviceId = getMeta(db, META.deviceId) ?? (archive ? archive.packageId : null);
  if (!deviceId) {
    deviceId = uuidv7(clock.now(), randomBytes(10));
    setMeta(db, META.deviceId, deviceId);
  }
  const events = opts.events ?? new EventBus();
  // Gateway tokens and the device secret live beside the replica, never in it (issue 14).
  const cipher = opts.secretsCipher?.();
  const secrets = archive ? noSecrets() : fileSecretStore(secretsFileOf(opts.dbPath), cipher);
  if (!archive) moveSecretsOutOfReplica(db, secrets, cipher);
  const sync = new SyncEngine(db, deviceId, clock.now, secrets, (s) => events.emit('sync.status', s), logger);
  logger.info('app.boot', { version: appVersion(), deviceId, archive: archive !== null });
  const deps: Deps = {
    db,
    clock,
    sessions: new SessionStore(clock.now),
    version: appVersion(),
    deviceId,
    sync,
    events,
    logger,
    printPdf: opts.printPdf ?? null,
    pickFile: opts.pickFile ?? null,
    archive,
    browse:
      opts.browse ??
      (() =>
        Promise.reject(
          new AppError('INTERNAL', { reason: 'browsing an archive runs through the backend holder' }),
        )),
    backups: {
      // Issue 14: this replica's own folder (an archive replica has none: its package id names an empty one).
      dir: backupDirFor(opts.dbPath, replicaIdOf(db.$client) ?? archive?.packageId ?? deviceId),
      now: wallNow,
      restore:
        opts.restore ??
        (() =>
          Promise.reject(new AppError('INTERNAL', { reason: 'restore runs through the backend holder' }))),
    },
  };
  const dispatch = makeDispatch(deps, makeHandlers(deps), {
    validateOutput: opts.validateOutput,
    log,
    logger,
  });
  return {
    db,
    clock,
    dispatch,
    events,
    deps,
    logger,
    close: () => {
      sync.stop();
      db.$client.close();
      if (ownLogger) void logger.close();
    },
  };
}

/**
 * The backend as the transports hold it (web mode, the Electron main): the current App behind a stable
 * `dispatch` and event bus, so a restore can swap the replica without restarting the process. Unlike
 * boot(), it does not throw on a damaged replica: it starts in the damaged state, in which only
 * `backup.status` and the restore of the newest good backup answer.
 */
export type Backend = {
  dispatch: Dispatch;
  events: EventBus;
  /** The running app; null while the replica is damaged or being restored. */
  current: () => App | null;
  damage: () => Damage | null;
  /** Put a backup in place of the replica and reopen it; every session ends. */
  restore: (backupFile: string) => Promise<RestoreResult>;
  /** A backup of the running replica now (e.g. `pre-update`); null while damaged. */
  backup: (kind: BackupKind) => Promise<BackupInfo | null>;
  /** The structured log of this backend (the working replica's). */
  logger: FileLogger;
  /** Background work: sync every minute, the daily backup at start and checked every hour. */
  startBackground: () => void;
  close: () => void;
};

/** How often the backend checks that today's (Bishkek) daily backup exists. */
export const DAILY_CHECK_MS = 3600_000;

export function startBackend(opts: BootOptions): Backend {
  const log = opts.log ?? ((m: string) => console.error(m));
  const wallNow = opts.now ?? Date.now;
  const ownLogger = opts.logger === undefined;
  const logger =
    opts.logger ?? openFileLogger({ file: logFileOf(opts.dbPath), app: 'desktop', now: wallNow });
  const events = opts.events ?? new EventBus();
  // Issue 14: the working replica's own backup folder, by its id (read from the file; a damaged file
  // whose meta cannot be read has none, and then no backup is offered: nothing tells which is its own).
  let replicaId: string | null = null;
  const backupDir = () => (replicaId ? backupDirFor(opts.dbPath, replicaId) : null);
  let app: App | null = null;
  let damage: Damage | null = null;
  let restoring = false;
  let background = false;
  let dailyTimer: NodeJS.Timeout | null = null;

  // The replica being served: the working one, or an opened archive package being browsed.
  let current = opts.dbPath;
  const open = () => {
    try {
      app = boot({ ...opts, dbPath: current, events, restore, browse, logger });
      if (current === opts.dbPath) replicaId = replicaIdOf(app.db.$client);
      damage = null;
      if (background && !app.deps.archive) app.deps.sync.start(SYNC_INTERVAL_MS);
    } catch (err) {
      if (!(err instanceof ReplicaDamagedError)) throw err;
      app = null;
      if (current === opts.dbPath) replicaId ??= readReplicaId(opts.dbPath);
      const dir = backupDir();
      damage = { file: err.file, messages: err.messages, offer: dir ? newestGoodBackup(dir) : null };
      logger.error('replica.damaged', { code: 'REPLICA_DAMAGED', problems: err.messages.length });
      log(`${err.message}${damage.offer ? `; the newest good backup is ${damage.offer.name}` : ''}`);
    }
  };

  async function restore(backupFile: string): Promise<RestoreResult> {
    if (restoring) throw new AppError('BACKUP_BUSY');
    // Issue 14: another replica's backup is refused before anything closes (restoreBackup checks again).
    if (!replicaId || readReplicaId(backupFile) !== replicaId) throw new AppError('BACKUP_FOREIGN');
    restoring = true;
    try {
      // A sync cycle under way ends first: it must not write into the file being replaced.
      await app?.deps.sync.idle();
      app?.close();
      app = null;
      const result = await restoreBackup(backupFile, opts.dbPath, wallNow(), { replicaId }).catch(
        (err: unknown) => {
          if (err instanceof BackupDamagedError) throw new AppError('BACKUP_DAMAGED');
          if (err instanceof BackupForeignError) throw new AppError('BACKUP_FOREIGN');
          throw err;
        },
      );
      logger.info('backup.restored', { file: basename(backupFile) });
      open();
      return result;
    } catch (err) {
      // Whatever happened, answer from the file as it now is (reopened, or damaged with an offer).
      if (!app && !damage) open();
      throw err;
    } finally {
      restoring = false;
    }
  }

  /**
   * Serve an opened archive package (read-only) instead of the working replica, or go back to it (null).
   * Every session ends, as after a restore; the working replica's sync and backups pause meanwhile.
   */
  async function browse(replica: string | null): Promise<void> {
    if (restoring) throw new AppError('BACKUP_BUSY');
    restoring = true;
    const previous = current;
    try {
      await app?.deps.sync.idle();
      app?.close();
      app = null;
      current = replica ?? opts.dbPath;
      open();
      if (!app && replica !== null) {
        // A damaged archive replica: back to the working one.
        const why = damage?.messages[0] ?? 'damaged';
        current = previous;
        open();
        throw new AppError('PACKAGE_INVALID', { reason: why });
      }
    } catch (err) {
      current = previous;
      if (!app) open();
      throw err;
    } finally {
      restoring = false;
    }
  }

  const damagedDispatch = makeDamagedDispatch({ damage: () => damage, restore, log });
  const dispatch: Dispatch = (envelope) => {
    if (restoring) {
      const locale = isLocale(envelope.locale) ? envelope.locale : 'ru';
      return Promise.resolve({ ok: false, error: toApiError(new AppError('BACKUP_BUSY'), locale) });
    }
    return app ? app.dispatch(envelope) : damagedDispatch(envelope);
  };

  const daily = async () => {
    // An opened archive package is read-only and kept as it came: it has no backups of its own.
    if (!app || app.deps.archive) return;
    try {
      const dir = backupDir();
      if (!dir) return;
      const made = await ensureDailyBackup(app.db.$client, dir, wallNow());
      if (made) {
        log(`daily backup ${made.name}`);
        logger.info('backup.made', { kind: 'daily', file: made.name, bytes: made.size });
      }
    } catch (err) {
      log(`the daily backup failed: ${err instanceof Error ? err.message : String(err)}`);
      logger.error('backup.failed', { kind: 'daily', code: 'BACKUP_FAILED' }, err);
    }
  };

  open();
  return {
    dispatch,
    events,
    current: () => app,
    damage: () => damage,
    restore,
    backup: async (kind) => {
      const dir = backupDir();
      if (!app || app.deps.archive || !dir) return null;
      try {
        const made = await createBackup(app.db.$client, dir, kind, wallNow());
        logger.info('backup.made', { kind, file: made.name, bytes: made.size });
        return made;
      } catch (err) {
        logger.error('backup.failed', { kind, code: 'BACKUP_FAILED' }, err);
        throw err;
      }
    },
    logger,
    startBackground: () => {
      background = true;
      if (app && !app.deps.archive) app.deps.sync.start(SYNC_INTERVAL_MS);
      void daily();
      dailyTimer ??= setInterval(() => void daily(), DAILY_CHECK_MS);
      dailyTimer.unref();
    },
    close: () => {
      if (dailyTimer) clearInterval(dailyTimer);
      app?.close();
      app = null;
      if (ownLogger) void logger.close();
    },
  };
}
