// The data version results are cached under. Per table an analysis reads (events, overrides,
// profiles): the highest insert block number and the row count of its active parts, and of its
// mutations the latest creation time, how many there are, how many are unfinished and how many
// parts they still have to rewrite. Any insert, merge-override write, deletion or rewrite (an
// ALTER ... UPDATE / DELETE, moving part by part while it runs) moves it, so a cached result can
// only be served for exactly the data it was computed on; a background merge of parts moves none
// of them, so it never throws the cache away (the number of parts did, until 2026-12-07).
// On a cluster the events live in `events_local` on every shard (`events` is a Distributed table
// with no parts of its own), so the version reads every replica's system tables there.
// Read from system tables (metadata, no data scan) and shared for VERSION_TTL_MS between concurrent
// requests, which bounds how stale a cached answer can be. Splices no value into SQL but the
// cluster name, checked against CLUSTER_NAME_PATTERN first.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { CLUSTER_NAME_PATTERN } from '../../retention/retention-ttl.ts';

const VERSION_TTL_MS = 2_000;
const current = new WeakMap<ClickHouseClient, { at: number; version: Promise<string> }>();

/** The tables results depend on, as the engine holds their data (single node or cluster). */
function versionedTables(cluster: string): string[] {
  return [cluster ? 'events_local' : 'events', 'person_overrides', 'profiles'];
}

/** The version query: one row per table (and replica, on a cluster). */
export function dataVersionSql(cluster: string): string {
  if (cluster && !CLUSTER_NAME_PATTERN.test(cluster)) {
    throw new Error(
      `data version: cluster name ${JSON.stringify(cluster)} must match ${CLUSTER_NAME_PATTERN}`,
    );
  }
  const from = (table: string) =>
    cluster ? `clusterAllReplicas('${cluster}', system.${table})` : `system.${table}`;
  const where = `database = currentDatabase() AND table IN (${versionedTables(cluster)
    .map((t) => `'${t}'`)
    .join(', ')})`;
  // Per replica on a cluster: a replica that lags behind moves the version when it catches up.
  const host = cluster ? 'hostName()' : "''";
  return `
    SELECT p.table AS table, p.host AS host, p.block AS block, p.rows AS rows,
           m.latest AS latest, m.mutations AS mutations, m.unfinished AS unfinished, m.parts_to_do AS parts_to_do
    FROM (
      SELECT table, ${host} AS host, max(max_block_number) AS block, sum(rows) AS rows
      FROM ${from('parts')} WHERE ${where} AND active
      GROUP BY table, host) AS p
    LEFT JOIN (
      SELECT table, ${host} AS host, max(create_time) AS latest, count() AS mutations,
             countIf(NOT is_done) AS unfinished, sum(parts_to_do) AS parts_to_do
      FROM ${from('mutations')} WHERE ${where}
      GROUP BY table, host) AS m
    ON p.table = m.table AND p.host = m.host
    ORDER BY table, host`;
}

async function readDataVersion(clickhouse: ClickHouseClient, cluster: string): Promise<string> {
  const result = await clickhouse.query({ query: dataVersionSql(cluster), format: 'JSONEachRow' });
  const rows = await result.json<Record<string, string | number>>();
  const fields = ['table', 'host', 'block', 'rows', 'latest', 'mutations', 'unfinished', 'parts_to_do'];
  return rows.map((r) => fields.map((f) => r[f]).join(':')).join('|') || 'empty';
}

/** The current data version; `cluster` is CLICKHOUSE_CLUSTER ('' on a single node). */
export function dataVersion(clickhouse: ClickHouseClient, cluster = ''): Promise<string> {
  const now = Date.now();
  const known = current.get(clickhouse);
  if (known && now - known.at < VERSION_TTL_MS) return known.version;
  const version = readDataVersion(clickhouse, cluster);
  current.set(clickhouse, { at: now, version });
  version.catch(() => {
    if (current.get(clickhouse)?.version === version) current.delete(clickhouse);
  });
  return version;
}
