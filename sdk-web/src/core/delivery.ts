// Sends the queue in batches: persists before every send, keeps each event's uuid across
// retries, retries 5xx/408/429/network with backoff+jitter, treats 2xx per-event rejections and
// other 4xx as final. Never throws and never runs two sends at once.
import { backoffDelay } from './backoff.ts';
import type { EventQueue } from './queue.ts';
import type { Scheduler, Stats, TransportAdapter, TransportRequest } from './types.ts';

export interface DeliveryOptions {
  url: string;
  writeKey: string;
  batchSize: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

export class Delivery {
  private inFlight: Promise<void> | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;

  constructor(
    private readonly options: DeliveryOptions,
    private readonly queue: EventQueue,
    private readonly transport: TransportAdapter,
    private readonly scheduler: Scheduler,
    private readonly stats: Stats,
    private readonly persist: () => Promise<void>,
  ) {}

  /** Sends everything queued now (unless a retry is waiting); resolves when done or backing off. */
  flush(ignoreBackoff = false): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.retryTimer !== null) {
      if (!ignoreBackoff) return Promise.resolve();
      this.scheduler.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.inFlight = this.drain().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private request(): TransportRequest | null {
    const batch = this.queue.peek(this.options.batchSize);
    if (batch.length === 0) return null;
    return {
      url: this.options.url,
      writeKey: this.options.writeKey,
      body: JSON.stringify({ sent_at: this.scheduler.now(), events: batch }),
    };
  }

  private async drain(): Promise<void> {
    await this.persist();
    for (;;) {
      const batch = this.queue.peek(this.options.batchSize);
      const request = this.request();
      if (!request) return;
      const outcome = await this.transport.send(request);
      const uuids = new Set(batch.map((e) => e.uuid));
      if (outcome.kind === 'retry') {
        this.attempt += 1;
        this.stats.retries += 1;
        const delay = backoffDelay(
          this.attempt,
          this.options.retryBaseMs,
          this.options.maxRetryDelayMs,
          this.scheduler.random,
          outcome.retryAfterMs,
        );
        this.retryTimer = this.scheduler.setTimeout(() => {
          this.retryTimer = null;
          void this.flush();
        }, delay);
        return;
      }
      this.attempt = 0;
      if (outcome.kind === 'ok') {
        const rejected = new Set(outcome.rejectedIndexes).size;
        this.stats.rejected += rejected;
        this.stats.sent += batch.length - rejected;
      } else {
        this.stats.dropped_final += batch.length;
      }
      this.queue.remove(uuids);
      await this.persist();
    }
  }

  /** Hands the whole queue to the exit transport (sendBeacon); events stay queued until acked. */
  flushOnExit(): void {
    if (!this.transport.sendOnExit) return;
    // The beacon's outcome is unknown, so events stay persisted; a later page load resends them
    // with the same uuids and the collector deduplicates.
    for (let offset = 0; offset < this.queue.size; offset += this.options.batchSize) {
      const batch = this.queue.snapshot().slice(offset, offset + this.options.batchSize);
      const body = JSON.stringify({ sent_at: this.scheduler.now(), events: batch });
      if (!this.transport.sendOnExit({ url: this.options.url, writeKey: this.options.writeKey, body }))
        return;
    }
  }

  cancel(): void {
    if (this.retryTimer !== null) this.scheduler.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
  }
}
