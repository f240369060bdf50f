import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/**
 * The sandboxed preload (ARCHITECTURE.md, rule 5): exposes exactly two functions to the renderer —
 * `call` (one invoke channel to dispatch) and `on` (backend pushes) — never ipcRenderer itself.
 */
contextBridge.exposeInMainWorld('avn', {
  call: (envelope: unknown): Promise<unknown> => ipcRenderer.invoke('api:call', envelope),
  on: (listener: (event: { name: string; payload: unknown }) => void): (() => void) => {
    const wrapped = (_e: IpcRendererEvent, event: { name: string; payload: unknown }) => listener(event);
    ipcRenderer.on('api:event', wrapped);
    return () => ipcRenderer.removeListener('api:event', wrapped);
  },
});
