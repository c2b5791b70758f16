// The analytics API on real parts for the security tests: a private MariaDB, the chdb-backed
// ClickHouse server (its own process), all migrations, the demo org tree and staff, and the
// Fastify app driven with inject(). Everything lives in a temp dir on free ports; stop() removes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChdbServer } from '@tally/infra/chdb-server';
import { type ClickHouseClient, connectClickHouse, migrateClickHouse } from '@tally/infra/clickhouse';
import { startMariaDb } from '@tally/infra/mariadb';
import { connectMySql, type MetadataDb, migrateMySql } from '@tally/infra/mysql';
import { freePort, STACK_SECRET_KEY } from '@tally/testbed/stack';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.ts';
import type { ApiConfig } from '../../../src/config.ts';
import { seedDemoOrgAndStaff } from '../../../src/staff/seed-demo.ts';

export interface ApiStack {
  readonly app: FastifyInstance;
  readonly config: ApiConfig;
  readonly metadata: MetadataDb;
  readonly clickhouse: ClickHouseClient;
  /** Where the chdb server listens (user `tally`, password `ch-test`). */
  readonly clickhouseUrl: string;
  /** Builds a second app on the same databases (e.g. with other config). */
  buildAnother(change: Partial<ApiConfig>): Promise<FastifyInstance>;
  stop(): Promise<void>;
}

export function testConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    // The overrides dictionary's keeper is off: tests reload it where they mean to.
    clickhouse: {
      url: '',
      username: '',
      password: '',
      database: 'tally',
      maxExecutionTimeS: 60,
      overridesReloadS: 0,
    },
    mysqlUrl: '',
    // The embedded test stack's collector encrypts with this key too (k1), so an API built on
    // that stack reads what the collector stored.
    secretKeys: [{ id: 'k1', key: STACK_SECRET_KEY }],
    identifierKeyId: 'k1',
    session: { ttlS: 3600, idleTtlS: 1800 },
    cookieSecure: false,
    trustProxy: false,
    tls: null,
    logLevel: 'silent',
    ...overrides,
  };
}

export async function startApiStack(overrides: Partial<ApiConfig> = {}): Promise<ApiStack> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-api-sec-'));
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const mariadb = await startMariaDb({
      dataDir: join(dir, 'mariadb'),
      // A fresh port again if another process takes this one before MariaDB binds it.
      port: freePort,
      password: 'tally-test',
    });
    cleanups.push(() => mariadb.stop());
    const chdb = await spawnChdbServer({
      dataDir: join(dir, 'clickhouse'),
      port: freePort,
      user: 'tally',
      password: 'ch-test',
    });
    cleanups.push(() => chdb.stop());
    const clickhouse = connectClickHouse({
      url: chdb.url,
      username: 'tally',
      password: 'ch-test',
      database: 'tally',
    });
    cleanups.push(() => clickhouse.close());
    const metadata = connectMySql({ url: mariadb.url });
    cleanups.push(() => metadata.close());
    await migrateMySql(metadata.pool);
    await migrateClickHouse(clickhouse);
    await seedDemoOrgAndStaff(metadata);
    const config = testConfig({ ...overrides, mysqlUrl: mariadb.url });
    const apps: FastifyInstance[] = [];
    const build = async (c: ApiConfig) => {
      const app = await buildApp({ config: c, clickhouse, metadata, logger: false });
      await app.ready();
      apps.push(app);
      return app;
    };
    const app = await build(config);
    return {
      app,
      config,
      metadata,
      clickhouse,
      clickhouseUrl: chdb.url,
      buildAnother: (change) => build({ ...config, ...change }),
      async stop() {
        for (const a of apps) await a.close();
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
