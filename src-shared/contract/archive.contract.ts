import { z } from 'zod';
import { PURGE_REFUSALS } from '../domain/retention';
import { id, isoDate, method } from './common';

/**
 * Archive packages, the archive register and the retention register (issue 7; regulation §1.7, §4.1,
 * §5.6, §5.7): a verifiable ZIP of a unit and period, verified against the digest registered outside it,
 * opened into a read-only replica years later; when records fall due and where each paper journal is;
 * the purge of expired records, requested after a verified package exists and carried out centrally.
 */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const names = z.object({ ru: z.string(), ky: z.string() });
export const archiveUnit = z.object({
  kind: z.enum(['university', 'faculty', 'department', 'group']),
  id: id.nullable(),
});
export type ArchiveUnit = z.infer<typeof archiveUnit>;
export const archivePeriod = z.object({ kind: z.enum(['semester', 'year']), id });
export type ArchivePeriod = z.infer<typeof archivePeriod>;
/** A path on this PC (the backend and the window are on the same machine, also in web mode). */
const localPath = z.string().trim().min(1).max(1000);
/**
 * A package file by its name in the app's archive folder (issue 14): no folder separators, no `..`,
 * ending in `.zip` — the API never takes a path to read or write a package.
 */
export const packageName = z
  .string()
  .min(5)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.zip$/)
  .refine((s) => !s.includes('..'));
/** A one-time grant of a file chosen in the desktop's own dialog (`archive.pick`). */
const fileGrant = z.string().regex(/^[\w-]{16,64}$/);
/** Which package: a name in the archive folder, or a dialog's grant — exactly one. */
const packageRefShape = { name: packageName.optional(), grant: fileGrant.optional() };
const oneRef = (x: { name?: string; grant?: string }) => (x.name === undefined) !== (x.grant === undefined);
const packageRef = z
  .object(packageRefShape)
  .strict()
  .refine(oneRef, { message: 'name or grant', path: ['name'] });

/**
 * Where a package's digest stands in the archive register (issue 15, item 3): 'matches' — it is the
 * registered one; 'differs' — the package's id is registered with another digest (the package was
 * rewritten after it was registered); 'not_registered' — neither its digest nor its id is there.
 */
export const registerStandingKind = z.enum(['matches', 'differs', 'not_registered']);
export type RegisterStandingKind = z.infer<typeof registerStandingKind>;

export const archiveJobView = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** What is being written now, e.g. 'data', 'excel', 'pdf', 'manifest'. */
  stage: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  error: z.string().nullable(),
  result: z
    .object({
      packageId: uuid,
      file: z.string(),
      sizeBytes: z.number().int(),
      digest: z.string(),
      files: z.number().int(),
      counts: z.record(z.string(), z.number().int()),
    })
    .nullable(),
});
export type ArchiveJobView = z.infer<typeof archiveJobView>;

export const packageView = z.object({
  id: uuid,
  unit: archiveUnit,
  unitName: names,
  period: archivePeriod,
  periodName: z.string(),
  academicYearId: id,
  fileName: z.string(),
  sizeBytes: z.number().int(),
  digest: z.string(),
  counts: z.record(z.string(), z.number().int()),
  madeAt: z.number().int(),
  madeBy: z.string().nullable(),
  verifiedAt: z.number().int().nullable(),
  verifiedBy: z.string().nullable(),
  /** Not yet confirmed by the centre. */
  pending: z.boolean(),
});
export type PackageView = z.infer<typeof packageView>;

export const verifyReport = z.object({
  /**
   * Every file present, none extra, none altered, the manifest's digest right — and that digest the
   * one entered in the archive register (issue 15, item 3: a digest inside a package proves nothing
   * alone, anyone can recompute it).
   */
  whole: z.boolean(),
  digest: z.string().nullable(),
  problems: z.array(
    z.object({
      /**
       * A file's problem, or the register's: 'rewritten' — the package's id is registered with another
       * digest; 'unregistered' — its digest is not in the register (both name manifest.sha256).
       */
      kind: z.enum([
        'missing',
        'extra',
        'altered',
        'digest',
        'manifest',
        'not_a_package',
        'rewritten',
        'unregistered',
      ]),
      file: z.string().nullable(),
    }),
  ),
  /** Whether the package's digest is in the archive register (and the entry's id). */
  registered: registerStandingKind,
  packageId: uuid.nullable(),
  /** The register now records the package verified (whole and registered, by an archivist of its unit). */
  recorded: z.boolean(),
  files: z.number().int(),
});
export type VerifyReport = z.infer<typeof verifyReport>;

/** One row of the retention register: an academic year of an archive unit. */
export const retentionRow = z.object({
  academicYearId: id,
  name: z.string(),
  endsOn: isoDate,
  /** The last day the electronic records are kept: five years after the year ends (§1.7). */
  keptUntil: isoDate,
  /** The first day they may be purged. */
  electronicDueOn: isoDate,
  electronicDue: z.boolean(),
  unit: archiveUnit,
  unitName: names,
  /** Registered packages of this year and unit (year packages or semester ones), verified or not. */
  packages: z.array(
    z.object({
      id: uuid,
      digest: z.string(),
      verified: z.boolean(),
      period: archivePeriod.shape.kind,
      /** The semester's number for a semester package. */
      semester: z.number().int().nullable(),
      /** Not yet confirmed by the centre. */
      pending: z.boolean(),
    }),
  ),
  /** The verified package(s) covering the year (a year package, or every semester's); a purge names the first. */
  coverPackageId: uuid.nullable(),
  purge: z
    .object({
      id: uuid,
      requestedAt: z.number().int(),
      /** Set by the centre when carried out (through sync); null while the request waits for AVN. */
      purgedAt: z.number().int().nullable(),
      counts: z.record(z.string(), z.number().int()).nullable(),
    })
    .nullable(),
  /** Whether the caller may request the purge now (an archivist of the unit, and no refusal). */
  purgeable: z.boolean(),
  /** Why a purge may not be requested now (null when it may). */
  refusal: z.enum(PURGE_REFUSALS).nullable(),
  paper: z.object({
    total: z.number().int(),
    inDeanery: z.number().int(),
    inArchive: z.number().int(),
    /** In the deanery for over a year (§5.6): due for the archive. */
    dueForArchive: z.number().int(),
  }),
});
export type RetentionRow = z.infer<typeof retentionRow>;

export const archiveContract = {
  /** What the caller may package: units of their scope and the periods in the replica. */
  'archive.options': method({
    input: z.object({}).strict(),
    output: z.object({
      units: z.array(z.object({ kind: archiveUnit.shape.kind, id: id.nullable(), name: names })),
      periods: z.array(
        z.object({ kind: archivePeriod.shape.kind, id, name: z.string(), current: z.boolean() }),
      ),
      /** The app's archive folder: where packages are written, and read from by name. */
      folder: z.string(),
      /** The packages in that folder, newest first (names only). */
      files: z.array(z.string()),
      /** Whether the desktop's own file dialog can choose a file elsewhere (not in web mode). */
      dialog: z.boolean(),
    }),
  }),
  /**
   * The desktop's own file dialog (issue 14): the person chooses a package to read ('open') or where to
   * save a new one ('save'); the backend keeps the path and answers a one-time grant that
   * `archive.start`, `archive.verify` and `archive.open` accept. Null when the dialog was cancelled;
   * DIALOG_UNAVAILABLE in web mode.
   */
  'archive.pick': method({
    input: z.object({ mode: z.enum(['open', 'save']), suggested: packageName.optional() }).strict(),
    output: z.object({ grant: fileGrant.nullable(), name: z.string().nullable() }),
  }),
  /**
   * Start making a package of a unit and period (the current semester when no period is given), into
   * the archive folder — as `name` (never over an existing file), or a fresh name of its own — or into
   * the file a dialog's `grant` names.
   */
  'archive.start': method({
    input: z
      .object({
        unit: archiveUnit,
        period: archivePeriod.optional(),
        name: packageName.optional(),
        grant: fileGrant.optional(),
      })
      .strict()
      .refine((x) => x.name === undefined || x.grant === undefined, {
        message: 'name or grant',
        path: ['name'],
      }),
    output: archiveJobView,
    writes: true,
  }),
  'archive.job': method({
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: archiveJobView,
  }),
  'archive.cancel': method({
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: archiveJobView,
  }),
  /** The archive register: the packages of the caller's scope, newest first. */
  'archive.list': method({
    input: z.object({}).strict(),
    output: z.object({ items: z.array(packageView) }),
  }),
  /** Verify a package file: every missing, extra or altered file, the digest, and the register. */
  'archive.verify': method({
    input: packageRef,
    output: verifyReport,
  }),
  /** The transfer act (акт приёма-передачи) of a registered package, with its digest, as a PDF. */
  'archive.transferAct': method({
    input: z.object({ packageId: uuid }).strict(),
    output: z.object({ fileName: z.string(), mime: z.string(), base64: z.string() }),
  }),
  /**
   * Load a whole package into a separate, read-only replica on this PC (kept under archives/). A
   * package whose digest is not the registered one is refused with PACKAGE_UNREGISTERED (params:
   * `registered`) unless `force` — the person confirmed it — and the replica then remembers it
   * (`app.info`'s `archive.registered`). A dialog's grant refused for the register alone stays usable
   * for that confirmed open.
   */
  'archive.open': method({
    input: z
      .object({ ...packageRefShape, force: z.boolean().optional() })
      .strict()
      .refine(oneRef, { message: 'name or grant', path: ['name'] }),
    output: z.object({
      replica: z.string(),
      digest: z.string(),
      counts: z.record(z.string(), z.number().int()),
      /** How the package stood in the register when it was opened ('matches' unless forced). */
      registered: registerStandingKind,
    }),
  }),
  /**
   * Browse an opened archive replica in this app instead of the working replica (read-only; everyone
   * logs in again, with the passwords of the working replica). Only replicas under archives/.
   */
  'archive.browse': method({
    input: z.object({ replica: localPath }).strict(),
    output: z.object({}),
  }),
  /** Back from an archive replica to the working one (anyone: it only closes the archive). */
  'archive.leave': method({
    input: z.object({}).strict(),
    output: z.object({}),
  }),
  /**
   * The retention register (§1.7, §5.6, §5.7): per academic year (every one the reference table holds)
   * and archive unit of the caller, when the electronic records fall due, the packages of them, the
   * purge, and where that year's paper journals are. `due: true` lists only rows with something due.
   */
  'retention.register': method({
    input: z.object({ due: z.boolean().default(false) }).strict(),
    output: z.object({
      years: z.array(retentionRow),
      /** Rows with something due (electronic records not purged, or paper for the archive), whatever the filter. */
      due: z.number().int(),
    }),
  }),
  /** Request the purge of an academic year's expired records of a unit; carried out by the gateway. */
  'retention.purge': method({
    input: z
      .object({
        academicYearId: id,
        unit: archiveUnit,
        packageId: uuid,
        /** The archivist's confirmation, typed in the dialog (the year's name). */
        confirm: z.string().trim().min(1).max(40),
      })
      .strict(),
    output: z.object({ purgeId: uuid }),
    writes: true,
  }),
};
