import { z } from 'zod';
import { BACKUP_KINDS } from '../domain/backups';
import { empty, method } from './common';

/** A backup of the replica as the admin sees it: its file name, when and why it was made, its size. */
export const backupDto = z.object({
  name: z.string(),
  time: z.number().int(),
  kind: z.enum(BACKUP_KINDS),
  size: z.number().int().nonnegative(),
});
export type BackupDto = z.infer<typeof backupDto>;

/** A backup's file name as listed (never a path: the backend looks it up in the replica's backup folder). */
const backupFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.-]+\.db$/);

export const backupContract = {
  /**
   * Whether the replica is damaged (its integrity check failed at start), with SQLite's first messages
   * and the newest backup that passes its own check — the restore offer of the login screen. Public: a
   * damaged replica's accounts cannot be read, so nobody could log in to see it.
   */
  'backup.status': method({
    input: empty,
    output: z.object({
      damaged: z.boolean(),
      messages: z.array(z.string()),
      offer: backupDto.nullable(),
    }),
  }),
  /** The replica's backups, newest first (DOMAIN.md, Roles: backups of the local replica — admin). */
  'backup.list': method({
    input: empty,
    output: z.object({ dir: z.string(), backups: z.array(backupDto) }),
  }),
  /** Make a backup now (kind `manual`), checked and renamed into place; rotation runs after it. */
  'backup.create': method({
    input: empty,
    output: backupDto,
    writes: true,
  }),
  /**
   * Put a backup in place of the replica: the backup is checked first, the current file is kept as a
   * `pre-restore` backup, and the backend reopens the replica — every session ends (log in again). The
   * admin's in every state; without a session only while the replica is damaged, and then only the
   * backup offered by `backup.status` (the dispatch of the damaged state enforces it).
   */
  'backup.restore': method({
    input: z.object({ name: backupFileName }).strict(),
    output: z.object({ restored: backupDto, preRestore: backupDto.nullable() }),
    writes: true,
  }),
};
