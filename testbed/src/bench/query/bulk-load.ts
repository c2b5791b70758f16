// Loads the benchmark's events fast: the generating INSERT ... SELECT runs into a staging copy of
// `events` (same columns, sort key, partitioning and indexes, but no materialized views), whose
// partitions are then attached to `events` (a hard link per part; attaching fires no view), and
// the views' tables are backfilled once from the loaded rows (view-backfill.ts). Why: measured
// with 2 M-row chunks and 5 M customers (the 10^8 shape) on the shared 2-core machine, the insert
// with the views ran at 73-130 k rows per engine CPU second (33-68 k rows/s wall), into the
// staging copy at 660-700 k (generating the rows alone: 4-4.7 M); the per-insert person_activity
// aggregation (~1.7 M persons per chunk) is most of the difference. Never writes into `events`
// row by row and never touches a view definition.
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { BENCH_APP } from './bench-data-constants.ts';
import { EVENT_COLUMNS, eventsSelectSql } from './events-sql.ts';
import { withHeartbeat } from './heartbeat.ts';
import { backfillViews } from './view-backfill.ts';

const STAGING = 'bench_events_load';
/** Rows per generating statement: one progress line each, ~20-60 s on this machine. */
const CHUNK = 10_000_000;
const INSERT_SETTINGS = {
  max_insert_threads: '2',
  // Bigger blocks make bigger (fewer) parts, so fewer background merges compete with the load.
  min_insert_block_size_rows: '4194304',
  min_insert_block_size_bytes: '1073741824',
};

export async function loadBenchEvents(
  clickhouse: ClickHouseClient,
  events: number,
  customers: number,
  say: (line: string) => void,
  engineCpuMs: () => number,
): Promise<void> {
  await clickhouse.command({ query: `DROP TABLE IF EXISTS ${STAGING} SYNC` });
  await clickhouse.command({ query: `CREATE TABLE ${STAGING} AS events` });
  const started = Date.now();
  const cpuBefore = engineCpuMs();
  for (let offset = 0; offset < events; offset += CHUNK) {
    const count = Math.min(CHUNK, events - offset);
    await withHeartbeat(
      `data: events ${offset.toLocaleString('en')}+`,
      clickhouse.command({
        query: `INSERT INTO ${STAGING} (${EVENT_COLUMNS}) ${eventsSelectSql(offset, count, customers)}`,
        clickhouse_settings: INSERT_SETTINGS,
      }),
      say,
    );
    const done = offset + count;
    const rate = Math.round(done / ((Date.now() - started) / 1000));
    const cpuRate = Math.round(done / (Math.max(1, engineCpuMs() - cpuBefore) / 1000));
    say(
      `data: ${done.toLocaleString('en')} / ${events.toLocaleString('en')} events (${Math.round((done / events) * 100)}%, ` +
        `${rate.toLocaleString('en')} rows/s, ${cpuRate.toLocaleString('en')} rows per engine CPU second)`,
    );
  }
  const partitions = await (
    await clickhouse.query({
      query: `SELECT DISTINCT partition_id FROM system.parts
        WHERE database = currentDatabase() AND table = {table:String} AND active ORDER BY partition_id`,
      query_params: { table: STAGING },
      format: 'JSONEachRow',
    })
  ).json<{ partition_id: string }>();
  for (const { partition_id } of partitions) {
    await clickhouse.command({
      query: `ALTER TABLE events ATTACH PARTITION ID {id:String} FROM ${STAGING}`,
      query_params: { id: partition_id },
    });
  }
  await clickhouse.command({ query: `DROP TABLE ${STAGING} SYNC` });
  say(
    `data: events loaded and attached in ${Math.round((Date.now() - started) / 1000)} s, engine CPU ${Math.round((engineCpuMs() - cpuBefore) / 1000)} s`,
  );
  // ~1.5 M persons per slice: the size one pass handled in memory at 10^7 events (30-40 s).
  const slices = { column: 'person_id', count: Math.max(1, Math.ceil(events / 15_000_000)) };
  await backfillViews(clickhouse, 'events', BENCH_APP, slices, say);
}
