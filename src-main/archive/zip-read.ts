import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * Reading a package's ZIP a file at a time (yauzl, lazily: one entry's stream open at a time), so
 * verifying and opening a package of any size takes bounded memory.
 */

export type ZipEntry = { path: string; open: () => Promise<Readable> };

/** Call `each` for every entry in order; it must consume (or ignore) the entry before returning. */
export function eachEntry(file: string, each: (entry: ZipEntry) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false },
      (err, zip) => {
        if (err || !zip) {
          reject(err ?? new Error('cannot open the ZIP'));
          return;
        }
        let failed = false;
        zip.on('error', (e: Error) => {
          failed = true;
          zip.close();
          reject(e);
        });
        zip.on('end', () => {
          if (!failed) resolve();
        });
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.fileName.endsWith('/')) {
            zip.readEntry();
            return;
          }
          const open = () =>
            new Promise<Readable>((res, rej) =>
              zip.openReadStream(entry, (e, stream) =>
                e || !stream ? rej(e ?? new Error('no stream')) : res(stream),
              ),
            );
          each({ path: entry.fileName, open }).then(
            () => zip.readEntry(),
            (e: unknown) => {
              failed = true;
              zip.close();
              reject(e instanceof Error ? e : new Error(String(e)));
            },
          );
        });
        zip.readEntry();
      },
    );
  });
}

/** Read a whole (small) entry into a buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
