// Entry of the collector service: configuration, metadata database (for write keys), the
// transport chosen by INGEST_MODE, then HTTP(S). On SIGTERM it stops accepting, lets in-flight
// batches become durable, and closes the transport.
import { readFileSync } from 'node:fs';
import { connectMySql } from '@tally/infra/mysql';
import { buildApp } from './app.ts';
import { createMySqlAppDirectory } from './apps/app-directory.ts';
import { loadCollectorConfig } from './config.ts';
import { createSink } from './ingestion/create-sink.ts';

const config = loadCollectorConfig();
const metadata = connectMySql({ url: config.mysqlUrl });
const sink = await createSink(
  {
    ingestMode: config.ingestMode,
    clickhouse: config.clickhouse,
    kafka: { brokers: config.kafka.brokers, clientId: config.kafka.clientId, topic: config.kafka.topic },
    groupCommit: config.groupCommit,
    sensitive: config,
  },
  metadata,
);
const app = await buildApp({
  config,
  sink,
  apps: createMySqlAppDirectory(metadata),
  ...(config.tls
    ? { tls: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
    : {}),
});
await app.listen({ port: config.port, host: config.host });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await sink.close();
  await metadata.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
