import { app } from 'electron';
import electronUpdater from 'electron-updater';

/**
 * Updates through electron-updater from the feed in electron-builder.yml. Only in a packaged app;
 * failures (offline PCs are normal here) are logged, never shown as errors. A downloaded update is
 * installed when the app quits; the `pre-update` backup of the replica (issue 7) is taken as soon as
 * the download is complete, so it exists before the new version's migrations run.
 */
export function setupUpdater(backupBeforeUpdate: () => Promise<unknown>): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('update-downloaded', (info: { version: string }) => {
    void backupBeforeUpdate().then(
      () => console.error(`update ${info.version} downloaded; replica backed up (pre-update)`),
      (err: unknown) =>
        console.error(`the pre-update backup failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  autoUpdater.on('error', (err) => console.error(`update check failed: ${err.message}`));
  void autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => {
    console.error(`update check failed: ${err instanceof Error ? err.message : String(err)}`);
  });
}
