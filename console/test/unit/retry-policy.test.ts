// Which failed queries the console asks again by itself, and after how long.
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../src/api/client.ts';
import { BUSY_RETRIES, retryDelayMs, shouldRetry } from '../../src/api/retry-policy.ts';

const busy = (retryAfterS?: number) =>
  new ApiFailure(503, 'ANALYSIS_BUSY', 'Too many analyses are running', undefined, retryAfterS);

describe('retry policy', () => {
  it('asks a busy engine again after its Retry-After, a few times', () => {
    expect(BUSY_RETRIES).toBe(4);
    expect([0, 1, 2, 3, 4].map((n) => shouldRetry(n, busy(5)))).toEqual([true, true, true, true, false]);
    expect(retryDelayMs(0, busy(5))).toBe(5_000);
    expect(retryDelayMs(2, busy(12))).toBe(12_000);
    expect(retryDelayMs(0, busy())).toBe(5_000);
  });

  it('never repeats a question the API refused, and repeats anything else once', () => {
    const tooExpensive = new ApiFailure(422, 'QUERY_TOO_EXPENSIVE', 'hit its time limit');
    expect(shouldRetry(0, tooExpensive)).toBe(false);
    expect(shouldRetry(0, new ApiFailure(400, 'VALIDATION_FAILED', 'bad', 'steps[0].event'))).toBe(false);
    expect(shouldRetry(0, new ApiFailure(403, 'ORG_OUT_OF_SCOPE', 'no'))).toBe(false);
    const serverError = new ApiFailure(500, 'INTERNAL', 'oops');
    expect([shouldRetry(0, serverError), shouldRetry(1, serverError)]).toEqual([true, false]);
    expect([shouldRetry(0, new TypeError('Failed to fetch')), shouldRetry(1, new TypeError('x'))]).toEqual([
      true,
      false,
    ]);
    // A 503 that is not the analysis queue (a proxy's, say) is retried once like any other.
    expect([
      shouldRetry(0, new ApiFailure(503, 'HTTP_503', '')),
      shouldRetry(1, new ApiFailure(503, 'HTTP_503', '')),
    ]).toEqual([true, false]);
  });
});
