import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { DIGEST_FILE, MANIFEST } from '../../src-main/archive/package';
import { eachEntry, readAll } from '../../src-main/archive/zip-read';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A package rewritten the way a forger would (issue 15, item 3): one mark in `data/marks.ndjson` gets
 * another grade, its size and SHA-256 are recomputed in manifest.json and the manifest's digest in
 * manifest.sha256 — so every check inside the package passes, and only the archive register can tell.
 * Entries keep their order. Returns the new digest.
 */
export async function rewritePackage(from: string, to: string): Promise<{ digest: string }> {
  const entries: Array<{ path: string; bytes: Buffer }> = [];
  await eachEntry(from, async (e) => {
    entries.push({ path: e.path, bytes: await readAll(await e.open()) });
  });
  const byPath = (path: string) => {
    const e = entries.find((x) => x.path === path);
    if (!e) throw new Error(`${from}: no ${path}`);
    return e;
  };
  const data = byPath('data/marks.ndjson');
  const text = data.bytes.toString('utf8');
  const m = /"grade":([2-5])/.exec(text);
  if (!m) throw new Error(`${from}: no graded mark to rewrite`);
  const changed = `"grade":${m[1] === '5' ? '2' : '5'}`;
  data.bytes = Buffer.from(text.slice(0, m.index) + changed + text.slice(m.index + m[0].length), 'utf8');

  const manifestEntry = byPath(MANIFEST);
  const manifest = JSON.parse(manifestEntry.bytes.toString('utf8')) as {
    files: Array<{ path: string; size: number; sha256: string }>;
  };
  const listed = manifest.files.find((f) => f.path === data.path);
  if (!listed) throw new Error(`${from}: the manifest does not list ${data.path}`);
  listed.size = data.bytes.length;
  listed.sha256 = sha256(data.bytes);
  manifestEntry.bytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
  const digest = sha256(manifestEntry.bytes);
  byPath(DIGEST_FILE).bytes = Buffer.from(`${digest}  ${MANIFEST}\n`, 'utf8');

  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.bytes, e.path);
  zip.end();
  await pipeline(zip.outputStream as Readable, createWriteStream(to, { flags: 'wx' }));
  return { digest };
}
