import type { ArchiveReplicaInfo } from '../archive/open';
import type { Output, ParsedInput, MethodName } from '../../src-shared/contract';
import type { Locale } from '../../src-shared/i18n/translate';
import type { Clock } from '../clock';
import type { RestoreResult } from '../db/backup';
import type { Db } from '../db/open';
import type { EventBus } from '../events';
import type { FileLogger } from '../log';
import type { SyncEngine } from '../sync/engine';
import type { LocalActor } from '../db/write-path';
import type { Session, SessionStore } from './sessions';

/** What every handler may use: the database, the clock, the sessions, this replica's facts. */
export type Deps = {
  db: Db;
  clock: Clock;
  sessions: SessionStore;
  version: string;
  deviceId: string;
  sync: SyncEngine;
  events: EventBus;
  /** The structured log (ids and counts only) and its recent warnings and errors for the status bar. */
  logger: FileLogger;
  /** The desktop's system print dialog for a PDF file (Electron); null in web mode and the CLI. */
  printPdf: ((file: string) => Promise<boolean>) | null;
  /**
   * The desktop's own file dialog (Electron main; null in web mode): a package to read ('open') or
   * where to save one ('save'); the chosen path, or null when cancelled. Its result never comes from
   * a client: the archive handlers turn it into a one-time grant (issue 14).
   */
  pickFile: ((mode: 'open' | 'save', suggested: string | null) => Promise<string | null>) | null;
  /** Set when the replica is an opened archive package: read-only, not synced. */
  archive: ArchiveReplicaInfo | null;
  /** Serve an opened archive replica instead of the working one, or (null) go back (startBackend's). */
  browse: (replica: string | null) => Promise<void>;
  /** The replica's backups: their folder, the clock they are named by, and the holder's restore. */
  backups: { dir: string; now: () => number; restore: (backupFile: string) => Promise<RestoreResult> };
};

/** One call as a handler sees it. `session` is set for every method whose access is not public. */
export type CallContext = { session: Session | null; locale: Locale; now: number };

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: CallContext,
) => Output<M> | Promise<Output<M>>;

/** One handler per contract method; a missing or extra one is a compile error. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A session the dispatcher guarantees for non-public methods. */
export function requireSession(ctx: CallContext): Session {
  if (!ctx.session) throw new Error('handler called without a session');
  return ctx.session;
}

/** The session's person as the one write path judges them: who, their teacher record and roles, when. */
export function localActor(d: Pick<Deps, 'deviceId'>, ctx: CallContext): LocalActor {
  const s = requireSession(ctx);
  return { userId: s.user.id, teacherId: s.teacherId, grants: s.grants, deviceId: d.deviceId, now: ctx.now };
}
