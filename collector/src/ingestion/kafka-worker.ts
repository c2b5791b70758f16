// Cluster-mode ingestion worker: consumes the events topic in a consumer group, writes through
// the shared IngestionWriter, and commits a partition's offset only after its rows are stored.
// A crash before the commit means redelivery, which the writer's uuid check makes harmless.
// A message that can never be inserted goes to the dead-letter topic with its reason, then is
// committed; any other failure (storage down) is retried with back-off and never committed.
import type { IngestBatch } from '@tally/infra/clickhouse';
import { type Consumer, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { createGroupCommitSink, mergeBatches } from './group-commit.ts';
import { isPermanentDataError } from './insert-errors.ts';
import { decodeBatch } from './kafka-messages.ts';
import type { IngestionWriter } from './writer.ts';

export interface KafkaWorkerOptions {
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  /** A worker that dies holds its partitions this long before another takes them over. */
  readonly sessionTimeoutMs?: number;
  /** Longest pause between insert retries while storage is down. */
  readonly maxRetryDelayMs?: number;
  readonly onWritten?: (rows: number, duplicates: number) => void;
  readonly onDeadLetter?: (reason: string) => void;
  readonly log?: (message: string) => void;
}

export interface KafkaWorker {
  stop(): Promise<void>;
}

export async function startKafkaWorker(
  kafka: Kafka,
  writer: IngestionWriter,
  options: KafkaWorkerOptions,
): Promise<KafkaWorker> {
  const log = options.log ?? (() => {});
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    // A rejoin waits at most this long for members that died without leaving.
    rebalanceTimeout: (options.sessionTimeoutMs ?? 30_000) + 5_000,
    // Every write costs a uuid check and an insert whatever its size, so fetch big batches:
    // wait up to 250 ms for 1 MiB rather than writing a few rows per round trip.
    minBytes: 1024 * 1024,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: 16 * 1024 * 1024,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  const dlq: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await Promise.all([consumer.connect(), dlq.connect()]);
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  // Partitions are consumed concurrently and their batches written together (one uuid check and
  // one insert for all of them): a fetch often holds only one producer request's rows.
  const grouped = createGroupCommitSink(writer, {
    maxDelayMs: 20,
    maxGroupRows: 50_000,
    maxPendingRows: 1_000_000,
  });
  const groupedWriter: IngestionWriter = {
    async write(batch) {
      await grouped.submit(batch);
      return { inserted: batch.events.length + batch.profileOps.length, duplicates: 0 };
    },
  };

  async function deadLetter(message: KafkaMessage, partition: number, reason: string): Promise<void> {
    await dlq.send({
      topic: options.deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            'tally-dlq-reason': reason.slice(0, 1000),
            'tally-source': `${options.topic}/${partition}/${message.offset}`,
          },
        },
      ],
    });
    options.onDeadLetter?.(reason);
    log(`dead-lettered ${options.topic}/${partition}/${message.offset}: ${reason}`);
  }

  /** Writes with back-off until it succeeds or the data is found permanently bad. */
  async function writeWithRetry(
    batch: IngestBatch,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ) {
    let delay = 200;
    for (;;) {
      try {
        const outcome = await groupedWriter.write(batch);
        options.onWritten?.(outcome.inserted, outcome.duplicates);
        return;
      } catch (error) {
        if (isPermanentDataError(error) || !isRunning()) throw error;
        log(`insert failed, retrying in ${delay} ms: ${(error as Error).message.slice(0, 200)}`);
        await new Promise((r) => setTimeout(r, delay));
        await heartbeat().catch(() => undefined);
        delay = Math.min(delay * 2, options.maxRetryDelayMs ?? 5_000);
      }
    }
  }

  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 8,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const decoded: Array<{ message: KafkaMessage; batch: IngestBatch }> = [];
      for (const message of batch.messages) {
        try {
          decoded.push({ message, batch: decodeBatch(message.value) });
        } catch (error) {
          await deadLetter(message, batch.partition, (error as Error).message);
        }
      }
      if (decoded.length > 0 && !isStale()) {
        try {
          await writeWithRetry(mergeBatches(decoded.map((d) => d.batch)), heartbeat, isRunning);
        } catch (error) {
          if (!isPermanentDataError(error)) throw error; // stopping: leave uncommitted for redelivery
          // Find the bad messages one by one; the good ones are written, the bad ones dead-lettered.
          for (const d of decoded) {
            try {
              await writeWithRetry(d.batch, heartbeat, isRunning);
            } catch (inner) {
              if (!isPermanentDataError(inner)) throw inner;
              await deadLetter(d.message, batch.partition, (inner as Error).message);
            }
          }
        }
      }
      const last = batch.messages.at(-1);
      if (last && !isStale()) {
        // resolveOffset moves this consumer's fetch position; commitOffsets makes it survive a crash.
        resolveOffset(last.offset);
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
      }
    },
  });

  return {
    async stop() {
      await consumer.disconnect();
      await grouped.close();
      await dlq.disconnect();
    },
  };
}
