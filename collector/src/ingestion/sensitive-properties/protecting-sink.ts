// Cluster mode: protects a batch's sensitive fields in the collector, before it is produced to
// Kafka, so the events topic (and its replicas, retention and dead-letter copies) never holds a
// marked value in clear. The ingestion worker protects again, which is a no-op on values already
// in a stored form (sensitive-value.ts recognises `enc:v1:` / `hid:v1:`) and still protects
// anything older producers sent in clear. Never hands a batch with a marked field in clear to
// the inner sink: without a key the SDK gets a retryable 503 instead.
import { SensitiveKeyMissingError } from '@tally/analytics-api/crypto';
import type { IngestBatch } from '@tally/infra/clickhouse';
import { type EventSink, SinkUnavailableError } from '../sink.ts';
import type { BatchProtector } from './protect-batch.ts';

export function createProtectingSink(inner: EventSink, protector: BatchProtector): EventSink {
  return {
    async submit(batch: IngestBatch) {
      let protectedBatch: IngestBatch;
      try {
        protectedBatch = await protector.protect(batch);
      } catch (error) {
        if (error instanceof SensitiveKeyMissingError)
          throw new SinkUnavailableError(error.message, 30, error);
        // The field list comes from MySQL: an outage there is retryable like a broker outage.
        throw new SinkUnavailableError(
          `sensitive field list unavailable: ${(error as Error).message.slice(0, 200)}`,
        );
      }
      await inner.submit(protectedBatch);
    },
    pending: () => inner.pending(),
    ready: () => inner.ready(),
    close: () => inner.close(),
  };
}
