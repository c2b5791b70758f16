// SQL of retention. Plan: one scan of the initial and return events (initial events from the
// start of history in first-time mode, return events up to the last cohort's period N), person
// resolved; per person, the cohort entries (the period of each initial event in range, or of the
// first ever) with their first initial time, then per entry the offsets of the later periods it
// returned in (or 1..furthest for "on or after") and, for period 0, whether a return came after
// the initial event; one sumMap counts entries per (cohort, offset). Periods are
// calendar days / Monday weeks / months in the query's zone, as relative numbers.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { periodKeySql, periodLabelSql } from '../common/period-sql.ts';
import { LOGIN_ID_PER_PERSON, LOGIN_ID_SOURCE } from '../common/person-list.ts';
import { ANY_EVENT, type EventSelector } from '../common/query-schema.ts';
import type { RetentionQuery } from './schema.ts';

/** The low 44 bits of a packed event: its time in ms. */
const TIME_MASK = 2 ** 44 - 1;

/** A period's relative number (consecutive periods differ by 1), from a Date. */
export const RELATIVE_PERIOD = {
  day: 'toRelativeDayNum',
  week: 'toRelativeWeekNum',
  month: 'toRelativeMonthNum',
} as const;

function selectorCondition(
  ctx: AnalysisContext<RetentionQuery>,
  selector: EventSelector,
  field: string,
): string {
  const name = ctx.names.event(selector.event, `${field}.event`, true);
  const eventCond = name === ANY_EVENT ? '1' : `e.event = ${ctx.params.add(name, 'String')}`;
  return `(${eventCond} AND ${filtersSql(selector.filters, `${field}.filters`, ctx.names, ctx.params, ctx.timeZone)})`;
}

export interface RetentionSql {
  readonly topGroups: string | null;
  /** One row per cohort entry: person (and login_id when asked for), cohort, gkey, r0, back. */
  readonly entries: (topKeys: readonly string[]) => string;
  readonly cohorts: (topKeys: readonly string[]) => string;
}

export interface RetentionSqlOptions {
  /** Carry each person's login id (listing customers); off for counts, it is a String column read. */
  readonly withLoginId?: boolean;
}

export function retentionSql(
  ctx: AnalysisContext<RetentionQuery>,
  returnEndMs: number,
  options: RetentionSqlOptions = {},
): RetentionSql {
  const { query, params } = ctx;
  const period = query.period ?? 'day';
  const n = query.periods ?? 7;
  const firstTime = query.mode === 'first_time';
  const initCond = selectorCondition(ctx, query.initial, 'initial');
  const retCond = selectorCondition(ctx, query.returning, 'returning');
  const start = params.add(ctx.range.startMs, 'Int64');
  const end = params.add(ctx.range.endMs, 'Int64');
  const names = [query.initial.event, query.returning.event];
  const periodNumber = `${RELATIVE_PERIOD[period]}(toDate(e.time, {tz:String}))`;
  const source = eventSourceSql(ctx, {
    events: names.includes(ANY_EVENT) ? 'any' : names,
    startMs: firstTime ? 0 : ctx.range.startMs,
    endMs: returnEndMs,
    // In first-time mode history before the range is read for initial events only.
    where: firstTime ? [`(${initCond} OR e.time >= fromUnixTimestamp64Milli(${start}))`] : [],
    columns: {
      isInit: initCond,
      isRet: retCond,
      p: periodNumber,
      // Packed form (below); the engine drops whichever of p / pk the entry SQL does not read.
      pk: `bitShiftLeft(toUInt64(${periodNumber}), 44) + toUInt64(toUnixTimestamp64Milli(e.time))`,
      gkey: groupKeySql(ctx),
      ...(options.withLoginId ? LOGIN_ID_SOURCE : {}),
    },
  });
  const loginId = options.withLoginId ? `${LOGIN_ID_PER_PERSON}, ` : '';
  const keepLoginId = options.withLoginId ? 'login_id, ' : '';
  // Per entry: period 0 (a return after the entry's first initial event, same period) and the
  // distinct later periods returned in, as offsets 1..N; "on or after" turns the furthest offset
  // into 1..furthest. sumMap over offsets then counts entries per period in one aggregation.
  // `distinct`: the offsets are already distinct (one per return period).
  const returnedIn = (offsets: string, distinct = false) =>
    query.window === 'on_or_after'
      ? `range(1, toUInt64(greatest(0, least(${n}, arrayMax(arrayPushBack(${offsets}, 0)))) + 1))`
      : distinct
        ? `arrayFilter(d -> d >= 1 AND d <= ${n}, ${offsets})`
        : `arrayDistinct(arrayFilter(d -> d >= 1 AND d <= ${n}, ${offsets}))`;
  // Without group-by each event is one number, period << 44 | time in ms (times are within years
  // of now, < 2^44; periods are relative day / week / month numbers): a person's events collect
  // into a plain numeric array and the entry is a numeric min, ~1.6x faster than arrays of
  // (time, period, group) tuples (measured in the models README, "Performance").
  const entrySql = (query.groupBy?.length ?? 0) === 0 ? packedEntrySql() : tupleEntrySql();
  function packedEntrySql(): string {
    const P = (x: string) => `toInt64(bitShiftRight(${x}, 44))`;
    const T = (x: string) => `toInt64(bitAnd(${x}, ${TIME_MASK}))`;
    if (firstTime) {
      // One entry per customer at most: the earliest initial event ever, if inside the range.
      return `
    SELECT person, ${keepLoginId}(${T('first')}, ${P('first')}, '') AS en,
           arrayExists(r -> ${P('r')} = ${P('first')} AND r > first, rets) AS r0,
           arrayMap(d -> toUInt64(d), ${returnedIn(`arrayMap(r -> ${P('r')} - ${P('first')}, rets)`)}) AS back
    FROM (
      SELECT person, ${loginId}minIf(pk, isInit) AS first, groupArrayIf(pk, isRet) AS rets
      FROM (${source})
      GROUP BY person
      HAVING countIf(isInit) > 0
    )
    WHERE ${T('first')} >= ${start} AND ${T('first')} < ${end}`;
    }
    // Recurring: an entry per period with an initial event before the range end (reading starts
    // at the range start), at its earliest. Each entry looks at the customer's return periods
    // (the last return of each, sorted), not at every return: after the ARRAY JOIN each entry
    // carries those few numbers instead of all the events (10^7 bench 317 -> 296 ms, 10^8
    // 2.91 -> 2.74 s, same results). With the same initial and return event (e.g. app start ->
    // app start) one sorted array serves both (0.29 s -> 0.27 s).
    const sameEvents = JSON.stringify(query.initial) === JSON.stringify(query.returning);
    const collected = sameEvents
      ? `arraySort(groupArrayIf(pk, isRet)) AS rets, arrayFilter(x -> ${T('x')} < ${end}, rets) AS inits`
      : `arraySort(groupArrayIf(pk, isInit AND t < ${end})) AS inits, arraySort(groupArrayIf(pk, isRet)) AS rets`;
    return `
    SELECT person, ${keepLoginId}(${T('x')}, ${P('x')}, '') AS en,
           -- Period 0: the period's last return comes after the entry.
           lasts[indexOf(ps, ${P('x')})] > x AS r0,
           arrayMap(d -> toUInt64(d), ${returnedIn(`arrayMap(p -> p - ${P('x')}, ps)`, true)}) AS back
    FROM (
      SELECT person, ${keepLoginId}
             arrayFilter((x, prev) -> ${P('x')} != ${P('prev')}, inits, arrayShiftRight(inits, 1)) AS starts,
             arrayFilter((r, next) -> ${P('r')} != ${P('next')}, rets, arrayShiftLeft(rets, 1)) AS lasts,
             arrayMap(r -> ${P('r')}, lasts) AS ps
      FROM (
        SELECT person, ${loginId}
               ${collected}
        FROM (${source})
        GROUP BY person
      )
    )
    ARRAY JOIN starts AS x`;
  }
  function tupleEntrySql(): string {
    const inRange = (x: string) => `${x}.1 >= ${start} AND ${x}.1 < ${end}`;
    const starts = firstTime
      ? `if(length(inits) > 0 AND ${inRange('arraySort(inits)[1]')}, [arraySort(inits)[1]], [])`
      : `arrayMap(c -> arraySort(arrayFilter(x -> x.2 = c, inits))[1], arrayDistinct(arrayMap(x -> x.2, arrayFilter(x -> ${inRange('x')}, inits))))`;
    // inits / rets: (t ms, period number, group key); an entry is the earliest initial event of its
    // period (ties by group value).
    return `
    SELECT person, ${keepLoginId}en,
           arrayExists(r -> r.2 = en.2 AND r.1 > en.1, rets) AS r0,
           arrayMap(d -> toUInt64(d), ${returnedIn('arrayMap(r -> toInt64(r.2) - toInt64(en.2), rets)')}) AS back
    FROM (
      SELECT person, ${loginId}
             groupArrayIf((t, p, gkey), isInit) AS inits,
             groupArrayIf((t, p, gkey), isRet) AS rets
      FROM (${source})
      GROUP BY person
    )
    ARRAY JOIN ${starts} AS en`;
  }
  const grouped = (query.groupBy?.length ?? 0) > 0;
  const topGroups = grouped
    ? `SELECT en.3 AS gkey FROM (${entrySql}) GROUP BY gkey ORDER BY count() DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`
    : null;
  // ck, the cohort's period key, is what the table groups by; its label is made on the output
  // rows (a label per entry costs more than the grouping). `cohort` (the label) is for listings.
  const entries = (topKeys: readonly string[]) => `
      SELECT person, ${keepLoginId}${periodKeySql(ctx, 'fromUnixTimestamp64Milli(en.1)', period)} AS ck,
             ${periodLabelSql(ctx, 'ck', period)} AS cohort,
             ${keepTopGroupsSql(ctx, 'en.3', topKeys)} AS gkey, r0, back
      FROM (${entrySql})`;
  const cohorts = (topKeys: readonly string[]) => `
    SELECT ${periodLabelSql(ctx, 'ck', period)} AS cohort, gkey, count() AS size, sum(r0) AS r0,
           sumMap(back, arrayMap(d -> toUInt64(1), back)) AS returned
    FROM (${entries(topKeys)})
    GROUP BY ck, gkey
    ORDER BY ck, gkey`;
  return { topGroups, entries, cohorts };
}
