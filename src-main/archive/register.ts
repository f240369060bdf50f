import { sql } from 'drizzle-orm';
import type { PackageView } from '../../src-shared/contract/archive.contract';
import { canArchive, type RoleGrant } from '../../src-shared/domain/roles';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { formatNumber } from '../../src-shared/i18n/format';
import type { Db } from '../db/open';
import { commitLocal, type LocalActor } from '../db/write-path';
import { documentFrame, documentNumber, PdfWriter, stamp, type FinishedDocument } from '../print/pdf';
import type { PackageResult } from './package';
import { unitFacts } from './scope';

/**
 * The archive register (issue 7): every package made on this PC is entered with its digest through
 * the one write path (synced to the centre as `archive.registered`); a package found whole with the
 * registered digest is recorded verified (`archive.verified`); the transfer act prints the digest.
 */

type Actor = LocalActor;

/** Enter a finished package in the register. */
export function registerPackage(db: Db, actor: Actor, r: PackageResult, fileName: string): void {
  const args = {
    packageId: r.packageId,
    unitKind: r.scope.unit.kind,
    unitId: r.scope.unit.id,
    periodKind: r.scope.period.kind,
    periodId: r.scope.period.id,
    academicYearId: r.scope.academicYearId,
    fileName,
    sizeBytes: r.sizeBytes,
    digest: r.digest,
    counts: r.counts,
  };
  commitLocal(db, actor, [{ name: 'archive.registered', args }]);
}

/** Record a registered package verified whole now. */
export function recordVerified(db: Db, actor: Actor, packageId: string, digest: string): void {
  commitLocal(db, actor, [{ name: 'archive.verified', args: { packageId, digest } }]);
}

type Row = {
  id: string;
  unitKind: PackageView['unit']['kind'];
  unitId: number | null;
  periodKind: 'semester' | 'year';
  periodId: number;
  academicYearId: number;
  fileName: string;
  sizeBytes: number;
  digest: string;
  counts: string;
  madeAt: number;
  madeBy: string | null;
  verifiedAt: number | null;
  verifiedBy: string | null;
  pending: number;
  year: string | null;
  semester: number | null;
};

/** The register's packages the caller may see, newest first. */
export function listPackages(db: Db, grants: readonly RoleGrant[], id?: string): PackageView[] {
  const rows =
    db.all<Row>(sql`SELECT p.id, p.unit_kind AS unitKind, p.unit_id AS unitId, p.period_kind AS periodKind,
      p.period_id AS periodId, p.academic_year_id AS academicYearId, p.file_name AS fileName, p.size_bytes AS sizeBytes,
      p.digest, p.counts, p.made_at AS madeAt, mu.display_name AS madeBy, p.verified_at AS verifiedAt,
      vu.display_name AS verifiedBy,
      EXISTS (SELECT 1 FROM outbox x WHERE x.name LIKE 'archive.%' AND x.acked_seq IS NULL
        AND json_extract(x.args, '$.packageId') = p.id) AS pending,
      y.name AS year, s.number AS semester
    FROM archive_packages p LEFT JOIN users mu ON mu.id = p.made_by LEFT JOIN users vu ON vu.id = p.verified_by
    LEFT JOIN academic_years y ON y.id = p.academic_year_id
    LEFT JOIN semesters s ON p.period_kind = 'semester' AND s.id = p.period_id
    WHERE ${id === undefined ? sql`1 = 1` : sql`p.id = ${id}`}
    ORDER BY p.made_at DESC, p.id`);
  const out: PackageView[] = [];
  for (const r of rows) {
    const unit = { kind: r.unitKind, id: r.unitId };
    const facts = unitFacts(db, unit);
    if (!facts || !canArchive(grants, facts.target, 'view')) continue;
    out.push({
      id: r.id,
      unit,
      unitName: facts.name,
      period: { kind: r.periodKind, id: r.periodId },
      periodName: r.periodKind === 'year' ? (r.year ?? '') : `${r.year ?? ''}, ${r.semester ?? ''}`,
      academicYearId: r.academicYearId,
      fileName: r.fileName,
      sizeBytes: r.sizeBytes,
      digest: r.digest,
      counts: JSON.parse(r.counts) as Record<string, number>,
      madeAt: r.madeAt,
      madeBy: r.madeBy,
      verifiedAt: r.verifiedAt,
      verifiedBy: r.verifiedBy,
      pending: r.pending === 1,
    });
  }
  return out;
}

/** The transfer act (акт приёма-передачи) of a package: what is handed over, its digest, signatures. */
export async function transferActPdf(
  p: PackageView,
  ctx: { locale: Locale; now: number; by: string },
): Promise<FinishedDocument & { number: string }> {
  const t = (k: MessageKey, params?: Record<string, string | number>) => translate(ctx.locale, k, params);
  const number = documentNumber('АРХ', ctx.now);
  const pdf = await PdfWriter.create('portrait', {
    title: t('archive.act.title'),
    author: ctx.by,
    now: ctx.now,
  });
  pdf.text(t('doc.university'), { size: 9, color: 'grey' });
  pdf.text(t('archive.act.title'), { size: 14, bold: true, gap: 8 });
  pdf.text(t('archive.act.basis'), { size: 9, color: 'grey', gap: 8 });
  pdf.text(t('archive.act.unit', { unit: p.unitName[ctx.locale] }));
  pdf.text(t('archive.act.period', { period: p.periodName }));
  pdf.text(t('archive.act.file', { file: p.fileName, size: formatNumber(p.sizeBytes) }));
  pdf.text(t('archive.act.made', { time: stamp(p.madeAt), by: p.madeBy ?? '—' }), { gap: 8 });
  pdf.text(t('archive.act.digest'), { bold: true });
  pdf.text(p.digest.slice(0, 32), { size: 11 });
  pdf.text(p.digest.slice(32), { size: 11, gap: 8 });
  pdf.text(
    p.verifiedAt !== null
      ? t('archive.act.verified', { time: stamp(p.verifiedAt), by: p.verifiedBy ?? '—' })
      : t('archive.act.notVerified'),
    { gap: 8 },
  );
  pdf.text(t('archive.act.counts'), { bold: true, size: 11 });
  pdf.table(
    [
      { header: t('archive.act.col.table'), width: 70 },
      { header: t('archive.act.col.rows'), width: 30, align: 'right' },
    ],
    Object.entries(p.counts)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => [table, formatNumber(n)]),
  );
  pdf.text(t('archive.act.howToCheck'), { size: 9, color: 'grey', gap: 8 });
  pdf.signatures(
    [{ role: t('archive.act.handed'), name: ctx.by }, { role: t('archive.act.received') }],
    t('doc.date'),
  );
  return { ...(await pdf.finish(documentFrame(ctx.locale, ctx.now, number))), number };
}
