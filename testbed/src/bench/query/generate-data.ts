// Generates the benchmark's data set inside ClickHouse (INSERT ... SELECT FROM numbers(), so 10^8
// rows never cross the wire): N events over 30 days of one app, N/20 customers in 110 banks with
// five branches each, six visits a month per customer (events within 20 minutes of a visit's
// start), one phone per customer whose anonymous events (20%) are merged into the
// customer by a person override for 80% of customers, realistic event mix (screens, logins,
// transfers with amounts, wealth and loan journeys, banners), and one profile per customer.
// Deterministic (cityHash64 of the row number): the same N gives the same data.
import type { ClickHouseClient } from '@tally/infra/clickhouse';

export const BENCH_APP = 'bench';
/** Bumped when the generated data changes, so stored data sets are regenerated. */
export const BENCH_DATA_VERSION = 2;
export const BENCH_FROM = '2026-10-01';
export const BENCH_TO = '2026-10-30';
const START_MS = Date.parse('2026-09-30T16:00:00Z'); // 2026-10-01 00:00 in Asia/Shanghai
const SPAN_MS = 30 * 86_400_000;
const CHUNK = 2_000_000;
export const DEVICE_BASE = 1_000_000_000;

const EVENT_MIX = `multiIf(
  r < 15, '$AppStart', r < 48, '$AppViewScreen', r < 58, '$Login', r < 66, 'transfer', r < 71, 'bill_pay',
  r < 77, 'wealth_view', r < 79, 'wealth_purchase', r < 85, 'loan_view', r < 88, 'loan_apply_start',
  r < 89, 'loan_apply_submit', r < 95, 'banner_click', '$AppEnd')`;

function eventsChunkSql(offset: number, count: number, customers: number): string {
  return `INSERT INTO events (app_id, event, time, receive_time, uuid, person_id, bank_code, branch_code,
      channel, os, app_version, props, num_props)
    SELECT '${BENCH_APP}', ev, t, t, generateUUIDv4(number), if(anon, ${DEVICE_BASE} + c, c),
      concat('B', leftPad(toString(c % 110), 3, '0')) AS bank,
      concat(bank, '-0', toString(c % 5)),
      if(c % 3 = 0, 'web', 'app'), if(c % 2 = 0, 'Android', 'iOS'), '5.2.0',
      mapFilter((k, v) -> v != '', map(
        'screen_name', if(ev = '$AppViewScreen', concat('screen_', toString(cityHash64(number, 5) % 30)), ''),
        'product_id', if(ev IN ('wealth_view', 'wealth_purchase', 'loan_view', 'loan_apply_start', 'loan_apply_submit'),
                         concat('P', toString(cityHash64(number, 6) % 50)), ''),
        'banner_id', if(ev = 'banner_click', concat('banner_', toString(cityHash64(number, 7) % 12)), ''))),
      mapFilter((k, v) -> v >= 0, map(
        'amount', if(ev IN ('transfer', 'wealth_purchase', 'bill_pay'), toFloat64(cityHash64(number, 8) % 100000), -1)))
    FROM (
      SELECT number,
        cityHash64(number, 1) % 100 AS r,
        ${EVENT_MIX} AS ev,
        1 + cityHash64(number, 2) % ${customers} AS c,
        cityHash64(number, 3) % 5 = 0 AS anon,
        -- Visits: each customer has 6 sessions a month (start instants fixed per customer), and an
        -- event falls within 20 minutes of one of them, so paths and sessions look like app use.
        fromUnixTimestamp64Milli(toInt64(${START_MS} + cityHash64(c, cityHash64(number, 12) % 6) % ${SPAN_MS - 1_200_000}
          + cityHash64(number, 4) % 1200000)) AS t
      FROM numbers(${offset}, ${count})
    )`;
}

export async function benchEventCount(clickhouse: ClickHouseClient): Promise<number> {
  const rows = await (
    await clickhouse.query({
      query: `SELECT count() AS n FROM events WHERE app_id = '${BENCH_APP}'`,
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

/** Writes the data set unless it is there already; reports progress. */
export async function ensureBenchData(
  clickhouse: ClickHouseClient,
  events: number,
  say: (line: string) => void,
): Promise<void> {
  if ((await benchEventCount(clickhouse)) === events) {
    say(`data: ${events.toLocaleString('en')} events already loaded`);
    return;
  }
  const customers = Math.max(1000, Math.round(events / 20));
  for (const table of ['events', 'person_overrides', 'profiles', 'catalog_stats']) {
    await clickhouse
      .command({ query: `DELETE FROM ${table} WHERE app_id = '${BENCH_APP}'` })
      .catch(() => undefined);
  }
  const started = Date.now();
  for (let offset = 0; offset < events; offset += CHUNK) {
    const count = Math.min(CHUNK, events - offset);
    await clickhouse.command({
      query: eventsChunkSql(offset, count, customers),
      clickhouse_settings: { max_insert_threads: '2' },
    });
    const done = offset + count;
    const rate = Math.round(done / ((Date.now() - started) / 1000));
    say(
      `data: ${done.toLocaleString('en')} / ${events.toLocaleString('en')} events (${Math.round((done / events) * 100)}%, ${rate.toLocaleString('en')} rows/s)`,
    );
  }
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
    `data: ${customers.toLocaleString('en')} customers, overrides and profiles written in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  await clickhouse.command({ query: 'OPTIMIZE TABLE events FINAL' }).catch(() => undefined);
  say(`data: merged in ${Math.round((Date.now() - started) / 1000)} s total`);
}
