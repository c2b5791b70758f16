// The collector's view of the transport: hand over an accepted batch and learn when it is
// durable. Embedded mode writes to ClickHouse through the in-process ingestion writer; cluster
// mode produces to Kafka with acks=all. The HTTP layer never knows which.
import type { IngestBatch } from '@tally/infra/clickhouse';

export interface EventSink {
  /** Resolves once every row of the batch is durable; rejects with SinkUnavailableError otherwise. */
  submit(batch: IngestBatch): Promise<void>;
  /** Rows accepted but not yet durable (gauge for /metrics and /readyz). */
  pending(): number;
  /** True when the sink can currently accept work (for /readyz). */
  ready(): boolean;
  close(): Promise<void>;
}

/** Storage or broker unreachable: the client should retry the same batch later (HTTP 503). */
export class SinkUnavailableError extends Error {
  override readonly name = 'SinkUnavailableError';
  constructor(
    message: string,
    readonly retryAfterS = 2,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
