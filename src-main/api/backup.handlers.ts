import { contract, isMethodName } from '../../src-shared/contract';
import type { BackupDto } from '../../src-shared/contract/backup.contract';
import { AppError } from '../../src-shared/contract/errors';
import { isLocale, type Locale } from '../../src-shared/i18n/translate';
import {
  createBackup,
  listBackups,
  rotateBackups,
  type BackupInfo,
  type Damage,
  type RestoreResult,
} from '../db/backup';
import type { Deps, Handlers } from './context';
import { inputError, toApiError, type Dispatch } from './dispatch';

const dto = (b: BackupInfo): BackupDto => ({ name: b.name, time: b.time, kind: b.kind, size: b.size });

/** Backups and restore of the local replica: the admin's, on this PC (DOMAIN.md, Roles). */
export function backupHandlers(
  d: Deps,
): Pick<Handlers, 'backup.status' | 'backup.list' | 'backup.create' | 'backup.restore'> {
  return {
    // The replica is open and passed its check (a damaged one is answered by makeDamagedDispatch).
    'backup.status': () => ({ damaged: false, messages: [], offer: null }),
    'backup.list': () => ({ dir: d.backups.dir, backups: listBackups(d.backups.dir).map(dto) }),
    'backup.create': async () => {
      const now = d.backups.now();
      const made = await createBackup(d.db.$client, d.backups.dir, 'manual', now);
      rotateBackups(d.backups.dir, now);
      return dto(made);
    },
    'backup.restore': async (input) => {
      const chosen = listBackups(d.backups.dir).find((b) => b.name === input.name);
      if (!chosen) throw new AppError('NOT_FOUND', {}, 'name');
      const r = await d.backups.restore(chosen.file);
      return { restored: dto(chosen), preRestore: r.preRestore ? dto(r.preRestore) : null };
    },
  };
}

export type DamagedState = {
  damage: () => Damage | null;
  restore: (backupFile: string) => Promise<RestoreResult>;
  log?: (message: string) => void;
};

/**
 * The door of a backend whose replica is damaged (issue 7): the replica's tables — its accounts among
 * them — cannot be read, so nobody can log in, and no role can be checked. Only two methods answer:
 * `backup.status` (the damage and the restore offer) and `backup.restore` of exactly the offered
 * backup, the newest that passes its own integrity check, without a session. Every other method says
 * REPLICA_DAMAGED. Once the replica is restored, the normal dispatch with its roles takes over.
 */
export function makeDamagedDispatch(state: DamagedState): Dispatch {
  const log = state.log ?? (() => undefined);
  return async (envelope) => {
    const locale: Locale = isLocale(envelope.locale) ? envelope.locale : 'ru';
    const method = typeof envelope.method === 'string' ? envelope.method : '';
    try {
      if (!isMethodName(method)) throw new AppError('UNKNOWN_METHOD', { method: method.slice(0, 80) });
      if (method !== 'backup.status' && method !== 'backup.restore') throw new AppError('REPLICA_DAMAGED');
      const parsed = contract[method].input.safeParse(envelope.input ?? {});
      if (!parsed.success) throw inputError(parsed.error, locale, envelope.input ?? {});
      const damage = state.damage();
      if (!damage) throw new AppError('BACKUP_BUSY');
      if (method === 'backup.status') {
        const value = {
          damaged: true,
          messages: damage.messages,
          offer: damage.offer ? dto(damage.offer) : null,
        };
        return { ok: true, value: contract[method].output.parse(value) };
      }
      const offer = damage.offer;
      const name = (parsed.data as { name: string }).name;
      if (!offer || offer.name !== name) throw new AppError('NOT_FOUND', {}, 'name');
      const r = await state.restore(offer.file);
      const value = { restored: dto(offer), preRestore: r.preRestore ? dto(r.preRestore) : null };
      return { ok: true, value: contract[method].output.parse(value) };
    } catch (err) {
      return { ok: false, error: toApiError(err, locale, log, method) };
    }
  };
}
