// The SELECT that generates one slice of the benchmark's events inside ClickHouse (from numbers(),
// so 10^8 rows never cross the wire): N/20 customers in 110 banks with five branches each, six
// visits a month per customer (an event falls within 20 minutes of one of its customer's six
// visit starts, so a visit is ~3 events and sessions look like app use), 20% anonymous device
// events (person DEVICE_BASE + customer, no login id; the others carry login id 'C' + customer),
// a realistic event mix with amounts and product, screen and banner properties. Deterministic (cityHash64 of the row number), except the uuid, which is
// random like an SDK's. Built only from the benchmark's constants; never from caller input.
import { BENCH_APP, DEVICE_BASE, SPAN_MS, START_MS } from './bench-data-constants.ts';

const VISIT_MS = 1_200_000;

const EVENT_MIX = `multiIf(
  r < 15, '$AppStart', r < 48, '$AppViewScreen', r < 58, '$Login', r < 66, 'transfer', r < 71, 'bill_pay',
  r < 77, 'wealth_view', r < 79, 'wealth_purchase', r < 85, 'loan_view', r < 88, 'loan_apply_start',
  r < 89, 'loan_apply_submit', r < 95, 'banner_click', '$AppEnd')`;

/** Columns the SELECT fills, in its order (the rest of `events` take their defaults). */
export const EVENT_COLUMNS = `app_id, event, time, receive_time, uuid, person_id, login_id, bank_code, branch_code,
      channel, os, app_version, props, num_props`;

/** Events number `offset` .. `offset + count - 1` of a data set with `customers` customers. */
export function eventsSelectSql(offset: number, count: number, customers: number): string {
  return `SELECT '${BENCH_APP}', ev, t, t, generateUUIDv4(number), if(anon, ${DEVICE_BASE} + c, c),
      -- A customer's events carry the login id, as the ingestion writes them; a device's do not.
      if(anon, '', concat('C', toString(c))),
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
        -- Visit k (0..5) of customer c starts at a fixed instant; the event lands within 20 minutes.
        fromUnixTimestamp64Milli(toInt64(${START_MS} + cityHash64(c, cityHash64(number, 12) % 6) % ${SPAN_MS - VISIT_MS}
          + cityHash64(number, 4) % ${VISIT_MS})) AS t
      FROM numbers(${offset}, ${count})
    )`;
}
