import type { Output } from '../../../src-shared/contract';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { useI18n } from '../../i18n/I18n';

type ArchiveInfo = NonNullable<Output<'app.info'>['archive']>;

/** Which archive package this replica was opened from: unit, period, when it was made. */
export function useArchiveText(): (
  a: ArchiveInfo,
  key: 'archiveui.banner' | 'archiveui.loginArchive',
) => string {
  const { t, locale } = useI18n();
  return (a, key) =>
    t(key, {
      unit: a.unitName[locale],
      period: t(a.periodKind === 'semester' ? 'archiveui.semesterOption' : 'archiveui.yearOption', {
        name: a.periodName,
      }),
      at: formatBishkekStamp(a.madeAt),
    });
}

/**
 * The shell's banner on an opened archive package (issue 7): this is a read-only copy, not the working
 * replica — every write answers READ_ONLY.
 */
export function ArchiveBanner({ archive }: { archive: ArchiveInfo }) {
  const text = useArchiveText();
  return (
    <div className="archive-banner" role="note" title={`SHA-256 ${archive.digest}`}>
      {text(archive, 'archiveui.banner')}
    </div>
  );
}
