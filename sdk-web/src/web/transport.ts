// Browser delivery: fetch with keepalive (gzip via CompressionStream when the browser has it),
// and navigator.sendBeacon on page hide (text/plain + ?key=, beacons cannot set headers).
// Never rejects: network failures become `retry`.
import { classifyResponse } from '../core/response.ts';
import type { SendOutcome, TransportAdapter, TransportRequest } from '../core/types.ts';

// Chromium refuses keepalive requests whose bodies exceed 64 KiB in total.
const KEEPALIVE_LIMIT = 60_000;

async function gzip(body: string): Promise<Uint8Array | null> {
  const CS = (globalThis as { CompressionStream?: typeof CompressionStream }).CompressionStream;
  if (!CS) return null;
  try {
    const stream = new Blob([body]).stream().pipeThrough(new CS('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return null;
  }
}

/**
 * The fetch/sendBeacon transport.
 * @example const transport = browserTransport({ gzip: true });
 */
export function browserTransport(options: { gzip?: boolean } = {}): TransportAdapter {
  return {
    async send(request: TransportRequest): Promise<SendOutcome> {
      try {
        const compressed = options.gzip === false ? null : await gzip(request.body);
        const headers: Record<string, string> = {
          'Content-Type': 'application/json',
          'X-Tally-Key': request.writeKey,
        };
        if (compressed) headers['Content-Encoding'] = 'gzip';
        const body = compressed ?? request.body;
        const size = compressed ? compressed.byteLength : request.body.length * 3;
        const response = await fetch(request.url, {
          method: 'POST',
          headers,
          body: body as BodyInit,
          keepalive: size < KEEPALIVE_LIMIT,
          credentials: 'omit',
        });
        return classifyResponse(response.status, await response.text(), response.headers.get('Retry-After'));
      } catch {
        return { kind: 'retry', status: 0 };
      }
    },
    sendOnExit(request: TransportRequest): boolean {
      const nav = globalThis.navigator as Navigator | undefined;
      if (!nav || typeof nav.sendBeacon !== 'function') return false;
      const sep = request.url.includes('?') ? '&' : '?';
      const url = `${request.url}${sep}key=${encodeURIComponent(request.writeKey)}`;
      try {
        return nav.sendBeacon(url, new Blob([request.body], { type: 'text/plain' }));
      } catch {
        return false;
      }
    },
  };
}
