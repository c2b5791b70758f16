// Start-up schema handling with CLICKHOUSE_CLUSTER, on the real chdb engine: a cluster node never
// gets the single-node migrations (whose 0200 backfill would count the events already stored into
// catalog_stats a second time), start-up is refused with what to run when the operator has not
// applied the cluster DDL, and a single node is still migrated. No cluster can run here, so a
// "cluster node" is an engine that already holds data and the cluster's table names, with no
// record of the single-node migrations (as on a node set up from infra/clickhouse/cluster/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChdbServer, startChdbServer } from '@tally/infra/chdb-server';
import { type ClickHouseClient, connectClickHouse, migrateClickHouse } from '@tally/infra/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_TABLES,
  ClusterSchemaMissingError,
  prepareClickHouseSchema,
} from '../../src/schema/clickhouse-schema.ts';

describe('ClickHouse schema at start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-schema-'));
  let server: ChdbServer;
  const clients: ClickHouseClient[] = [];
  const database = async (name: string) => {
    const admin = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: 'default' });
    await admin.command({ query: `CREATE DATABASE ${name}` });
    await admin.close();
    const client = connectClickHouse({ url: server.url, username: 'u', password: 'p', database: name });
    clients.push(client);
    return client;
  };
  const tables = async (client: ClickHouseClient) => {
    const result = await client.query({
      query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      format: 'JSONEachRow',
    });
    return (await result.json<{ name: string }>()).map((r) => r.name);
  };
  const eventVolume = async (client: ClickHouseClient) => {
    const result = await client.query({
      query: "SELECT sum(volume) AS v FROM catalog_stats WHERE kind = 'event'",
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ v: string }>())[0]!.v);
  };

  beforeAll(async () => {
    server = await startChdbServer({ dataDir: dir, user: 'u', password: 'p' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on a cluster without the cluster DDL, and creates nothing', async () => {
    const client = await database('empty_node');
    const error = await prepareClickHouseSchema(client, 'tally').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterSchemaMissingError);
    expect((error as Error).message).toMatch(/infra\/clickhouse\/cluster\/0001_cluster_tables\.sql/);
    expect((error as Error).message).toContain('events_local');
    expect(await tables(client)).toEqual([]);
  });

  it('on a cluster node holding data, runs no migration, so catalog_stats is not counted twice', async () => {
    const client = await database('cluster_node');
    // The node's tables with their data: the same columns as the cluster DDL (single-node DDL
    // here), three events already counted by the catalog's materialized views.
    await migrateClickHouse(client);
    await client.command({ query: 'DROP TABLE schema_migrations' });
    await client.insert({
      table: 'events',
      values: [1, 2, 3].map((i) => ({
        app_id: 'mbank',
        event: 'transfer',
        time: 1_764_460_800_000 + i,
        uuid: `00000000-0000-4000-8000-00000000000${i}`,
        distinct_id: `d${i}`,
      })),
      format: 'JSONEachRow',
    });
    for (const name of CLUSTER_TABLES.filter((t) => t.endsWith('_local')))
      await client.command({ query: `CREATE TABLE ${name} AS ${name.replace(/_local$/, '')}` });
    expect(await eventVolume(client)).toBe(3);

    expect(await prepareClickHouseSchema(client, 'tally')).toEqual({ mode: 'cluster' });
    // Three events, counted once (the 0200 backfill would have made it 6).
    expect(await eventVolume(client)).toBe(3);
    expect(await tables(client)).not.toContain('schema_migrations');
  });

  it('migrates a single node as before', async () => {
    const client = await database('single_node');
    const outcome = await prepareClickHouseSchema(client, '');
    expect(outcome.mode).toBe('single-node');
    expect(await tables(client)).toEqual(
      expect.arrayContaining(['events', 'catalog_stats', 'schema_migrations']),
    );
    expect(await prepareClickHouseSchema(client, '')).toEqual({ mode: 'single-node', applied: [] });
  });
});
