import { useState } from 'react';
import { useI18n } from '../../i18n/I18n';

/** A package digest in full, monospace, with a button that copies it. */
export function Digest({ value }: { value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <span className="digest">
      <code data-digest={value}>{value}</code>{' '}
      <button
        type="button"
        className="btn small"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(
            () => setCopied(true),
            () => undefined,
          );
        }}
      >
        {copied ? t('archiveui.copied') : t('archiveui.copy')}
      </button>
    </span>
  );
}
