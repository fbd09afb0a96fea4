import { useSyncExternalStore } from 'react';
import { isAppError } from '../../shared/trpc';

/**
 * True when a request failed for the connection, not because the server refused it: the fetch itself failed, or the
 * answer was not the API's (a gateway's error page, a cut-off body). Such a save is kept and sent again; an answer
 * from the server (a refusal, a conflict, a server error) is not retried blindly.
 */
export function isNetworkError(error: unknown): boolean {
  if (isAppError(error)) return !error.data;
  return error instanceof TypeError;
}

/** How long to wait before the next try after `attempt` failed tries: 1 s, 2 s, 4 s, … at most 30 s. */
export function retryDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, Math.min(attempt, 10)));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Whether the browser says it is online (`navigator.onLine`, kept current by its `online`/`offline` events). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}
