// Exactly-once bookkeeping for the ingestion writer: which incoming uuids are already stored.
// Reads only the event_uuids index (migration 0005); never writes event rows. Values travel as
// bound Array(UUID) parameters, chunked so a request line stays far below ClickHouse's 1 MiB
// http_max_uri_size.
import type { ClickHouseClient } from '@tally/infra/clickhouse';

const CHUNK = 4_000;

export async function findStoredUuids(
  client: ClickHouseClient,
  uuids: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < uuids.length; i += CHUNK) {
    const chunk = uuids.slice(i, i + CHUNK);
    const result = await client.query({
      // The output alias must differ from the column: ClickHouse lets WHERE see SELECT aliases.
      query: 'SELECT DISTINCT toString(uuid) AS stored FROM event_uuids WHERE uuid IN {uuids:Array(UUID)}',
      query_params: { uuids: chunk },
      format: 'JSONEachRow',
    });
    for (const row of await result.json<{ stored: string }>()) found.add(row.stored);
  }
  return found;
}

/**
 * Re-adds to event_uuids any row received since `since` whose uuid is missing there. Needed after
 * an insert whose outcome is unknown (engine crash between writing a part and its materialized
 * view): without it, a retry of that batch would not see the stored rows and count them twice.
 */
export async function repairUuidIndex(client: ClickHouseClient, since: Date): Promise<void> {
  for (const table of ['events', 'profile_ops'] as const) {
    await client.command({
      query: `INSERT INTO event_uuids (uuid, app_id, receive_time)
        SELECT uuid, app_id, receive_time FROM ${table}
        WHERE receive_time >= {since:DateTime64(3)}
          AND uuid NOT IN (SELECT uuid FROM event_uuids WHERE receive_time >= {since:DateTime64(3)} - INTERVAL 1 DAY)`,
      query_params: { since: since.getTime() / 1000 },
    });
  }
}
