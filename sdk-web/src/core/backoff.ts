// Retry delay: exponential backoff with full jitter, so a fleet of phones coming back online
// does not hammer the collector in lockstep. Pure function; never sleeps.

/**
 * Delay before retry number `attempt` (1-based): random in [base*2^(n-1)/2, base*2^(n-1)], capped.
 * A server `Retry-After` wins when it is longer.
 * @example backoffDelay(3, 1000, 300_000, Math.random) // between 2000 and 4000
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.max(Math.round(jittered), Math.min(retryAfterMs, maxMs));
}
