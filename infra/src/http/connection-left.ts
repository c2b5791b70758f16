// "The client has gone": an abort signal for an HTTP response whose connection closes before the
// whole answer was written (a closed page, a cancelled request), so work done for it can stop.
import type { ServerResponse } from 'node:http';

/** Aborts when the connection closes before `res` was finished. */
export function connectionLeft(res: ServerResponse): AbortSignal {
  const left = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) left.abort();
  });
  return left.signal;
}
