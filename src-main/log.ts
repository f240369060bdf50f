import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { createStream } from 'rotating-file-stream';
import {
  RECENT_ERRORS,
  REDACTED_KEYS,
  type LogFields,
  type Logger,
  type RecentError,
} from '../src-shared/log';

/**
 * A logger writing JSON lines into a size-rotated file (issue 14, item 5): pino writing straight into a
 * rotating-file-stream (no worker-thread transport, so it bundles in Electron's main process as it is).
 * `recent()` holds the latest warnings and errors in memory for the status bar.
 */
export type FileLogger = Logger & {
  /** The file being written (null: standard output). */
  file: string | null;
  recent: () => RecentError[];
  /** Write out what is buffered and close the file. */
  close: () => Promise<void>;
};

export type FileLoggerOptions = {
  /** The log file; rotated copies are `<file>.1` … `<file>.<rotate>`. null: JSON lines on standard output. */
  file: string | null;
  /** Which program writes (`app` of every line): 'desktop' or 'gateway'. */
  app: string;
  /** Line times (wall time; tests fix it). */
  now?: () => number;
  /** Rotate at this size (rotating-file-stream's syntax: '5M', '2K'…). */
  size?: string;
  /** How many rotated files to keep. */
  rotate?: number;
};

/** pino's redact paths for REDACTED_KEYS: at the top of a line and one level down. */
const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]);

/** Where a replica's log is written: `logs/<replica file name>.log` beside it. */
export function logFileOf(replica: string): string {
  return join(dirname(replica), 'logs', `${basename(replica, extname(replica))}.log`);
}

export function openFileLogger(opts: FileLoggerOptions): FileLogger {
  const now = opts.now ?? Date.now;
  let stream: DestinationStream & { end?: (cb: () => void) => void };
  if (opts.file === null) {
    stream = pino.destination({ dest: 1, sync: true });
  } else {
    mkdirSync(dirname(opts.file), { recursive: true });
    const rfs = createStream(basename(opts.file), {
      path: dirname(opts.file),
      size: opts.size ?? '5M',
      rotate: opts.rotate ?? 5,
      mode: 0o600,
    });
    // A log that cannot be written must not stop the app: the error is reported once on stderr.
    rfs.on('error', (err) => console.error(`the log ${opts.file} cannot be written: ${err.message}`));
    stream = rfs;
  }
  const p = pino(
    {
      base: { app: opts.app },
      messageKey: 'msg',
      timestamp: () => `,"time":${now()}`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    stream,
  );
  const recent: RecentError[] = [];
  const remember = (level: 'warn' | 'error', event: string, fields: LogFields | undefined) => {
    const code = fields?.code;
    const method = fields?.method;
    const userId = fields?.userId;
    recent.push({
      at: now(),
      level,
      event,
      code: typeof code === 'string' ? code : null,
      method: typeof method === 'string' ? method : null,
      userId: typeof userId === 'number' ? userId : null,
    });
    if (recent.length > RECENT_ERRORS) recent.splice(0, recent.length - RECENT_ERRORS);
  };
  return {
    file: opts.file,
    info: (event, fields) => p.info({ event, ...fields }),
    warn: (event, fields) => {
      remember('warn', event, fields);
      p.warn({ event, ...fields });
    },
    error: (event, fields, err) => {
      remember('error', event, fields);
      p.error({ event, ...fields, ...(err === undefined ? {} : { err: asError(err) }) });
    },
    recent: () => recent.slice().reverse(),
    close: () =>
      new Promise<void>((resolve) => {
        if (opts.file === null || !stream.end) return resolve();
        stream.end(() => resolve());
      }),
  };
}

/** pino serializes Error objects (type, message, stack) under `err`; anything else becomes one. */
function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
