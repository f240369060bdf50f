import { app } from 'electron';
import electronUpdater from 'electron-updater';

/**
 * Updates through electron-updater from the feed in electron-builder.yml. Only in a packaged app;
 * failures (offline PCs are normal here) are logged, never shown as errors.
 */
export function setupUpdater(): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.on('error', (err) => console.error(`update check failed: ${err.message}`));
  void autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => {
    console.error(`update check failed: ${err instanceof Error ? err.message : String(err)}`);
  });
}
