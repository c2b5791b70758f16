// SQL of attribution: ONE scan of the target, touchpoint and key events (pre-filtered by their
// names; the range extended back by the lookback), aggregated per person into arrays -- the
// conversions (t, link, value), the touchpoints sorted by (t, key) and the key events -- instead
// of joining touchpoints to conversions. Each conversion (ARRAY JOIN) filters its valid
// touchpoints with array functions and spreads one conversion of credit over them under every
// model at once; the rows then sum per touchpoint key. '' is the key of unattributed conversions.
// With group-by, the rows sum per (conversion group, touchpoint key) and groups-sql.ts keeps the top N.
// Without link property, key event or group-by, touchpoints are single numbers (time | key rank,
// packed-touches-sql.ts) and ranks become keys on the output rows.
// Per person at most MAX_CONVERSIONS conversions and MAX_TOUCHES touchpoints / key events are kept. Values and names are bound parameters.
import { DateTime } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql } from '../common/group-by-sql.ts';
import { propertySql } from '../common/property-sql.ts';
import { topGroupsSql } from './groups-sql.ts';
import { packedTouches } from './packed-touches-sql.ts';
import type { AttributionQuery } from './schema.ts';

export const TOUCH_SEPARATOR = '\u001f';
/** Per-person memory bound: at most this many conversions / touchpoints / key events are kept per
 *  person (groupArray(N), which beyond N keeps an unspecified N: only robots get there). Chosen
 *  over groupArraySorted(N), which measured twice as slow on the bench data. */
export const MAX_CONVERSIONS = 1000;
export const MAX_TOUCHES = 2000;
const DAY_MS = 86_400_000;

function check(ctx: AnalysisContext<AttributionQuery>): void {
  const q = ctx.query;
  q.touchpoints.forEach((tp, i) => {
    if (tp.event === q.targetEvent.event) {
      throw new ApiError(
        'VALIDATION_FAILED',
        'a touchpoint cannot be the target event',
        `touchpoints[${i}].event`,
      );
    }
  });
  if (q.keyEvent?.event === q.targetEvent.event) {
    throw new ApiError('VALIDATION_FAILED', 'the key event cannot be the target event', 'keyEvent.event');
  }
}

export function attributionSql(ctx: AnalysisContext<AttributionQuery>): string {
  check(ctx);
  const q = ctx.query;
  const { params, names, timeZone } = ctx;
  const filters = (f: AttributionQuery['targetEvent']['filters'], field: string) =>
    filtersSql(f, field, names, params, timeZone);
  const eventProp = (name: string, field: string) =>
    propertySql(names.property('event', name, field), params, 'e', timeZone);

  const target = names.event(q.targetEvent.event, 'targetEvent.event');
  const rangeStart = params.add(
    DateTime.fromMillis(ctx.range.startMs, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss.SSS'),
    "DateTime64(3, 'UTC')",
  );
  const convCond = `e.event = ${params.add(target, 'String')} AND e.time >= ${rangeStart} AND ${filters(
    q.targetEvent.filters,
    'targetEvent.filters',
  )}`;
  // The touchpoint key of an event: "<index>\u001f<split value>" of the first touchpoint it
  // matches, '' when it matches none.
  const keyArms: string[] = [];
  const touchNames = q.touchpoints.map((tp, i) => {
    const name = names.event(tp.event, `touchpoints[${i}].event`);
    const split = tp.splitBy ? eventProp(tp.splitBy, `touchpoints[${i}].splitBy`).text : "''";
    keyArms.push(
      `e.event = ${params.add(name, 'String')} AND ${filters(tp.filters, `touchpoints[${i}].filters`)}`,
      `concat('${i}${TOUCH_SEPARATOR}', ${split})`,
    );
    return name;
  });
  const keyName = q.keyEvent ? names.event(q.keyEvent.event, 'keyEvent.event') : null;
  const keyCond = q.keyEvent
    ? `e.event = ${params.add(keyName, 'String')} AND ${filters(q.keyEvent.filters, 'keyEvent.filters')}`
    : '0';
  const link = q.linkProperty ? eventProp(q.linkProperty, 'linkProperty').text : "''";
  let value = '0';
  if (q.valueProperty) {
    const p = eventProp(q.valueProperty, 'valueProperty');
    if (p.number === null) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `"${q.valueProperty}" is not a numeric property`,
        'valueProperty',
      );
    }
    value = `if(${p.isSet}, ${p.number}, 0)`;
  }
  const lookbackMs = (q.lookbackDays ?? 7) * DAY_MS;
  const grouped = (q.groupBy?.length ?? 0) > 0;
  const tkey = `multiIf(${keyArms.join(', ')}, '')`;
  // Without link, key event or group-by a touchpoint is a time and a key: one number.
  const packed =
    grouped || keyName || q.linkProperty
      ? null
      : packedTouches(ctx, {
          tkey,
          splitEvents: touchNames.filter((_, i) => q.touchpoints[i]!.splitBy),
          fixedKeys: q.touchpoints.flatMap((tp, i) => (tp.splitBy ? [] : [`${i}${TOUCH_SEPARATOR}`])),
          startMs: ctx.range.startMs - lookbackMs,
        });
  const events = eventSourceSql(ctx, {
    events: [target, ...touchNames, ...(keyName ? [keyName] : [])],
    startMs: ctx.range.startMs - lookbackMs,
    columns: {
      conv: `(${convCond})`,
      tkey,
      ...(packed ? { pk: packed.packed } : {}),
      isKey: `(${keyCond})`,
      link,
      v: `toFloat64(${value})`,
      // The conversion's group: its own event property, or the customer's profile.
      ...(grouped ? { gkey: groupKeySql(ctx) } : {}),
    },
  });
  // Only customers who converted need their touchpoints gathered: a semi-join on the converters
  // (a cheap read of the target event, which is in the sort key) drops everyone else's rows first.
  const converters = eventSourceSql(ctx, { events: [target], where: [convCond] });
  const source = `SELECT * FROM (${events}) WHERE person IN (SELECT person FROM (${converters}))`;
  const lookback = params.add(lookbackMs, 'Int64');
  const halfLife = params.add((q.halfLifeDays ?? 7) * DAY_MS, 'Float64');
  // A touchpoint is valid for conversion c when it lies in [c - lookback, c], and, with a key event,
  // a key event lies between it and c (linked to c when there is a link property); without a key
  // event the link property ties the touchpoint itself to c.
  // "Some key event between x and c" is "x no later than c's last (linked) key event", computed
  // once per conversion: a lambda over touchpoints must not capture the keys array (ClickHouse
  // would copy it per touchpoint).
  // A touchpoint x's time and key, and a conversion c's value, in either shape.
  const xTime = packed ? packed.time('x') : 'x.1';
  const xKey = packed ? packed.rank('x') : 'x.2';
  const cValue = packed ? 'c.2' : 'c.3';
  let valid = `${xTime} >= c.1 - ${lookback} AND ${xTime} <= c.1`;
  let lastKey = 'toInt64(-1)';
  if (keyName) {
    const linked = q.linkProperty ? " AND c.2 != '' AND k.2 = c.2" : '';
    lastKey = `arrayMax(arrayConcat([toInt64(-1)], arrayMap(k -> k.1, arrayFilter(k -> k.1 <= c.1${linked}, keys))))`;
    valid += ' AND x.1 <= last_key';
  } else if (q.linkProperty) {
    valid += " AND c.2 != '' AND x.3 = c.2";
  }
  // Grouped: each conversion carries its group key as a 4th tuple element (also a final tie-break
  // of the sort, so which conversions a capped person keeps stays defined up to equal tuples).
  const convTuple = grouped ? '(t, link, v, gkey)' : packed ? '(t, v)' : '(t, link, v)';
  const touches = packed ? 'pk' : '(t, tkey, link)';
  const perTouch = `${packed ? packed.dictionary : ''}
    SELECT ${grouped ? 'gkey, ' : ''}${packed ? "if(tr = 0, '', touchKeys[tr]) AS tkey" : 'tkey'}, count() AS rows, countIf(i = 1) AS heads, sumIf(v, i = 1) AS head_value,
           sum(v) AS all_value, countIf(fresh) AS touched,
           sum(w.1) AS c_first, sum(w.2) AS c_last, sum(w.3) AS c_linear, sum(w.4) AS c_position,
           sum(w.5) AS c_decay,
           sum(w.1 * v) AS v_first, sum(w.2 * v) AS v_last, sum(w.3 * v) AS v_linear,
           sum(w.4 * v) AS v_position, sum(w.5 * v) AS v_decay
    FROM (
      SELECT ${cValue} AS v, ${grouped ? 'c.4 AS gkey, ' : ''}length(valid) AS n,
             arraySum(x -> pow(2, (${xTime} - c.1) / ${halfLife}), valid) AS decay_sum,
             if(n = 0, [(${packed ? 'toUInt32(0)' : "''"}, 1, 0, (0., 0., 0., 0., 0.))],
                arrayMap((x, i, u) -> (${xKey}, i, u = 1,
                  (toFloat64(i = 1), toFloat64(i = n), 1 / n,
                   multiIf(n = 1, 1., n = 2, 0.5, i = 1 OR i = n, 0.4, 0.2 / (n - 2)),
                   pow(2, (${xTime} - c.1) / ${halfLife}) / decay_sum)),
                  valid, arrayEnumerate(valid), arrayEnumerateUniq(arrayMap(x -> ${xKey}, valid)))) AS credits
      FROM (
        SELECT person,
               arraySort(groupArrayIf(${MAX_CONVERSIONS})(${convTuple}, conv)) AS convs,
               arraySort(groupArrayIf(${MAX_TOUCHES})(${touches}, tkey != '')) AS touches
               ${keyName ? `, groupArrayIf(${MAX_TOUCHES})((t, link), isKey) AS keys` : ''}
        FROM (${source})
        GROUP BY person
        HAVING countIf(conv) > 0
      )
      ARRAY JOIN convs AS c
      ARRAY JOIN [${lastKey}] AS last_key
      ARRAY JOIN [arrayFilter(x -> ${valid}, touches)] AS valid
    )
    ARRAY JOIN credits.1 AS ${packed ? 'tr' : 'tkey'}, credits.2 AS i, credits.3 AS fresh, credits.4 AS w
    GROUP BY ${grouped ? 'gkey, ' : ''}${packed ? 'tr' : 'tkey'}`;
  return grouped ? topGroupsSql(ctx, perTouch) : perTouch;
}
