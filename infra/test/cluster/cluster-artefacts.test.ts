// The cluster artefacts cannot run here (no container engine, no Keeper), so they are checked
// for what can be checked: every cluster DDL statement parses in the real ClickHouse engine; each
// sharded/replicated table has exactly the columns of its single-node migration (so both
// deployments run the same queries); the materialized views, run on one node, compute what the
// single-node views compute; the event tables carry a retention TTL; the compose file names only
// services that exist.
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
      ['person_activity_local', 'person_activity'],
      ['catalog_stats_local', 'catalog_stats'],
    ];
    for (const statement of clusterSql) {
      if (!/^CREATE TABLE/i.test(statement) || /ENGINE = Distributed/.test(statement)) continue;
      await client.command({ query: onOneNode(statement) });
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

/**
 * The same statement on one node: no ON CLUSTER, the cluster_check database, local engines for the
 * replicated ones, and views that write through a Distributed table write to its local table.
 */
function onOneNode(statement: string): string {
  return statement
    .replace(/ ON CLUSTER tally/g, '')
    .replace(/tally\./g, 'cluster_check.')
    .replace(/ReplicatedReplacingMergeTree\('[^']*', '[^']*', /, 'ReplacingMergeTree(')
    .replace(/Replicated(\w*)MergeTree\('[^']*', '[^']*'\)/, '$1MergeTree')
    .replace(/TO cluster_check\.(\w+)(?=\s)/, (_all, target: string) =>
      target.endsWith('_local') ? `TO cluster_check.${target}` : `TO cluster_check.${target}_local`,
    );
}

describe('cluster materialized views and retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-mv-'));
  let server: ChdbServer;
  let client: ClickHouseClient;
  const rows = async (query: string) =>
    (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
    client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: 'tally' });
    await migrateClickHouse(client);
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS cluster_check' });
    for (const statement of clusterSql) {
      if (/^CREATE TABLE/i.test(statement) && !/ENGINE = Distributed/.test(statement))
        await client.command({ query: onOneNode(statement) });
    }
    for (const statement of clusterSql) {
      if (/^CREATE MATERIALIZED VIEW/i.test(statement)) await client.command({ query: onOneNode(statement) });
    }
  });
  afterAll(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a view for every single-node view, feeding person_activity and catalog_stats alike', async () => {
    const views = (db: string) =>
      rows(
        `SELECT name FROM system.tables WHERE database = '${db}' AND engine = 'MaterializedView' ORDER BY name`,
      );
    expect(await views('cluster_check')).toEqual(await views('tally'));
    // The same rows into both deployments' tables ...
    const events = `(app_id, event, time, receive_time, uuid, distinct_id, login_id, person_id, bank_code, branch_code, channel, props, num_props) VALUES
      ('a', 'transfer', '2026-11-01 10:00:00', '2026-11-01 10:00:01', generateUUIDv4(), 'd1', '', 7, 'B001', 'B001-01', 'app', {'to':'x'}, {'amount':5}),
      ('a', '$Login', '2026-11-02 10:00:00', '2026-11-02 10:00:01', generateUUIDv4(), 'd1', 'C1', 7, 'B002', '', '', {}, {}),
      ('a', 'transfer', '2026-11-03 10:00:00', '2026-11-03 10:00:01', generateUUIDv4(), 'd2', '', 8, 'B001', '', 'web', {'to':'y'}, {'amount':1})`;
    const profiles = `(app_id, person_id, login_id, bank_code, branch_code, props, num_props, first_seen, last_seen, version) VALUES
      ('a', 7, 'C1', 'B002', '', {'level':'gold'}, {'score':3}, '2026-11-01 10:00:00', '2026-11-02 10:00:00', 1)`;
    await client.command({ query: `INSERT INTO tally.events ${events}` });
    await client.command({ query: `INSERT INTO cluster_check.events_local ${events}` });
    await client.command({ query: `INSERT INTO tally.profiles ${profiles}` });
    await client.command({ query: `INSERT INTO cluster_check.profiles ${profiles}` });
    // ... give the same aggregates, read the way the services read them.
    const activity = (table: string) =>
      rows(`SELECT app_id, person_id, sum(events) AS n, min(first_seen) AS fs, max(last_seen) AS ls,
              min(first_login) AS fl, argMinMerge(first_channel) AS ch, argMaxMerge(last_org) AS org
            FROM ${table} GROUP BY app_id, person_id ORDER BY person_id`);
    const tallyActivity = await activity('tally.person_activity');
    expect(tallyActivity).toHaveLength(2);
    expect(await activity('cluster_check.person_activity_local')).toEqual(tallyActivity);
    const catalog = (table: string) =>
      rows(`SELECT app_id, kind, event, name, bank_code, sum(volume) AS v, min(first_seen) AS fs, max(last_seen) AS ls
            FROM ${table} GROUP BY app_id, kind, event, name, bank_code ORDER BY kind, event, name, bank_code`);
    const tallyCatalog = await catalog('tally.catalog_stats');
    expect(tallyCatalog.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['event', 'event_prop', 'event_num_prop', 'user_prop', 'user_num_prop']),
    );
    expect(await catalog('cluster_check.catalog_stats_local')).toEqual(tallyCatalog);
  });

  it('gives the event tables a retention TTL (the platform default until the API sets per-app periods)', async () => {
    for (const table of ['events_local', 'profile_ops_local']) {
      const [row] = await rows(
        `SELECT engine_full FROM system.tables WHERE database = 'cluster_check' AND name = '${table}'`,
      );
      expect(String(row?.engine_full), table).toMatch(/TTL toDateTime\(time\) \+ toIntervalDay\(730\)/);
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
