// Chooses the transport by configuration only: embedded mode writes through the in-process
// group commit, cluster mode produces to Kafka. Product logic never branches on the mode
// anywhere else.
import { createPersonResolver, createProfileFolder } from '@tally/analytics-api/identity';
import { type ClickHouseConfig, connectClickHouse } from '@tally/infra/clickhouse';
import type { MetadataDb } from '@tally/infra/mysql';
import { Kafka, logLevel } from 'kafkajs';
import { createGroupCommitSink } from './group-commit.ts';
import { createKafkaSink } from './kafka-sink.ts';
import { createBatchProtector, type SensitiveKeys } from './sensitive-properties/protect-batch.ts';
import { createProtectingSink } from './sensitive-properties/protecting-sink.ts';
import type { EventSink } from './sink.ts';
import { createIngestionWriter } from './writer.ts';

export interface SinkConfig {
  readonly ingestMode: 'embedded' | 'kafka';
  readonly clickhouse: ClickHouseConfig;
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string; readonly topic: string };
  readonly groupCommit: {
    readonly maxDelayMs: number;
    readonly maxGroupRows: number;
    readonly maxPendingRows: number;
  };
  readonly sensitive: SensitiveKeys;
}

export async function createSink(config: SinkConfig, metadata: MetadataDb): Promise<EventSink> {
  if (config.ingestMode === 'kafka') {
    // Marked fields are protected before Kafka, so the topic never holds them in clear.
    const producer = await createKafkaSink(kafkaClient(config.kafka), config.kafka.topic);
    return createProtectingSink(producer, createBatchProtector(metadata.pool, config.sensitive));
  }
  const clickhouse = connectClickHouse(config.clickhouse);
  const persons = createPersonResolver({ metadata, clickhouse });
  const profiles = createProfileFolder({
    metadata,
    clickhouse,
    takeRefolds: () => persons.takeRefolds(),
  });
  const sensitive = createBatchProtector(metadata.pool, config.sensitive);
  const writer = createIngestionWriter({ clickhouse, persons, profiles, sensitive });
  const sink = createGroupCommitSink(writer, config.groupCommit);
  return {
    ...sink,
    async close() {
      await sink.close();
      await profiles.close();
      await persons.close();
      await clickhouse.close();
    },
  };
}

export function kafkaClient(config: { brokers: readonly string[]; clientId: string }): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    logLevel: logLevel.WARN,
    // Fail fast on an unreachable broker: the HTTP caller gets a retryable 503 in seconds.
    connectionTimeout: 3_000,
    // Must exceed the consumer's rebalance timeout: a JoinGroup request legitimately blocks that
    // long while the group waits for a dead member's session to expire. Produce requests carry
    // their own 5 s timeout (kafka-sink.ts).
    requestTimeout: 60_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}
