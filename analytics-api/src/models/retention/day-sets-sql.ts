// Recurring retention from per-day customer sets: the cohort table of a query without filters,
// group-by or org narrowing, in Shanghai days, weeks or months, "on" or "on or after" period k.
// A cohort is the set of customers with the initial event in its period (within the range), its
// cell k the intersection with the set of customers with the return event in period k (or from
// k on): bitmaps merged from the `persons_by_day` projection (common/persons-by-day-source.ts),
// so periods 1..N never touch a customer's events. Period 0 depends on the order of a customer's
// events within the period (a return after the entry's first initial event), which no per-day
// set holds: it is one scan of the cohort periods' initial and return events, grouped by
// (customer, period).
// 10^8 bench (app start -> app start, 30 days), engine alone, interleaved: 2.78-3.07 -> 2.2-2.7 s
// (CPU -18 to -25%); the sets take ~0.75 s, period 0 the rest (../README.md, "Retention").
// Builds SQL over bound parameters; never splices caller values.
import { DateTime } from 'luxon';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { personBitmapStateSql } from '../common/person-bitmap-sql.ts';
import {
  PERSONS_BY_DAY_ZONE,
  personsByDaySource,
  readsWholeUnionDays,
} from '../common/persons-by-day-source.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import type { RetentionPeriod, RetentionQuery } from './schema.ts';
import { RELATIVE_PERIOD } from './sql.ts';

/** A period's first day (the cohort label), from any of its days. */
const PERIOD_START = {
  day: (d: string) => d,
  week: (d: string) => `toMonday(${d})`,
  month: (d: string) => `toStartOfMonth(${d})`,
} as const;

/** Whether per-day sets answer the query exactly (else the scan of retention/sql.ts does). */
export function retentionByDaySets(ctx: AnalysisContext<RetentionQuery>): boolean {
  const { query } = ctx;
  return (
    readsWholeUnionDays(ctx) &&
    (query.mode ?? 'recurring') === 'recurring' &&
    (query.initial.filters?.length ?? 0) === 0 &&
    (query.returning.filters?.length ?? 0) === 0
  );
}

export interface DaySetsReach {
  readonly period: RetentionPeriod;
  readonly n: number;
  /** End of the return events read: the last cohort's period N. */
  readonly returnEndMs: number;
  /** End of the last cohort's period 0. */
  readonly zeroEndMs: number;
}

/**
 * Rows (cohort, gkey '', size, r0, returned: [offsets 1..N, customers]) as retentionSql's
 * `cohorts` gives them, for a query retentionByDaySets accepts.
 */
export function retentionByDaySetsSql(ctx: AnalysisContext<RetentionQuery>, reach: DaySetsReach): string {
  const { query, params } = ctx;
  const { period, n } = reach;
  const init = ctx.names.event(query.initial.event, 'initial.event', true);
  const ret = ctx.names.event(query.returning.event, 'returning.event', true);
  const isEvent = (name: string, column: string) =>
    name === ANY_EVENT ? '1' : `${column} = ${params.add(name, 'String')}`;

  // Periods 1..N: per-period customer sets from the projection's days.
  const lastDay = DateTime.fromMillis(reach.returnEndMs - 1, { zone: PERSONS_BY_DAY_ZONE }).toISODate()!;
  const source = personsByDaySource(ctx, [init, ret], ctx.range.fromDate, lastDay);
  const lastCohortDay = params.add(ctx.range.toDate, 'Date');
  const sets = `
      SELECT day, event, groupBitmapMergeState(people) AS people
      FROM (
        SELECT day, event, people FROM ${source.days} WHERE identified
        UNION ALL
        SELECT day, event, ${personBitmapStateSql('person')} AS people
        FROM (${source.resolvedDevices})
        GROUP BY day, event
      )
      GROUP BY day, event`;
  const perPeriod = `
        SELECT ${RELATIVE_PERIOD[period]}(day) AS p, toString(any(${PERIOD_START[period]('day')})) AS label,
               groupBitmapMergeStateIf(people, ${isEvent(init, 'event')} AND day <= ${lastCohortDay}) AS inits,
               groupBitmapMergeStateIf(people, ${isEvent(ret, 'event')}) AS rets
        FROM (${sets})
        GROUP BY p`;
  // "On or after" period k: the customers with a return in any period from k on, i.e. in the
  // union of the return sets of every later period, built once for all cohorts (a running union
  // from the last period back).
  const onOrAfter = query.window === 'on_or_after';
  const periods = `
      SELECT groupArray(p) AS ps, groupArray(label) AS labels, groupArray(inits) AS initSets,
             groupArray(rets) AS retSets
      FROM (${
        onOrAfter
          ? `
        SELECT p, label, inits,
               groupBitmapMergeState(rets) OVER (ORDER BY p DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS rets
        FROM (${perPeriod})`
          : perPeriod
      }
      )`;
  // The return set of cell k: period p + k itself ("on"), or the first period from p + k on
  // whose running union holds every later return ("on or after"); 0 when there is none.
  const returnSet = onOrAfter
    ? 'indexOf(ps, arrayMin(arrayFilter(x -> x >= p + k, ps)))'
    : 'indexOf(ps, p + k)';

  // Period 0: per (customer, period) the first initial event in the range and the last return.
  // A condition the read itself already ensures is left out (the event when both are one, the
  // range end when the last cohort's period 0 ends with it): ~9% of the query at 10^8.
  const sameEvents = init === ret;
  const initConditions = [
    ...(sameEvents ? [] : [isEvent(init, 'e.event')]),
    ...(reach.zeroEndMs > ctx.range.endMs
      ? [`e.time < fromUnixTimestamp64Milli(${params.add(ctx.range.endMs, 'Int64')})`]
      : []),
  ].filter((c) => c !== '1');
  const isInit = initConditions.join(' AND ') || '1';
  const isRet = sameEvents ? '1' : isEvent(ret, 'e.event');
  const zeroSource = eventSourceSql(ctx, {
    events: [init, ret].includes(ANY_EVENT) ? 'any' : [init, ret],
    endMs: reach.zeroEndMs,
    columns: {
      isInit,
      isRet,
      p: `${RELATIVE_PERIOD[period]}(toDate(e.time, {tz:String}))`,
    },
  });
  // (customer, period) as one UInt128 (customer << 32 | period number): one hashed key.
  // Event times are positive, so a first initial time of 0 means "no initial event".
  const zero = `
      SELECT groupArray(p) AS zps, groupArray(r0) AS zr
      FROM (
        SELECT toInt64(bitAnd(cp, 4294967295)) AS p, countIf(first > 0 AND last > first) AS r0
        FROM (
          SELECT bitShiftLeft(toUInt128(person), 32) + toUInt128(p) AS cp,
                 ${isInit === '1' ? 'min(t)' : 'minIf(t, isInit)'} AS first,
                 ${isRet === '1' ? 'max(t)' : 'maxIf(t, isRet)'} AS last
          FROM (${zeroSource})
          GROUP BY cp
        )
        GROUP BY p
      )`;

  const offsets = `range(1, ${n + 1})`;
  return `
    WITH ${source.with}
    SELECT cohort, '' AS gkey, bitmapCardinality(initSet) AS size, zr[indexOf(zps, p)] AS r0,
           (${offsets}, arrayMap(k -> if(${returnSet} = 0, toUInt64(0),
                                      bitmapAndCardinality(initSet, retSets[${returnSet}])), ${offsets})) AS returned
    FROM (
      SELECT arrayJoin(arrayEnumerate(ps)) AS i, ps[i] AS p, labels[i] AS cohort, initSets[i] AS initSet, ps, retSets
      FROM (${periods}) AS periods
    ) AS cohorts
    CROSS JOIN (${zero}) AS zero
    WHERE size > 0
    ORDER BY cohort`;
}
