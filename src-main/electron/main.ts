import { app, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CallEnvelope } from '../../src-shared/contract/errors';
import { boot, type App } from '../boot';
import { PRODUCT_NAME, userDataDir } from '../paths';
import { SYNC_INTERVAL_MS } from '../sync/engine';
import { printPdfFile } from './print';
import { safeStorageSecrets } from './secrets';
import { setupUpdater } from './updater';
import { createMainWindow, RENDERER_INDEX } from './window';

/**
 * The desktop entry: one composition root (boot.ts), one `api:call` channel to dispatch, `api:event`
 * for pushes. Calls are accepted only from our own renderer's main frame.
 */
const rendererUrl = pathToFileURL(RENDERER_INDEX).href;

function fromOurRenderer(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && frame.url.split('#')[0] === rendererUrl;
}

function start(): void {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { db: { type: 'string' } },
    strict: false,
  });
  app.setName(PRODUCT_NAME);
  app.setPath('userData', userDataDir());
  let backend: App | null = null;

  ipcMain.handle('api:call', async (event, envelope: CallEnvelope) => {
    if (!fromOurRenderer(event)) throw new Error('api:call from an unexpected frame');
    if (!backend) throw new Error('backend not started');
    return backend.dispatch(envelope);
  });

  void app.whenReady().then(() => {
    // No permission prompts: the app needs none of camera, location, notifications…
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    backend = boot({
      dbPath: typeof values.db === 'string' ? values.db : join(userDataDir(), 'replica.db'),
      secrets: safeStorageSecrets,
      printPdf: printPdfFile,
    });
    backend.deps.sync.start(SYNC_INTERVAL_MS);
    const win = createMainWindow(PRODUCT_NAME);
    backend.events.subscribe((e) => {
      if (!win.isDestroyed()) win.webContents.send('api:event', e);
    });
    setupUpdater();
  });

  app.on('window-all-closed', () => {
    backend?.close();
    app.quit();
  });
}

if (!app.requestSingleInstanceLock()) app.quit();
else start();
