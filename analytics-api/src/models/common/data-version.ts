// The data version results are cached under: the highest insert block number and row count of
// every table an analysis reads (events, overrides, profiles). Any insert, merge-override write or
// deletion moves it, so a cached result can only be served for exactly the data it was computed on.
// Read from system.parts (metadata, no data scan) and shared for VERSION_TTL_MS between concurrent
// requests, which bounds how stale a cached answer can be.
import type { ClickHouseClient } from '@tally/infra/clickhouse';

const VERSION_TTL_MS = 2_000;
const current = new WeakMap<ClickHouseClient, { at: number; version: Promise<string> }>();

async function readDataVersion(clickhouse: ClickHouseClient): Promise<string> {
  const result = await clickhouse.query({
    query: `SELECT table, max(max_block_number) AS block, sum(rows) AS rows, count() AS parts
            FROM system.parts
            WHERE database = currentDatabase() AND active
              AND table IN ('events', 'person_overrides', 'profiles')
            GROUP BY table ORDER BY table`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ table: string; block: string; rows: string; parts: string }>();
  return rows.map((r) => `${r.table}:${r.block}:${r.rows}:${r.parts}`).join('|') || 'empty';
}

export function dataVersion(clickhouse: ClickHouseClient): Promise<string> {
  const now = Date.now();
  const known = current.get(clickhouse);
  if (known && now - known.at < VERSION_TTL_MS) return known.version;
  const version = readDataVersion(clickhouse);
  current.set(clickhouse, { at: now, version });
  version.catch(() => {
    if (current.get(clickhouse)?.version === version) current.delete(clickhouse);
  });
  return version;
}
