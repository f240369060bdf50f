import { useEffect, useMemo, useRef, useState } from 'react';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';
import { onListKeyDown } from '../../ui/list-keys';
import { LockIcon } from '../../ui/icons';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { JournalView } from './JournalView';

/** The journal viewer: group → offering → the grid of students × lessons. "/" jumps to the group search. */
export function JournalScreen() {
  const { t, locale } = useI18n();
  const groups = useCall('journal.groups', {});
  const [search, setSearch] = useState('');
  const [groupId, setGroupId] = useState<number | null>(null);
  const [offeringId, setOfferingId] = useState<number | null>(null);
  const offerings = useCall('journal.offerings', groupId === null ? null : { groupId });
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && target?.tagName !== 'INPUT') {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const filtered = useMemo(() => {
    const q = search.trim().toLocaleLowerCase('ru');
    return (groups.data ?? []).filter((g) => !q || g.code.toLocaleLowerCase('ru').includes(q));
  }, [groups.data, search]);

  return (
    <div className="journal">
      <section className="pane groups-pane" aria-label={t('journal.groups')}>
        <div className="pane-head">
          <h2>{t('journal.groups')}</h2>
          <input
            ref={searchRef}
            className="search"
            type="search"
            placeholder={`${t('journal.searchGroups')}  /`}
            aria-label={t('journal.searchGroups')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                document.querySelector<HTMLElement>('.groups-pane [data-nav-item]')?.focus();
              }
            }}
          />
        </div>
        {groups.loading ? <Loading /> : null}
        {groups.error ? <ErrorState error={groups.error} onRetry={groups.reload} /> : null}
        {groups.data && groups.data.length === 0 ? <EmptyState title={t('journal.noGroups')} /> : null}
        {groups.data && groups.data.length > 0 && filtered.length === 0 ? (
          <EmptyState title={t('journal.noGroupsMatch', { q: search })} />
        ) : null}
        <ul className="list" onKeyDown={onListKeyDown}>
          {filtered.map((g, i) => (
            <li key={g.id}>
              {i === 0 || filtered[i - 1]?.faculty.id !== g.faculty.id ? (
                <div className="list-section">{g.faculty.code}</div>
              ) : null}
              <button
                type="button"
                data-nav-item
                data-group={g.id}
                className={g.id === groupId ? 'list-item on' : 'list-item'}
                onClick={() => {
                  setGroupId(g.id);
                  setOfferingId(null);
                }}
              >
                <span className="li-main">{g.code}</span>
                <span className="li-meta">{t('journal.students', { count: g.students })}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="pane offerings-pane" aria-label={t('journal.offerings')}>
        <div className="pane-head">
          <h2>
            {offerings.data
              ? `${t('journal.offerings')} · ${offerings.data.group.code}`
              : t('journal.offerings')}
          </h2>
        </div>
        {groupId === null ? <EmptyState title={t('journal.selectGroup')} /> : null}
        {offerings.loading ? <Loading /> : null}
        {offerings.error ? <ErrorState error={offerings.error} onRetry={offerings.reload} /> : null}
        {offerings.data && offerings.data.offerings.length === 0 ? (
          <EmptyState title={t('journal.noOfferings')} />
        ) : null}
        <ul className="list" onKeyDown={onListKeyDown}>
          {(offerings.data?.offerings ?? []).map((o) => (
            <li key={o.id}>
              <button
                type="button"
                data-nav-item
                data-offering={o.id}
                className={o.id === offeringId ? 'list-item on' : 'list-item'}
                onClick={() => setOfferingId(o.id)}
              >
                <span className="li-main">
                  {locale === 'ky' ? o.discipline.ky : o.discipline.ru}
                  {o.locked ? (
                    <span className="lock-badge">
                      <LockIcon title={t('journal.lockedShort')} />
                    </span>
                  ) : null}
                </span>
                <span className="li-meta">
                  {t(`kind.${o.kind}.short` as MessageKey)}
                  {o.subgroup ? ` · ${t('journal.subgroup')} ${o.subgroup.name}` : ''} · {o.teacher.name} ·{' '}
                  {t('journal.lessons', { count: o.lessons })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="pane grid-pane">
        {offeringId === null ? (
          <EmptyState title={groupId === null ? t('journal.selectGroup') : t('journal.selectOffering')} />
        ) : (
          <JournalView key={offeringId} offeringId={offeringId} />
        )}
      </section>
    </div>
  );
}
