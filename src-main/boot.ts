import { existsSync, mkdirSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { dirname } from 'node:path';
import { uuidv7 } from '../src-shared/ids';
import { randomBytes } from 'node:crypto';
import { makeDispatch, type Dispatch } from './api/dispatch';
import { makeHandlers } from './api/handlers';
import { SessionStore } from './api/sessions';
import type { Deps } from './api/context';
import { makeClock, type Clock } from './clock';
import { generateDemo } from './demo/generate';
import type { Scale } from './demo/structure';
import { getMeta, META, setMeta } from './db/meta';
import { openReplica, type Db } from './db/open';
import { EventBus } from './events';
import { SyncEngine, type SecretStore } from './sync/engine';
import { metaSecretStore } from './sync/secrets';
import { archiveInfo, type ArchiveReplicaInfo } from './archive/open';

export type BootOptions = {
  /** The replica file. */
  dbPath: string;
  /** A fixed clock for tests (DOMAIN.md, Time); otherwise the replica's demo clock or wall time. */
  now?: () => number;
  /** When the file does not exist yet: generate this demo (default faculty), or null to start empty. */
  demoIfMissing?: Scale | null;
  validateOutput?: boolean;
  log?: (message: string) => void;
  /** Where gateway tokens are kept (the desktop passes an encrypting store); plain in the replica otherwise. */
  secrets?: (db: Db) => SecretStore | undefined;
  /** The desktop passes its system print dialog for PDF files. */
  printPdf?: (file: string) => Promise<boolean>;
};

export type App = {
  db: Db;
  clock: Clock;
  dispatch: Dispatch;
  events: EventBus;
  deps: Deps;
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
  if (!existsSync(opts.dbPath) && opts.demoIfMissing !== null) {
    mkdirSync(dirname(opts.dbPath), { recursive: true });
    log(
      `No replica at ${opts.dbPath}: generating the demo university (${opts.demoIfMissing ?? 'faculty'} scale)…`,
    );
    generateDemo(opts.dbPath, { scale: opts.demoIfMissing ?? 'faculty' });
  }
  const archive = peekArchive(opts.dbPath);
  const db = openReplica(opts.dbPath, { readonly: archive !== null });
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
  const events = new EventBus();
  const sync = new SyncEngine(db, deviceId, clock.now, opts.secrets?.(db) ?? metaSecretStore(db), (s) =>
    events.emit('sync.status', s),
  );
  const deps: Deps = {
    db,
    clock,
    sessions: new SessionStore(clock.now),
    version: appVersion(),
    deviceId,
    sync,
    events,
    printPdf: opts.printPdf ?? null,
    archive,
  };
  const dispatch = makeDispatch(deps, makeHandlers(deps), { validateOutput: opts.validateOutput, log });
  return {
    db,
    clock,
    dispatch,
    events,
    deps,
    close: () => {
      sync.stop();
      db.$client.close();
    },
  };
}
