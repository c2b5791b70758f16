// The cluster artefacts cannot run here (no container engine, no Keeper), so they are checked
// for what can be checked: every cluster DDL statement parses in the real ClickHouse engine; each
// sharded/replicated table has exactly the columns of its single-node migration (so both
// deployments run the same queries); the compose file names only services that exist.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ChdbServer, startChdbServer } from '../../src/chdb-server/index.ts';
import { type ClickHouseClient, connectClickHouse, migrateClickHouse } from '../../src/clickhouse/index.ts';
import { splitStatements } from '../../src/migrations/migration-files.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const clusterSql = splitStatements(
  readFileSync(join(root, 'clickhouse/cluster/0001_cluster_tables.sql'), 'utf8'),
);

describe('cluster DDL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-ddl-'));
  let server: ChdbServer;
  let client: ClickHouseClient;
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
    client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: 'tally' });
    await migrateClickHouse(client);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses every statement in the real engine', async () => {
    expect(clusterSql.length).toBeGreaterThan(8);
    for (const statement of clusterSql) {
      const result = await client.query({
        query: 'SELECT formatQuery({q:String}) AS f',
        query_params: { q: statement },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ f: string }>();
      expect(row?.f.length).toBeGreaterThan(10);
    }
  });

  it('gives each cluster table the columns of its single-node table', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS cluster_check' });
    const pairs: Array<[string, string]> = [
      ['events_local', 'events'],
      ['profile_ops_local', 'profile_ops'],
      ['person_overrides', 'person_overrides'],
      ['profiles', 'profiles'],
      ['event_uuids_local', 'event_uuids'],
    ];
    for (const statement of clusterSql) {
      if (!/^CREATE TABLE/i.test(statement) || /ENGINE = Distributed/.test(statement)) continue;
      // Same statement on one node: drop ON CLUSTER, swap the replicated engines for local ones.
      const local = statement
        .replace(/ ON CLUSTER tally/g, '')
        .replace(/tally\./g, 'cluster_check.')
        .replace(/ReplicatedReplacingMergeTree\('[^']*', '[^']*', /, 'ReplacingMergeTree(')
        .replace(/ReplicatedMergeTree\('[^']*', '[^']*'\)/, 'MergeTree');
      await client.command({ query: local });
    }
    const columns = async (db: string, table: string) =>
      (
        await (
          await client.query({
            query:
              'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position',
            query_params: { db, t: table },
            format: 'JSONEachRow',
          })
        ).json<{ name: string; type: string }>()
      ).map((c) => `${c.name} ${c.type}`);
    for (const [clusterTable, singleTable] of pairs) {
      const single = await columns('tally', singleTable);
      expect(single.length).toBeGreaterThan(2);
      expect(await columns('cluster_check', clusterTable)).toEqual(single);
    }
  });
});

describe('compose file', () => {
  const compose = parse(readFileSync(join(root, 'compose/docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { image?: string; build?: unknown; depends_on?: string[]; environment?: Record<string, string> }
    >;
  };

  it('runs ClickHouse with Keeper, Kafka, MySQL and every Tally service', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'keeper',
        'clickhouse-s1r1',
        'clickhouse-s2r2',
        'kafka',
        'mysql',
        'collector',
        'ingest-worker',
        'analytics-api',
      ]),
    );
  });

  it('depends only on services it defines, and pins every image', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of service.depends_on ?? [])
        expect(compose.services, `${name} -> ${dependency}`).toHaveProperty(dependency);
      if (service.image) expect(service.image, name).toMatch(/:[\w.-]+$/);
      expect(service.image ?? service.build, name).toBeDefined();
    }
  });

  it('configures the Tally services for Kafka mode and the cluster', () => {
    for (const name of ['collector', 'ingest-worker', 'analytics-api']) {
      const env = compose.services[name]!.environment!;
      expect(env.INGEST_MODE).toBe('kafka');
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.CLICKHOUSE_URL).toMatch(/^http:\/\/clickhouse-/);
      expect(env.MYSQL_URL).toMatch(/^mysql:\/\/tally:/);
    }
  });
});
