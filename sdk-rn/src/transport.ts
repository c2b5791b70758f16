// RN delivery over the global fetch (JSON, uncompressed: RN has no CompressionStream). Never
// rejects; network failures are retried by the core.
import { classifyResponse, type SendOutcome, type TransportAdapter } from '@tally/sdk-web/core';

export function fetchTransport(): TransportAdapter {
  return {
    async send(request): Promise<SendOutcome> {
      try {
        const res = await fetch(request.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Tally-Key': request.writeKey },
          body: request.body,
        });
        return classifyResponse(res.status, await res.text(), res.headers.get('Retry-After'));
      } catch {
        return { kind: 'retry', status: 0 };
      }
    },
  };
}
