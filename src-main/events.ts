/**
 * Pushes from the backend to the UI (`api:event` in Electron, server-sent events in web mode):
 * progress of long jobs, sync state. A tiny typed bus; transports subscribe.
 */
export type AppEvent = { name: string; payload: unknown };

export class EventBus {
  private readonly listeners = new Set<(e: AppEvent) => void>();

  emit(name: string, payload: unknown): void {
    for (const l of this.listeners) l({ name, payload });
  }

  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
