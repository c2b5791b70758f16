// Starts the product's embedded deployment for integration tests and benchmarks: a private
// MariaDB, the chdb-backed ClickHouse server, schema migrations, one app with a write key, and
// the collector as a child process (so tests can kill -9 it), optionally in Kafka mode with the
// librdkafka mock broker and an ingestion worker process. Everything lives in a temp directory
// and on free loopback ports; stop() removes all of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChdbServer } from '@tally/infra/chdb-server';
import { type ClickHouseClient, connectClickHouse, migrateClickHouse } from '@tally/infra/clickhouse';
import { type ServiceProcess, startServiceProcess } from '@tally/infra/embedded';
import { startKafkaMock } from '@tally/infra/kafka-mock';
import { startMariaDb } from '@tally/infra/mariadb';
import { connectMySql, type MetadataDb, migrateMySql } from '@tally/infra/mysql';
import { freePort } from './free-port.ts';
import { createTestApp } from './test-app.ts';

export interface EmbeddedStackOptions {
  readonly mode?: 'embedded' | 'kafka';
  /** Kafka mode: partitions of the events topic. */
  readonly partitions?: number;
  /** Extra environment for the collector process. */
  readonly collectorEnv?: Record<string, string>;
}

export interface EmbeddedStack {
  readonly dir: string;
  readonly collectorUrl: string;
  readonly clickhouse: ClickHouseClient;
  readonly metadata: MetadataDb;
  readonly appId: string;
  readonly writeKey: string;
  readonly kafkaBootstrap: readonly string[];
  /** Collector child process (replaced by restartCollector). */
  collector(): ServiceProcess;
  restartCollector(): Promise<void>;
  /** Kafka mode: ingestion worker child process. */
  worker(): ServiceProcess | null;
  restartWorker(): Promise<void>;
  /** Kafka mode: starts one more ingestion worker in the same consumer group; returns its URL. */
  addWorker(): Promise<string>;
  stopClickHouse(): Promise<void>;
  startClickHouse(): Promise<void>;
  stop(): Promise<void>;
}

const COLLECTOR_ENTRY = fileURLToPath(new URL('../../../collector/src/main.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('../../../collector/src/ingest-worker.ts', import.meta.url));
/**
 * The secret key the stack's collector and ingestion worker encrypt sensitive properties with
 * (TALLY_SECRET_KEY, id k1); an analytics API built on the stack must use the same key to read
 * them, as `npm start` gives every service the same `.tally/secret-key`. Test-only, never secret.
 */
export const STACK_SECRET_KEY = Buffer.alloc(32, 0x5a);
const CH_USER = 'tally';
const CH_PASSWORD = 'tally-test-password';

export async function startEmbeddedStack(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
  const mode = options.mode ?? 'embedded';
  const dir = mkdtempSync(join(tmpdir(), 'tally-stack-'));
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const mariadb = await startMariaDb({
      dataDir: join(dir, 'mariadb'),
      // A fresh port again if another process takes this one before MariaDB binds it.
      port: freePort,
      password: 'tally-test',
    });
    cleanups.push(() => mariadb.stop());
    const chPort = await freePort();
    const chdbOptions = {
      dataDir: join(dir, 'clickhouse'),
      port: chPort,
      user: CH_USER,
      password: CH_PASSWORD,
    };
    let chdb = await spawnChdbServer(chdbOptions);
    cleanups.push(() => chdb.stop());
    const clickhouseConfig = { url: chdb.url, username: CH_USER, password: CH_PASSWORD, database: 'tally' };
    const clickhouse = connectClickHouse(clickhouseConfig);
    cleanups.push(() => clickhouse.close());
    await migrateClickHouse(clickhouse);
    const metadata = connectMySql({ url: mariadb.url });
    cleanups.push(() => metadata.close());
    await migrateMySql(metadata.pool);
    const { appId, writeKey } = await createTestApp(metadata);

    let kafkaBootstrap: readonly string[] = [];
    if (mode === 'kafka') {
      const kafka = await startKafkaMock({
        brokers: 1,
        topics: [
          { name: 'tally.events', partitions: options.partitions ?? 4 },
          { name: 'tally.events.dlq', partitions: 1 },
        ],
      });
      cleanups.push(() => kafka.stop());
      kafkaBootstrap = kafka.bootstrap;
    }

    const collectorPort = await freePort();
    const collectorUrl = `http://127.0.0.1:${collectorPort}`;
    const baseEnv: Record<string, string> = {
      INGEST_MODE: mode,
      CLICKHOUSE_URL: chdb.url,
      CLICKHOUSE_USER: CH_USER,
      CLICKHOUSE_PASSWORD: CH_PASSWORD,
      CLICKHOUSE_DATABASE: 'tally',
      MYSQL_URL: mariadb.url,
      KAFKA_BROKERS: kafkaBootstrap.join(','),
      KAFKA_TOPIC: 'tally.events',
      KAFKA_DLQ_TOPIC: 'tally.events.dlq',
      // A killed worker's partitions move to its replacement after this long.
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      TALLY_SECRET_KEY: STACK_SECRET_KEY.toString('base64'),
      LOG_LEVEL: 'warn',
    };
    const startCollector = () =>
      startServiceProcess({
        name: 'collector',
        entry: COLLECTOR_ENTRY,
        env: { ...baseEnv, PORT: String(collectorPort), HOST: '127.0.0.1', ...options.collectorEnv },
        readyUrl: `${collectorUrl}/healthz`,
        logFile: join(dir, 'logs', 'collector.log'),
      });
    let collector = await startCollector();
    cleanups.push(() => collector.stop());

    const workerPort = await freePort();
    const startWorker = (port = workerPort, name = 'worker') =>
      startServiceProcess({
        name: 'ingest-worker',
        entry: WORKER_ENTRY,
        env: { ...baseEnv, PORT: String(port), HOST: '127.0.0.1' },
        readyUrl: `http://127.0.0.1:${port}/healthz`,
        logFile: join(dir, 'logs', `${name}.log`),
      });
    let worker: ServiceProcess | null = mode === 'kafka' ? await startWorker() : null;
    cleanups.push(async () => {
      await worker?.stop();
    });

    return {
      dir,
      collectorUrl,
      clickhouse,
      metadata,
      appId,
      writeKey,
      kafkaBootstrap,
      collector: () => collector,
      async restartCollector() {
        await collector.stop();
        collector = await startCollector();
      },
      worker: () => worker,
      async restartWorker() {
        await worker?.stop();
        worker = await startWorker();
      },
      async addWorker() {
        const port = await freePort();
        const extra = await startWorker(port, `worker-${port}`);
        cleanups.push(() => extra.stop());
        return `http://127.0.0.1:${port}`;
      },
      stopClickHouse: () => chdb.stop(),
      async startClickHouse() {
        chdb = await spawnChdbServer(chdbOptions);
      },
      async stop() {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
