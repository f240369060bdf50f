import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../src-shared/contract/errors';
import { PassThrough, Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ArchivePeriod, ArchiveUnit } from '../../src-shared/contract/archive.contract';
import { formatBishkekInstant } from '../../src-shared/domain/time';
import type { Locale } from '../../src-shared/i18n/translate';
import { uuidv7 } from '../../src-shared/ids';
import { SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import type { Db } from '../db/open';
import { CancelledError, jobContext, type JobOptions } from '../jobs/job';
import { offeringsToPrint } from '../print/batch';
import { printedJournal } from '../print/journal-data';
import { journalsPdf } from '../print/journal-pdf';
import { journalNumber } from '../print/verify';
import { writeGroupJournalWorkbook } from './excel-journal';
import { dataSelections, resolveScope, type ResolvedScope } from './scope';

/**
 * An archive package (issue 7; §4.1): one ZIP written as a stream — each entry produced only when the
 * ZIP writer reaches it, so memory holds one group's documents at a time whatever the scope — holding
 * the data of every record of the unit and period as NDJSON, the journals per group as Excel (a sheet
 * per offering, laid out like the paper) and as the printed PDF, and
 * `manifest.json` (every file with its size and SHA-256, record counts, versions, who and when). The
 * package digest is the SHA-256 of manifest.json, also written as `manifest.sha256` (sha256sum's
 * format); it is recorded outside the package in the archive register and on the transfer act.
 */

export const PACKAGE_FORMAT = 'avn-desk-archive';
export const PACKAGE_FORMAT_VERSION = 1;
export const MANIFEST = 'manifest.json';
export const DIGEST_FILE = 'manifest.sha256';

export type ManifestFile = { path: string; size: number; sha256: string };

export type Manifest = {
  format: typeof PACKAGE_FORMAT;
  formatVersion: number;
  packageId: string;
  app: { name: string; version: string };
  schemaVersion: number;
  unit: ArchiveUnit & { name: { ru: string; ky: string } };
  period: ArchivePeriod & { name: string; from: string; to: string };
  academicYear: { id: number; name: string };
  madeAt: number;
  madeAtText: string;
  madeBy: { userId: number | null; name: string | null };
  device: string;
  locale: Locale;
  counts: Record<string, number>;
  files: ManifestFile[];
};

export type PackageInput = {
  unit: ArchiveUnit;
  period: ArchivePeriod | null;
  out: string;
  locale: Locale;
  now: number;
  madeBy: { userId: number | null; name: string | null };
  device: string;
  appVersion: string;
  /** Without the PDF journals (tests of the data alone). */
  noDocuments?: boolean;
};

export type PackageResult = {
  packageId: string;
  file: string;
  sizeBytes: number;
  digest: string;
  files: number;
  counts: Record<string, number>;
  scope: Pick<ResolvedScope, 'unit' | 'period' | 'academicYearId'>;
};

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A pass-through that records the size and SHA-256 of what flows through it. */
function hashing(onDone: (size: number, sha: string) => void): Transform {
  const h = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onDone(size, h.digest('hex'));
      cb();
    },
  });
}

/** The rows of one selection as NDJSON, read a batch at a time from a statement iterator. */
function ndjsonStream(
  db: Db,
  sql: string,
  params: unknown[],
  onRow: () => void,
  checkCancelled: () => void,
): Readable {
  const it = db.$client
    .prepare(sql)
    .pluck()
    .iterate(...params) as IterableIterator<string>;
  return new Readable({
    highWaterMark: 1 << 16,
    read() {
      try {
        checkCancelled();
        const lines: string[] = [];
        let bytes = 0;
        while (bytes < 1 << 16) {
          const r = it.next();
          if (r.done) {
            if (lines.length) this.push(lines.join(''));
            this.push(null);
            return;
          }
          lines.push(r.value, '\n');
          bytes += r.value.length + 1;
          onRow();
        }
        this.push(lines.join(''));
      } catch (err) {
        it.return?.();
        this.destroy(err as Error);
      }
    },
    destroy(err, cb) {
      it.return?.();
      cb(err);
    },
  });
}

/** A stream whose content comes from an async producer started when the ZIP writer reaches it. */
function produced(make: (sink: Writable) => Promise<void>): Readable {
  const pt = new PassThrough({ highWaterMark: 1 << 20 });
  make(pt).then(
    () => {
      if (!pt.writableEnded) pt.end();
    },
    (err: unknown) => pt.destroy(err as Error),
  );
  return pt;
}

const safeName = (s: string) => s.replace(/[\\/:*?"<>|\s]+/g, '_');

/**
 * Write the package of a unit and period to `input.out` (atomically: a temporary file linked into
 * place, never over an existing file — FILE_EXISTS). Reads one snapshot of the replica (one read
 * transaction) from `db` — give it a connection of its own, so the app's other work goes on.
 */
export async function writePackage(
  db: Db,
  input: PackageInput,
  opts: JobOptions = {},
): Promise<PackageResult> {
  const ctx = jobContext(opts);
  const sqlite = db.$client;
  sqlite.exec('BEGIN');
  try {
    const scope = resolveScope(db, input.unit, input.period, input.now);
    const selections = dataSelections(scope);
    const u = input.unit;
    const printUnit = u.kind === 'university' || u.id === null ? null : { kind: u.kind, id: u.id };
    // The journals per group; a year's package has each semester's, named group-1, group-2.
    const groups = input.noDocuments
      ? []
      : scope.semesterIds.flatMap((s, i) =>
          offeringsToPrint(db, s, printUnit).map((g) => ({
            ...g,
            group: scope.period.kind === 'year' ? `${g.group}-${i + 1}` : g.group,
          })),
        );
    const packageId = uuidv7(input.now, randomBytes(10));
    const total = selections.length + 2 * groups.length + 1;
    let done = 0;
    const step = (stage: string) => {
      done += 1;
      ctx.progress(stage, done, total);
    };
    const files: ManifestFile[] = [];
    const counts: Record<string, number> = {};
    const mtime = new Date(input.now);
    const zip = new yazl.ZipFile();
    let failure: Error | null = null;
    const add = (path: string, make: () => Readable, stage: string) =>
      zip.addReadStreamLazy(
        path,
        { mtime, compress: !path.endsWith('.pdf') && !path.endsWith('.xlsx') },
        (cb) => {
          try {
            const src = make();
            const h = hashing((size, sha) => {
              files.push({ path, size, sha256: sha });
              step(stage);
            });
            // The ZIP writer does not watch its entries' streams for errors: the first one stops the
            // whole package (cancellation included).
            const fail = (err: Error) => {
              failure ??= err;
              (zip.outputStream as Readable).destroy(err);
            };
            src.on('error', fail);
            h.on('error', fail);
            cb(null, src.pipe(h));
          } catch (err) {
            cb(err, null as never);
          }
        },
      );
    for (const s of selections) {
      counts[s.table] = 0;
      add(
        s.file,
        () =>
          ndjsonStream(
            db,
            s.sql,
            s.params,
            () => (counts[s.table] = (counts[s.table] ?? 0) + 1),
            ctx.checkCancelled,
          ),
        'data',
      );
    }
    for (const g of groups) {
      add(
        `excel/${safeName(g.group)}.xlsx`,
        () =>
          produced(async (sink) => {
            await writeGroupJournalWorkbook(
              db,
              {
                groupId: g.groupId,
                offeringIds: g.offeringIds,
                now: input.now,
                locale: input.locale,
                signal: opts.signal,
              },
              sink,
            );
          }),
        'excel',
      );
      add(
        `pdf/${safeName(g.group)}.pdf`,
        () =>
          produced(async (sink) => {
            ctx.checkCancelled();
            const docs = g.offeringIds.flatMap((offeringId) => {
              const journal = printedJournal(db, offeringId, input.now, input.locale);
              if (!journal) return [];
              return [{ journal, number: journalNumber(offeringId, input.now, input.locale) }];
            });
            const pdf = await journalsPdf(docs, {
              locale: input.locale,
              now: input.now,
              onPage: () => ctx.checkCancelled(),
            });
            sink.write(Buffer.from(pdf.bytes.buffer, pdf.bytes.byteOffset, pdf.bytes.byteLength));
          }),
        'pdf',
      );
    }
    let manifestText = '';
    zip.addReadStreamLazy(MANIFEST, { mtime }, (cb) => {
      const manifest: Manifest = {
        format: PACKAGE_FORMAT,
        formatVersion: PACKAGE_FORMAT_VERSION,
        packageId,
        app: { name: 'AVN Desk', version: input.appVersion },
        schemaVersion: SCHEMA_VERSION,
        unit: { ...scope.unit, name: scope.unitName },
        period: { ...scope.period, name: scope.periodName, from: scope.from, to: scope.to },
        academicYear: { id: scope.academicYearId, name: scope.academicYear },
        madeAt: input.now,
        madeAtText: formatBishkekInstant(input.now),
        madeBy: input.madeBy,
        device: input.device,
        locale: input.locale,
        counts,
        files: [...files],
      };
      manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
      step('manifest');
      cb(null, Readable.from([Buffer.from(manifestText, 'utf8')]));
    });
    zip.addReadStreamLazy(DIGEST_FILE, { mtime }, (cb) =>
      cb(null, Readable.from([Buffer.from(`${sha256(manifestText)}  ${MANIFEST}\n`, 'utf8')])),
    );
    zip.end({ comment: `${PACKAGE_FORMAT} ${packageId}`, forceZip64Format: false });

    mkdirSync(dirname(input.out), { recursive: true });
    // Issue 14: a temp name of its own, created exclusively ('wx'), and linked into place — a link
    // never replaces an existing file (rename would): the package never overwrites anything.
    const tmp = join(dirname(input.out), `.${basename(input.out)}.${randomBytes(6).toString('hex')}.partial`);
    try {
      const errors = new Promise<never>((_, reject) => zip.on('error', reject));
      await Promise.race([
        pipeline(zip.outputStream as Readable, createWriteStream(tmp, { flags: 'wx' })),
        errors,
      ]);
      ctx.checkCancelled();
      try {
        linkSync(tmp, input.out);
      } catch (err) {
        if ((err as { code?: string }).code === 'EEXIST') throw new AppError('FILE_EXISTS');
        throw err;
      }
      rmSync(tmp, { force: true });
    } catch (err) {
      (zip.outputStream as Readable).destroy?.();
      rmSync(tmp, { force: true });
      const first = failure ?? err;
      throw first instanceof CancelledError ||
        (first as Error)?.name === 'CancelledError' ||
        opts.signal?.aborted
        ? new CancelledError()
        : first;
    }
    return {
      packageId,
      file: input.out,
      sizeBytes: statSync(input.out).size,
      digest: sha256(manifestText),
      files: files.length + 2,
      counts,
      scope: { unit: scope.unit, period: scope.period, academicYearId: scope.academicYearId },
    };
  } finally {
    // The read transaction ends however the package ended (it wrote nothing; a failure to end it must
    // not hide why the package failed).
    try {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    } catch {
      // the connection is closed by the caller anyway
    }
  }
}
