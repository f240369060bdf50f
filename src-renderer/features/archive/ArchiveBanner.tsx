import type { Output } from '../../../src-shared/contract';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { useAction } from '../../ui/use-action';

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
 * replica — every write answers READ_ONLY. A package opened although its digest is not the registered
 * one (issue 15, item 3) says so here too, on every screen.
 */
export function ArchiveBanner({
  archive,
  onLeft,
}: {
  archive: ArchiveInfo;
  onLeft: (notice: string) => void;
}) {
  const text = useArchiveText();
  return (
    <div
      className={unregistered(archive) ? 'archive-banner unregistered' : 'archive-banner'}
      role="note"
      title={`SHA-256 ${archive.digest}`}
    >
      <div className="archive-banner-text">
        <span>{text(archive, 'archiveui.banner')}</span>
        <UnregisteredNote archive={archive} />
      </div>
      <LeaveArchive onLeft={onLeft} />
    </div>
  );
}

/** Whether the replica was opened from a package whose digest is not the registered one. */
export function unregistered(a: ArchiveInfo): boolean {
  return a.registered === 'differs' || a.registered === 'not_registered';
}

/** «Пакет не совпадает с реестром архива…» for a package opened on a confirmation; nothing otherwise. */
export function UnregisteredNote({ archive }: { archive: ArchiveInfo }) {
  const { t } = useI18n();
  const r = archive.registered;
  if (r !== 'differs' && r !== 'not_registered') return null;
  return (
    <strong className="archive-unregistered" data-registered={r}>
      {t(`archiveui.unregistered.${r}`)}
    </strong>
  );
}

/** «Вернуться к рабочей реплике»: close the archive; everyone logs in to the working replica again. */
export function LeaveArchive({ onLeft }: { onLeft: (notice: string) => void }) {
  const { t } = useI18n();
  const action = useAction();
  return (
    <button
      type="button"
      className="btn"
      disabled={action.busy}
      title={action.error?.message}
      onClick={() =>
        action.run(
          () => call('archive.leave', {}),
          () => onLeft(t('archiveui.left')),
        )
      }
    >
      {t('archiveui.leave')}
    </button>
  );
}
