// Sends generated events to a collector over HTTP as an SDK would (JSON batches, write key
// header), several requests in flight, retrying 503s and network errors with the same uuids.
// Reports progress; never drops a batch silently: a batch that still fails after its retries
// makes the whole load fail.
import { gzipSync } from 'node:zlib';
import type { WireEvent } from './wire-event.ts';

export interface PostOptions {
  readonly collectorUrl: string;
  readonly writeKey: string;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly gzip?: boolean;
  readonly onProgress?: (sent: number) => void;
}

export interface PostSummary {
  readonly accepted: number;
  readonly rejected: number;
  readonly requests: number;
  readonly retries: number;
}

export async function postBatches(source: Iterable<WireEvent[]>, options: PostOptions): Promise<PostSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary = { accepted: 0, rejected: 0, requests: 0, retries: 0 };
  const inFlight = new Set<Promise<void>>();
  let pending: WireEvent[] = [];

  const send = async (events: WireEvent[]) => {
    const body = JSON.stringify({ sent_at: Date.now(), events });
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${options.collectorUrl}/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-tally-key': options.writeKey,
            ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
          },
          body: options.gzip ? gzipSync(body) : body,
        });
        summary.requests++;
        if (response.ok) {
          const result = (await response.json()) as { accepted: number; rejected: unknown[] };
          summary.accepted += result.accepted;
          summary.rejected += result.rejected.length;
          options.onProgress?.(summary.accepted);
          return;
        }
        if (response.status < 500 && response.status !== 429) {
          throw new Error(`collector refused a batch: ${response.status} ${await response.text()}`);
        }
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('collector refused')) throw error;
        if (attempt >= 20) throw error;
      }
      summary.retries++;
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 3_000)));
    }
  };

  let failure: unknown = null;
  const launch = async (events: WireEvent[]) => {
    if (failure) throw failure;
    const p: Promise<void> = send(events)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= (options.concurrency ?? 4)) await Promise.race(inFlight);
  };

  for (const batch of source) {
    pending.push(...batch);
    while (pending.length >= batchSize) {
      await launch(pending.slice(0, batchSize));
      pending = pending.slice(batchSize);
    }
  }
  if (pending.length > 0) await launch(pending);
  await Promise.all(inFlight);
  if (failure) throw failure;
  return summary;
}
