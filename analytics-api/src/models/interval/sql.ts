// SQL of interval analysis. Plan: ONE scan of the start and end events (pre-filtered by their
// names; end events read up to maxInterval past the range), person resolved, scoped; per person
// (and link value) two sorted, capped arrays: start (t, group) and end t. Merged with ends sorted
// before starts of the same instant, arrayReverseFill carries each end time back to the starts
// before it, so every start finds the first end strictly after it in one linear pass (no
// self-join, no per-start search). Starts are then unrolled and aggregated with GROUPING SETS
// into per-period, per-group and histogram rows in the same query.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { periodSql } from '../common/period-sql.ts';
import { propertySql } from '../common/property-sql.ts';
import { ANY_EVENT, type EventSelector } from '../common/query-schema.ts';
import { type IntervalQuery, MAX_EVENTS_PER_PERSON } from './schema.ts';

function selectorCondition(ctx: AnalysisContext<IntervalQuery>, s: EventSelector, field: string): string {
  const name = ctx.names.event(s.event, `${field}.event`, true);
  const eventCond = name === ANY_EVENT ? '1' : `e.event = ${ctx.params.add(name, 'String')}`;
  return `(${eventCond} AND ${filtersSql(s.filters, `${field}.filters`, ctx.names, ctx.params, ctx.timeZone)})`;
}

/** Histogram boundaries in ms, ascending; a "<b0" bin exists only when b0 > 0. */
export function histogramBounds(seconds: readonly number[], field: string): number[] {
  if (seconds.some((x, i) => i > 0 && x <= seconds[i - 1]!)) {
    throw new ApiError('VALIDATION_FAILED', 'histogram boundaries must be strictly ascending', field);
  }
  return seconds.map((s) => Math.round(s * 1000));
}

/** Rows (person, t, gkey, d): every start event in the range, d = ms to its next end or -1. */
function startsSql(ctx: AnalysisContext<IntervalQuery>): string {
  const q = ctx.query;
  const { params } = ctx;
  const startCond = selectorCondition(ctx, q.start, 'start');
  const endCond = selectorCondition(ctx, q.end, 'end');
  const maxMs = q.maxIntervalMinutes === undefined ? null : q.maxIntervalMinutes * 60_000;
  const where: string[] = [`(${startCond} OR ${endCond})`];
  let link = "''";
  if (q.linkProperty) {
    const ref = ctx.names.property('event', q.linkProperty, 'linkProperty');
    const p = propertySql(ref, params, 'e', ctx.timeZone);
    where.push(p.isSet);
    link = p.text;
  }
  const source = eventSourceSql(ctx, {
    events: [q.start.event, q.end.event],
    endMs: ctx.range.endMs + (maxMs ?? 0),
    where,
    columns: {
      // Start events count only inside the range; end events also up to maxInterval after it.
      isStart: `(${startCond} AND e.time < fromUnixTimestamp64Milli(${params.add(ctx.range.endMs, 'Int64')}))`,
      isEnd: endCond,
      lk: link,
      gkey: groupKeySql(ctx),
    },
  });
  const cap = Number(MAX_EVENTS_PER_PERSON);
  const tooLong = maxMs === null ? '0' : `nx - s.1 > ${params.add(maxMs, 'Int64')}`;
  // entries: (t, 0 = end | 1 = start, group) sorted, so ends of the same instant come first and a
  // start never ends at itself or at an end of the same millisecond.
  return `
    SELECT person, s.1 AS t, s.3 AS gkey, if(nx = 0 OR ${tooLong}, toInt64(-1), nx - s.1) AS d
    FROM (
      SELECT person, entries,
             arrayReverseFill(x -> x != 0, arrayMap(x -> if(x.2 = 0, x.1, 0), entries)) AS nextEnd,
             arrayFilter((x, n) -> x.2 = 1, entries, nextEnd) AS startEntries,
             arrayFilter((n, x) -> x.2 = 1, nextEnd, entries) AS startNext
      FROM (
        SELECT person,
               arraySort(arrayConcat(
                 arrayMap(x -> (x, toUInt8(0), ''), groupArrayIf(${cap})(t, isEnd)),
                 arrayMap(x -> (x.1, toUInt8(1), x.2), groupArrayIf(${cap})((t, gkey), isStart))
               )) AS entries
        FROM (${source})
        GROUP BY person, lk
      )
    )
    ARRAY JOIN startEntries AS s, startNext AS nx`;
}

export interface IntervalSql {
  /** Top group keys by intervals (only with group-by). */
  readonly topGroups: string | null;
  /** Aggregated rows; grp = grouping(gkey, period, bin). */
  readonly main: (topKeys: readonly string[]) => string;
}

export function intervalSql(ctx: AnalysisContext<IntervalQuery>, boundsMs: readonly number[]): IntervalSql {
  const starts = startsSql(ctx);
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const topGroups = grouped
    ? `SELECT gkey FROM (${starts}) GROUP BY gkey
       ORDER BY countIf(d >= 0) DESC, count() DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`
    : null;
  const bounds = ctx.params.add(boundsMs, 'Array(Int64)');
  // The full sets even without group-by (gkey is then constant): one shape of rows to read.
  const sets = '(gkey, period), (gkey), (period), (), (gkey, bin), (bin)';
  const main = (topKeys: readonly string[]) => `
    SELECT gkey, period, bin, count() AS starts, countIf(d >= 0) AS cnt,
           minIf(d, d >= 0) AS mn, maxIf(d, d >= 0) AS mx, avgIf(d, d >= 0) AS mean,
           quantilesExactLowIf(0.25, 0.5, 0.75)(d, d >= 0) AS q,
           grouping(gkey, period, bin) AS grp
    FROM (
      SELECT ${keepTopGroupsSql(ctx, 'gkey', topKeys)} AS gkey,
             ${periodSql(ctx, 'fromUnixTimestamp64Milli(t)')} AS period,
             if(d < 0, -1, arrayCount(b -> b <= d, ${bounds})) AS bin, d
      FROM (${starts})
    )
    GROUP BY GROUPING SETS (${sets})`;
  return { topGroups, main };
}
