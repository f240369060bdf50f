import { BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';

/**
 * The desktop's own file dialog for archive packages (issue 14): the one way a package outside the
 * app's archive folder is read or written from the app. The path it returns stays in the main
 * process — the archive handlers hand the renderer only a one-time grant of it.
 */
export function pickPackageFile(folder: () => string) {
  return async (mode: 'open' | 'save', suggested: string | null): Promise<string | null> => {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    const filters = [{ name: 'ZIP', extensions: ['zip'] }];
    if (mode === 'open') {
      const options = { defaultPath: folder(), properties: ['openFile' as const], filters };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    }
    const options = { defaultPath: join(folder(), suggested ?? 'archive.zip'), filters };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
}
