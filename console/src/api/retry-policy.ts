// When the console asks again by itself after a failed query. A busy engine (503 ANALYSIS_BUSY)
// is asked again after the Retry-After it sent, a few times, so a board opened at a busy moment
// fills in without anyone pressing "retry"; a refusal of the question itself (any other 4xx, e.g.
// 422 QUERY_TOO_EXPENSIVE after a minute of work) is never repeated; anything else once.
import { ApiFailure } from './client.ts';

/** Asks after a busy answer, at most. */
export const BUSY_RETRIES = 4;
const DEFAULT_BUSY_DELAY_MS = 5_000;

const isBusy = (error: unknown): error is ApiFailure =>
  error instanceof ApiFailure && error.status === 503 && error.code === 'ANALYSIS_BUSY';

export function shouldRetry(failures: number, error: unknown): boolean {
  if (isBusy(error)) return failures < BUSY_RETRIES;
  if (error instanceof ApiFailure && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

export function retryDelayMs(failures: number, error: unknown): number {
  if (isBusy(error)) return (error.retryAfterS ?? 0) > 0 ? error.retryAfterS! * 1000 : DEFAULT_BUSY_DELAY_MS;
  // React Query's own back-off for the single retry of other failures.
  return Math.min(1000 * 2 ** failures, 30_000);
}
