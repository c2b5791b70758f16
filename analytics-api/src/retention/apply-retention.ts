// Keeps ClickHouse's TTL in step with the apps table (syncRetentionTtl: run at start-up and
// whenever an app's retention changes; ClickHouse then drops expired rows on insert and during
// background merges) and removes expired rows now (applyRetention: one parameterised DELETE per
// retention group and table, waiting for completion), for an operator who cannot wait.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import type { Pool } from 'mysql2/promise';
import {
  alterTarget,
  dataTable,
  groupByDays,
  loadRetention,
  RETENTION_TABLES,
  retentionTtlExpression,
} from './retention-ttl.ts';

/** ClickHouse prints expressions back with its own parentheses and spacing; compare without. */
const normalise = (sql: string) => sql.replace(/[()\s]/g, '');

/**
 * Sets the TTL of the event tables from the apps table when it differs from what is in force.
 * A change starts a background mutation that re-evaluates existing parts (ClickHouse keeps TTL
 * information per part, so without it old parts would keep the old periods); an unchanged
 * expression costs one metadata query, so this is cheap to run at every start-up.
 */
export async function syncRetentionTtl(
  clickhouse: ClickHouseClient,
  pool: Pool,
  /** CLICKHOUSE_CLUSTER: set the TTL on every node's local tables; '' for one node. */
  cluster = '',
): Promise<string> {
  const expression = retentionTtlExpression(await loadRetention(pool));
  for (const table of RETENTION_TABLES) {
    const res = await clickhouse.query({
      query:
        'SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
      query_params: { table: dataTable(table, cluster) },
      format: 'JSONEachRow',
    });
    const engine = (await res.json<{ engine_full: string }>())[0]?.engine_full ?? '';
    if (normalise(engine).includes(`TTL${normalise(expression)}`)) continue;
    await clickhouse.command({ query: `${alterTarget(table, cluster)} MODIFY TTL ${expression}` });
  }
  return expression;
}

export interface RetentionResult {
  readonly table: string;
  readonly days: number;
  readonly appIds: readonly string[];
  readonly removedRows: number;
}

export async function applyRetention(
  clickhouse: ClickHouseClient,
  pool: Pool,
  now = new Date(),
  cluster = '',
): Promise<RetentionResult[]> {
  const apps = await loadRetention(pool);
  const results: RetentionResult[] = [];
  for (const { days, appIds } of groupByDays(apps)) {
    const cutoff = new Date(now.getTime() - days * 86_400_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    for (const table of RETENTION_TABLES) {
      const params = { apps: appIds, cutoff };
      const where = "app_id IN {apps:Array(String)} AND time < {cutoff:DateTime64(3, 'UTC')}";
      const counted = await clickhouse.query({
        query: `SELECT count() AS n FROM ${table} WHERE ${where}`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const removedRows = Number((await counted.json<{ n: number | string }>())[0]?.n ?? 0);
      if (removedRows > 0) {
        await clickhouse.command({
          query: `${alterTarget(table, cluster)} DELETE WHERE ${where}`,
          query_params: params,
          clickhouse_settings: { mutations_sync: '2' },
        });
      }
      results.push({ table, days, appIds, removedRows });
    }
  }
  // After the deletes, so the counts above are not raced by the TTL's own background mutation.
  await syncRetentionTtl(clickhouse, pool, cluster);
  return results;
}
