// Maps an HTTP answer to a delivery decision (wire-format.md "Responses"): 2xx final with its
// per-event rejections, 408/429/5xx retry, every other 4xx final. Never retries a rejection.
import type { SendOutcome } from './types.ts';

/**
 * Classifies a collector response.
 * @example classifyResponse(503, '', '2') // { kind: 'retry', status: 503, retryAfterMs: 2000 }
 */
export function classifyResponse(status: number, body: string, retryAfter?: string | null): SendOutcome {
  if (status >= 200 && status < 300) {
    let rejectedIndexes: number[] = [];
    try {
      const parsed = JSON.parse(body) as { rejected?: Array<{ index?: unknown }> };
      rejectedIndexes = (parsed.rejected ?? [])
        .map((r) => r.index)
        .filter((i): i is number => typeof i === 'number');
    } catch {
      // A 2xx without a readable body still acknowledged the batch.
    }
    return { kind: 'ok', rejectedIndexes };
  }
  if (status === 408 || status === 429 || status >= 500 || status === 0) {
    const seconds = Number(retryAfter);
    return Number.isFinite(seconds) && seconds > 0
      ? { kind: 'retry', status, retryAfterMs: seconds * 1000 }
      : { kind: 'retry', status };
  }
  return { kind: 'final', status };
}
