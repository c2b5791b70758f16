// AppState lifecycle: $AppStart when the app becomes active, $AppEnd with $event_duration (ms
// in foreground) and a flush when it goes to background. Never blocks the state change.
import type { AppStateLike, AppStateStatus } from './adapters.ts';

export interface LifecycleHooks {
  track(event: string, props?: Record<string, number>): void;
  flush(): void;
  now(): number;
}

/**
 * Subscribes to AppState; returns the unsubscribe function.
 * @example const stop = trackAppLifecycle(AppState, hooks);
 */
export function trackAppLifecycle(appState: AppStateLike, hooks: LifecycleHooks): () => void {
  let startedAt: number | null = null;
  const start = () => {
    startedAt = hooks.now();
    hooks.track('$AppStart');
  };
  if (appState.currentState === 'active' || appState.currentState == null) start();
  const sub = appState.addEventListener('change', (state: AppStateStatus) => {
    try {
      if (state === 'active' && startedAt === null) start();
      else if (state === 'background' && startedAt !== null) {
        hooks.track('$AppEnd', { $event_duration: hooks.now() - startedAt });
        startedAt = null;
        hooks.flush();
      }
    } catch {
      // Lifecycle tracking must never break the app's state handling.
    }
  });
  return () => sub.remove();
}
