// Cluster-mode transport, producer side: an accepted batch is acknowledged to the SDK once Kafka
// has it on all in-sync replicas (acks = -1). Producer knobs fail fast: a broker outage must turn
// into a retryable 503 within seconds, not park HTTP requests for kafkajs's stock ~2 minutes.
import type { IngestBatch } from '@tally/infra/clickhouse';
import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { encodeBatch } from './kafka-messages.ts';
import { type EventSink, SinkUnavailableError } from './sink.ts';

export async function createKafkaSink(kafka: Kafka, topic: string): Promise<EventSink> {
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Murmur2 like the Java client, so other producers key-partition the same way.
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  await producer.connect();
  let inFlight = 0;
  let healthy = true;
  return {
    async submit(batch: IngestBatch) {
      const records = encodeBatch(batch);
      const rows = batch.events.length + batch.profileOps.length + batch.identityOps.length;
      inFlight += rows;
      try {
        await producer.send({
          topic,
          acks: -1,
          timeout: 5_000,
          compression: CompressionTypes.GZIP,
          messages: records,
        });
        healthy = true;
      } catch (error) {
        healthy = false;
        throw new SinkUnavailableError(`event broker unavailable: ${(error as Error).message.slice(0, 200)}`);
      } finally {
        inFlight -= rows;
      }
    },
    pending: () => inFlight,
    ready: () => healthy,
    close: () => producer.disconnect(),
  };
}
