import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { RegisterStandingKind, VerifyReport } from '../../src-shared/contract/archive.contract';
import type { Db } from '../db/open';
import { DIGEST_FILE, MANIFEST, PACKAGE_FORMAT, type Manifest } from './package';
import { eachEntry } from './zip-read';

/**
 * Verifying a package (issue 7): every file's size and SHA-256 against the manifest — each missing,
 * extra or altered file named — the manifest against the package digest, and the digest against the
 * archive register. The digest inside a package proves nothing on its own — anyone can change a file
 * and recompute the manifest and its digest — so the register decides (issue 15, item 3): a package is
 * whole only when its digest is the registered one (`verdict`).
 */

const manifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  formatVersion: z.number().int(),
  packageId: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
  counts: z.record(z.string(), z.number().int()),
});

export type PackageCheck = Omit<VerifyReport, 'registered' | 'packageId' | 'recorded'> & {
  manifest: Manifest | null;
};

/**
 * Check a package file on its own — every file against the manifest, the manifest against its digest —
 * with every problem. `whole` here is internal consistency only; `verdict` adds the register.
 */
export async function checkPackage(file: string): Promise<PackageCheck> {
  const seen = new Map<string, { size: number; sha256: string; bytes?: Buffer }>();
  const problems: PackageCheck['problems'] = [];
  try {
    await eachEntry(file, async (e) => {
      if (seen.has(e.path)) {
        problems.push({ kind: 'extra', file: e.path });
        return;
      }
      const h = createHash('sha256');
      let size = 0;
      const keep = e.path === MANIFEST || e.path === DIGEST_FILE;
      const chunks: Buffer[] = [];
      try {
        for await (const c of await e.open()) {
          const b = c as Buffer;
          h.update(b);
          size += b.length;
          if (keep) chunks.push(b);
        }
        seen.set(e.path, { size, sha256: h.digest('hex'), bytes: keep ? Buffer.concat(chunks) : undefined });
      } catch {
        // The entry's compressed data is damaged: it cannot be read back.
        seen.set(e.path, { size: -1, sha256: '' });
      }
    });
  } catch {
    return {
      whole: false,
      digest: null,
      problems: [{ kind: 'not_a_package', file: null }],
      files: 0,
      manifest: null,
    };
  }
  const manifestBytes = seen.get(MANIFEST)?.bytes;
  let manifest: Manifest | null = null;
  if (manifestBytes) {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
      if (parsed.success) manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    } catch {
      manifest = null;
    }
  }
  if (!manifest) {
    problems.push({ kind: manifestBytes ? 'manifest' : 'missing', file: MANIFEST });
    return { whole: false, digest: null, problems, files: seen.size, manifest: null };
  }
  const digest = createHash('sha256').update(manifestBytes!).digest('hex');
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const got = seen.get(f.path);
    if (!got) problems.push({ kind: 'missing', file: f.path });
    else if (got.size !== f.size || got.sha256 !== f.sha256) problems.push({ kind: 'altered', file: f.path });
  }
  for (const path of seen.keys())
    if (!listed.has(path) && path !== MANIFEST && path !== DIGEST_FILE)
      problems.push({ kind: 'extra', file: path });
  const stated = seen.get(DIGEST_FILE)?.bytes?.toString('utf8').trim().split(/\s+/)[0];
  if (stated === undefined) problems.push({ kind: 'missing', file: DIGEST_FILE });
  else if (stated !== digest) problems.push({ kind: 'digest', file: DIGEST_FILE });
  return { whole: problems.length === 0, digest, problems, files: seen.size, manifest };
}

export type Standing = {
  registered: RegisterStandingKind;
  packageId: string | null;
  verifiedAt: number | null;
};

/** Where a package stands in the archive register: by digest, else whether its id is there with another digest. */
export function registerStanding(db: Db, digest: string | null, packageId: string | null): Standing {
  if (digest) {
    const r = db.get<{ id: string; verifiedAt: number | null }>(
      sql`SELECT id, verified_at AS verifiedAt FROM archive_packages WHERE digest = ${digest} ORDER BY made_at DESC LIMIT 1`,
    );
    if (r) return { registered: 'matches', packageId: r.id, verifiedAt: r.verifiedAt };
  }
  if (packageId) {
    const r = db.get<{ id: string }>(sql`SELECT id FROM archive_packages WHERE id = ${packageId}`);
    if (r) return { registered: 'differs', packageId: r.id, verifiedAt: null };
  }
  return { registered: 'not_registered', packageId: null, verifiedAt: null };
}

/**
 * The register's problem with a package: 'rewritten' when its id is registered with another digest,
 * 'unregistered' when its digest is not there — or when no register could be read (`registered` null:
 * the CLI without a replica). None for a file that is no package at all (it has no digest to register).
 */
export function registerProblem(
  digest: string | null,
  registered: RegisterStandingKind | null,
): PackageCheck['problems'][number] | null {
  if (digest === null || registered === 'matches') return null;
  return { kind: registered === 'differs' ? 'rewritten' : 'unregistered', file: DIGEST_FILE };
}

/**
 * The verdict on a package: whole only when every internal check passes and its digest is the
 * registered one; the register's problem, if any, after the files' (issue 15, item 3).
 */
export function verdict(
  check: PackageCheck,
  registered: RegisterStandingKind | null,
): { whole: boolean; problems: PackageCheck['problems'] } {
  const extra = registerProblem(check.digest, registered);
  const problems = extra ? [...check.problems, extra] : check.problems;
  return { whole: check.whole && registered === 'matches', problems };
}
