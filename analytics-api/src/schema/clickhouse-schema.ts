// Makes sure the ClickHouse schema the API reads exists, at start-up. On a single node that means
// the numbered migrations (infra/clickhouse/migrations). On a cluster (CLICKHOUSE_CLUSTER set) it
// must never mean those: they would create single-node MergeTree tables beside the cluster's
// replicated and Distributed ones, and their one-off backfills (0200 fills catalog_stats from the
// events already stored) would count a cluster's existing data a second time. There the operator
// applies infra/clickhouse/cluster/ once; the API only checks that it was applied and refuses to
// start otherwise, saying what to run. Never runs a migration when a cluster is configured.
import { type ClickHouseClient, migrateClickHouse } from '@tally/infra/clickhouse';

/** Tables of infra/clickhouse/cluster/0001_cluster_tables.sql that the services read or write. */
export const CLUSTER_TABLES = [
  'events_local',
  'events',
  'profile_ops_local',
  'profile_ops',
  'person_overrides',
  'profiles',
  'event_uuids_local',
  'event_uuids',
  'person_activity_local',
  'person_activity',
  'catalog_stats_local',
  'catalog_stats',
] as const;

export type SchemaOutcome =
  | { readonly mode: 'single-node'; readonly applied: readonly string[] }
  | { readonly mode: 'cluster' };

export class ClusterSchemaMissingError extends Error {
  override readonly name = 'ClusterSchemaMissingError';
}

export async function prepareClickHouseSchema(
  client: ClickHouseClient,
  cluster: string,
): Promise<SchemaOutcome> {
  if (!cluster) {
    const applied = await migrateClickHouse(client);
    return { mode: 'single-node', applied: applied.map((m) => m.name) };
  }
  const result = await client.query({
    query:
      'SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
    query_params: { names: [...CLUSTER_TABLES] },
    format: 'JSONEachRow',
  });
  const present = new Set((await result.json<{ name: string }>()).map((r) => r.name));
  const missing = CLUSTER_TABLES.filter((t) => !present.has(t));
  if (missing.length > 0)
    throw new ClusterSchemaMissingError(
      `CLICKHOUSE_CLUSTER=${cluster} is set but the cluster schema is missing (${missing.join(', ')}): ` +
        'apply infra/clickhouse/cluster/0001_cluster_tables.sql once with clickhouse-client --multiquery; ' +
        'the API does not run single-node migrations on a cluster',
    );
  return { mode: 'cluster' };
}
