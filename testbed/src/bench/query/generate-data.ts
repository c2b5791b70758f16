// Writes the benchmark's data set into ClickHouse once per size: events (events-sql.ts, loaded in
// bulk by bulk-load.ts), one person override per merged device (80% of customers) and one profile
// per customer; the views' tables (catalog, person activity, uuid index) end up as the ingestion
// pipeline would leave them. Deterministic: the same N gives the same data (uuids aside). Never
// touches any app but the benchmark's.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { BENCH_APP, DEVICE_BASE, SPAN_MS, START_MS } from './bench-data-constants.ts';
import { loadBenchEvents } from './bulk-load.ts';
import { withHeartbeat } from './heartbeat.ts';

/** Tables holding benchmark rows, cleared before a (re)load so a half-written set never doubles. */
const BENCH_TABLES = [
  'events',
  'person_overrides',
  'profiles',
  'catalog_stats',
  'person_activity',
  'event_uuids',
];

export async function benchEventCount(clickhouse: ClickHouseClient): Promise<number> {
  const rows = await (
    await clickhouse.query({
      query: 'SELECT count() AS n FROM events WHERE app_id = {app:String}',
      query_params: { app: BENCH_APP },
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

/** Writes the data set unless it is there already and complete; reports progress. */
export async function ensureBenchData(
  clickhouse: ClickHouseClient,
  events: number,
  say: (line: string) => void,
  /** CPU time the engine process has used so far, ms: load figures that hold on a shared machine. */
  engineCpuMs: () => number,
  /** File written once every step ran: the events alone are attached before the backfill and the
   * merge, so their count does not prove that a load interrupted later was finished. */
  completeMarker: string,
): Promise<void> {
  if (existsSync(completeMarker) && (await benchEventCount(clickhouse)) === events) {
    say(`data: ${events.toLocaleString('en')} events already loaded`);
    return;
  }
  rmSync(completeMarker, { force: true });
  const customers = Math.max(1000, Math.round(events / 20));
  for (const table of BENCH_TABLES) {
    await clickhouse.command({
      query: `DELETE FROM ${table} WHERE app_id = {app:String}`,
      query_params: { app: BENCH_APP },
    });
  }
  const started = Date.now();
  const cpuBefore = engineCpuMs();
  await loadBenchEvents(clickhouse, events, customers, say, engineCpuMs);
  await clickhouse.command({
    query: `INSERT INTO person_overrides (app_id, old_person_id, new_person_id, version)
      SELECT '${BENCH_APP}', ${DEVICE_BASE} + number, number, 1 FROM numbers(1, ${customers}) WHERE number % 5 != 0`,
  });
  await clickhouse.command({
    query: `INSERT INTO profiles (app_id, person_id, bank_code, branch_code, props, num_props, first_seen, last_seen, version)
      SELECT '${BENCH_APP}', number, concat('B', leftPad(toString(number % 110), 3, '0')) AS bank,
        concat(bank, '-0', toString(number % 5)),
        map('level', ['普通', '银卡', '金卡', '钻石'][1 + cityHash64(number, 9) % 4],
            'age_band', ['18-25', '26-35', '36-45', '46-60', '60+'][1 + cityHash64(number, 10) % 5]),
        map('age', toFloat64(18 + cityHash64(number, 11) % 60)),
        fromUnixTimestamp64Milli(toInt64(${START_MS})), fromUnixTimestamp64Milli(toInt64(${START_MS + SPAN_MS})), 1
      FROM numbers(1, ${customers})`,
  });
  say(
    `data: ${customers.toLocaleString('en')} customers, overrides and profiles written; ${Math.round((Date.now() - started) / 1000)} s so far`,
  );
  await withHeartbeat(
    'data: merging events',
    clickhouse.command({ query: 'OPTIMIZE TABLE events FINAL' }),
    say,
  );
  writeFileSync(completeMarker, `${JSON.stringify({ events, loadedAt: new Date().toISOString() })}\n`);
  say(
    `data: merged in ${Math.round((Date.now() - started) / 1000)} s total, engine CPU ${Math.round((engineCpuMs() - cpuBefore) / 1000)} s`,
  );
}
