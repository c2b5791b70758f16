// Entry of the analytics API: configuration, ClickHouse and the metadata database, schema
// migrations, retention TTL, then HTTP(S). On SIGTERM it stops accepting and closes connections.
import { readFileSync } from 'node:fs';
import { connectClickHouse } from '@tally/infra/clickhouse';
import { connectMySql, migrateMySql } from '@tally/infra/mysql';
import { buildApp } from './app.ts';
import { loadApiConfig } from './config.ts';
import { syncRetentionTtl } from './retention/apply-retention.ts';
import { prepareClickHouseSchema } from './schema/clickhouse-schema.ts';

const config = loadApiConfig();
const clickhouse = connectClickHouse(config.clickhouse);
const metadata = connectMySql({ url: config.mysqlUrl });
await migrateMySql(metadata.pool);
// Single node: migrations; cluster: only a check that the operator applied the cluster DDL.
await prepareClickHouseSchema(clickhouse, config.clickhouse.cluster ?? '');
await syncRetentionTtl(clickhouse, metadata.pool, config.clickhouse.cluster);
const app = await buildApp({
  config,
  clickhouse,
  metadata,
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
  await clickhouse.close();
  await metadata.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
