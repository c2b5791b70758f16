// Entry of the cluster-mode ingestion worker: consumes the events topic in a consumer group and
// writes through the same IngestionWriter as the embedded collector, so the exactly-once rules
// are identical in both modes. Run several side by side; Kafka splits the partitions among them.
// Serves /healthz and /metrics-free liveness on PORT for the orchestrator.
import { createServer } from 'node:http';
import { createPersonResolver, createProfileFolder } from '@tally/analytics-api/identity';
import { connectClickHouse } from '@tally/infra/clickhouse';
import { connectMySql } from '@tally/infra/mysql';
import { loadCollectorConfig } from './config.ts';
import { kafkaClient } from './ingestion/create-sink.ts';
import { startKafkaWorker } from './ingestion/kafka-worker.ts';
import { createBatchProtector } from './ingestion/sensitive-properties/protect-batch.ts';
import { createIngestionWriter } from './ingestion/writer.ts';

const config = loadCollectorConfig();
const metadata = connectMySql({ url: config.mysqlUrl });
const clickhouse = connectClickHouse(config.clickhouse);
const persons = createPersonResolver({ metadata, clickhouse });
const profiles = createProfileFolder({
  metadata,
  clickhouse,
  takeRefolds: () => persons.takeRefolds(),
});
const sensitive = createBatchProtector(metadata.pool, config);
const writer = createIngestionWriter({ clickhouse, persons, profiles, sensitive });
let written = 0;
let deadLettered = 0;
const worker = await startKafkaWorker(
  kafkaClient({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-worker` }),
  writer,
  {
    topic: config.kafka.topic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: config.kafka.groupId,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    onWritten: (rows) => {
      written += rows;
    },
    onDeadLetter: () => {
      deadLettered += 1;
    },
    log: (message) => console.error(`[ingest-worker] ${message}`),
  },
);

const health = createServer((req, res) => {
  if (req.url === '/healthz') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'ok', written, deadLettered }));
  } else {
    res.writeHead(404).end();
  }
});
health.listen(config.port, config.host);

const stop = async () => {
  health.close();
  await worker.stop();
  await profiles.close();
  await persons.close();
  await clickhouse.close();
  await metadata.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
