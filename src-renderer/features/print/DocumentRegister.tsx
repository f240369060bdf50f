import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { DOCUMENT_KIND_LIST, type DocumentKind } from '../../../src-shared/domain/documents';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';
import { ListStates } from '../../ui/States';
import { useCall } from '../../ui/use-call';

/** Rows of the register, moved through with ↑/↓, Home/End (PageUp/PageDown by ten). */
function onRowKeys(e: KeyboardEvent<HTMLTableSectionElement>): void {
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('tr[data-document]'));
  const at = rows.indexOf(document.activeElement as HTMLElement);
  const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
  let next: number;
  if (e.key in step) next = Math.min(rows.length - 1, Math.max(0, at + (step[e.key] ?? 0)));
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = rows.length - 1;
  else return;
  e.preventDefault();
  rows[next]?.focus();
}

/**
 * The register of printed documents (issue 15, item 4): every journal, act, notices, order and transfer
 * act the person may register themselves, newest first — its number, kind, what it is about, language,
 * pages, verification code, who printed it when, and its print in the other language. A kind filter and
 * a search by number or code; `/` goes to the search, ↑/↓ through the rows, and a twin's number finds
 * the twin.
 */
export function DocumentRegister() {
  const { t } = useI18n();
  const [kind, setKind] = useState<DocumentKind | ''>('');
  const [search, setSearch] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const q = search.trim();
  const list = useCall('documents.list', {
    ...(kind ? { kind } : {}),
    ...(q ? { search: q } : {}),
  });

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && target?.tagName !== 'INPUT' && target?.tagName !== 'SELECT') {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const data = list.data;
  return (
    <div className="print-ui documents-register">
      <div className="control-bar flat">
        <label className="field-inline">
          {t('docsui.kind')}
          <select
            aria-label={t('docsui.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as DocumentKind | '')}
          >
            <option value="">{t('docsui.kind.all')}</option>
            {DOCUMENT_KIND_LIST.map((k) => (
              <option key={k} value={k}>
                {t(`docsui.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          {t('docsui.search')}
          <input
            ref={searchRef}
            aria-label={t('docsui.search')}
            value={search}
            maxLength={60}
            placeholder="АКТ-20261126-133000"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setSearch('');
            }}
          />
        </label>
        <span className="muted small">{t('docsui.keys')}</span>
      </div>
      <ListStates list={list} emptyTitle={q || kind ? t('docsui.noMatch') : t('docsui.empty')} />
      {data && data.truncated ? (
        <p className="muted" role="status">
          {t('docsui.truncated', { n: data.items.length })}
        </p>
      ) : null}
      {data && data.items.length > 0 ? (
        <table className="control-table dense" aria-label={t('docsui.tab')}>
          <thead>
            <tr>
              <th>{t('docsui.col.number')}</th>
              <th>{t('docsui.col.kind')}</th>
              <th>{t('docsui.col.subject')}</th>
              <th>{t('docsui.col.language')}</th>
              <th className="num">{t('docsui.col.pages')}</th>
              <th>{t('docsui.col.code')}</th>
              <th>{t('docsui.col.printed')}</th>
              <th>{t('docsui.col.twin')}</th>
            </tr>
          </thead>
          <tbody onKeyDown={onRowKeys}>
            {data.items.map((d) => (
              <tr key={d.id} data-document={d.number} tabIndex={0}>
                <td>
                  {d.number}
                  {d.pending ? <span className="chip pending">{t('subs.pending')}</span> : null}
                </td>
                <td>{t(`docsui.kind.${d.kind}` as MessageKey)}</td>
                <td>{d.subject?.name ?? '—'}</td>
                <td>{t(`docsui.lang.${d.locale}`)}</td>
                <td className="num">{d.pages}</td>
                <td className="codes">{d.code}</td>
                <td>
                  {formatBishkekStamp(d.printedAt)}
                  {d.printedBy ? <div className="muted small">{d.printedBy}</div> : null}
                </td>
                <td>
                  {d.twin ? (
                    <button
                      type="button"
                      className="btn small"
                      title={t('docsui.findTwin')}
                      onClick={() => setSearch(d.twin?.number ?? '')}
                    >
                      {d.twin.number}
                    </button>
                  ) : (
                    '—'
                  )}
                  {d.twin && !d.twin.registered ? (
                    <div className="muted small">{t('docsui.twinMissing')}</div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
