// SQL of LTV: ONE scan of the initial and value events (pre-filtered by their two names, the range
// extended by N days for the value events), aggregated per person with array functions instead of
// a self-join: the first initial event (time; group key with group-by) and the person's value
// events as (time, day, value) tuples; then each value event at or after the initial event and
// within day N becomes one (cohort, group, day offset) contribution. Offset -1 carries the person
// itself, so the same pass counts the cohort's customers. Values are bound parameters.
import { DateTime } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql } from '../common/group-by-sql.ts';
import { LOGIN_ID_PER_PERSON, LOGIN_ID_SOURCE } from '../common/person-list.ts';
import { propertySql } from '../common/property-sql.ts';
import type { LtvQuery } from './schema.ts';

/** Per-person memory bound: at most this many value events per person (range + N days) are kept
 *  (groupArray(N): beyond N an unspecified N, only robots get there). */
export const MAX_VALUE_EVENTS = 5000;

/**
 * Rows (person, first_t, first_day, first_date, gkey, vals[, login_id]) of every customer with an
 * initial event in the range, and the cohort expression over them.
 */
function perPersonSql(
  ctx: AnalysisContext<LtvQuery>,
  withLoginId: boolean,
): { readonly sql: string; readonly cohort: string } {
  const q = ctx.query;
  const { params, names } = ctx;
  const days = q.days ?? 30;
  const initial = names.event(q.initialEvent.event, 'initialEvent.event');
  const value = names.event(q.valueEvent.event, 'valueEvent.event');
  const ref = names.property('event', q.valueProperty, 'valueProperty');
  const p = propertySql(ref, params, 'e', ctx.timeZone);
  if (p.number === null) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `"${q.valueProperty}" is not a numeric property`,
      'valueProperty',
    );
  }
  const initCond = `e.event = ${params.add(initial, 'String')} AND e.time < ${params.add(
    DateTime.fromMillis(ctx.range.endMs, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss.SSS'),
    "DateTime64(3, 'UTC')",
  )} AND ${filtersSql(q.initialEvent.filters, 'initialEvent.filters', names, params, ctx.timeZone)}`;
  const valueCond = `e.event = ${params.add(value, 'String')} AND ${filtersSql(
    q.valueEvent.filters,
    'valueEvent.filters',
    names,
    params,
    ctx.timeZone,
  )}`;
  // Value events count up to the end of day N of the last cohort day: N days past the range.
  const endMs = DateTime.fromMillis(ctx.range.endMs, { zone: ctx.timeZone }).plus({ days }).toMillis();
  const source = eventSourceSql(ctx, {
    events: [initial, value],
    endMs,
    columns: {
      ini: `(${initCond})`,
      val: `(${valueCond})`,
      v: `if(${p.isSet}, ${p.number}, 0)`,
      d: 'toRelativeDayNum(e.time, {tz:String})',
      gkey: groupKeySql(ctx),
      ...(withLoginId ? LOGIN_ID_SOURCE : {}),
    },
  });
  const cohort = q.cohortPeriod === 'week' ? 'toMonday(first_date)' : 'first_date';
  // The first initial event's day and date come from its time, once per person; its group value
  // (ties by value) only with group-by: an argMin over (time, group) tuples is a generic, slow
  // aggregate (10^7 events: 0.75 s -> 0.28 s of engine CPU without it, README).
  const grouped = (q.groupBy?.length ?? 0) > 0;
  const sql = `
        SELECT person,${withLoginId ? ` ${LOGIN_ID_PER_PERSON},` : ''}
               minIf(t, ini) AS first_t,
               toInt64(toRelativeDayNum(fromUnixTimestamp64Milli(first_t), {tz:String})) AS first_day,
               toDate(fromUnixTimestamp64Milli(first_t), {tz:String}) AS first_date,
               ${grouped ? 'argMinIf(gkey, (t, gkey), ini)' : "''"} AS gkey,
               groupArrayIf(${MAX_VALUE_EVENTS})((t, d, v), val) AS vals
        FROM (${source})
        GROUP BY person
        HAVING countIf(ini) > 0`;
  return { sql, cohort };
}

/** Rows: (cohort 'YYYY-MM-DD', gkey, off, n, s); off = -1 is the cohort's customers (n). */
export function ltvSql(ctx: AnalysisContext<LtvQuery>): string {
  const perPerson = perPersonSql(ctx, false);
  const maxOffset = ctx.params.add((ctx.query.days ?? 30) - 1, 'Int64');
  return `
    SELECT cohort, gkey, off, count() AS n, sum(val) AS s
    FROM (
      SELECT toString(${perPerson.cohort}) AS cohort, gkey,
             arrayConcat([(-1, 0.)],
               arrayMap(x -> (toInt64(x.2) - first_day, x.3),
                 arrayFilter(x -> x.1 >= first_t AND toInt64(x.2) - first_day <= ${maxOffset}, vals))) AS pts
      FROM (${perPerson.sql})
    )
    ARRAY JOIN pts.1 AS off, pts.2 AS val
    GROUP BY cohort, gkey, off`;
}

/** Rows (person, login_id, cohort, gkey) of every customer in a cohort, for listing them. */
export function ltvPersonsSql(ctx: AnalysisContext<LtvQuery>): string {
  const perPerson = perPersonSql(ctx, true);
  return `SELECT person, login_id, toString(${perPerson.cohort}) AS cohort, gkey FROM (${perPerson.sql})`;
}
