// Event analysis from the `persons_by_day` projection of events (ClickHouse migration 0007, read
// through common/persons-by-day-source.ts). It serves the metrics that count events or customers
// (count, users, per_user) without filters, group-by or org narrowing (the projection keeps no
// bank), over days, weeks, months or the whole range in Shanghai: the 10^8 bench's daily
// app-start customers come from 60 rows instead of 15 M events. The customers' stored bitmaps are
// united with their resolved devices' persons. Builds SQL over bound parameters; never splices
// caller values.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { periodKeySql, periodLabelSql } from '../common/period-sql.ts';
import { personBitmapStateSql } from '../common/person-bitmap-sql.ts';
import { personsByDaySource, readsWholeUnionDays } from '../common/persons-by-day-source.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import type { EventQuery } from './schema.ts';

const COUNTING = new Set(['count', 'users', 'per_user']);

/**
 * Indices of the metrics the projection answers exactly: the whole query must read whole days of
 * its zone for the whole union (no hour granularity, other zone, global filter, group-by or org
 * narrowing), and the metric counts events or customers of one event (or any) without filters.
 */
export function personsByDayMetrics(ctx: AnalysisContext<EventQuery>): number[] {
  if (ctx.granularity === 'hour' || !readsWholeUnionDays(ctx)) return [];
  return ctx.query.metrics.flatMap((m, i) =>
    COUNTING.has(m.aggregation) && (m.filters?.length ?? 0) === 0 ? [i] : [],
  );
}

/**
 * (period, gkey '', cnt<i>, usr<i>) rows of the metrics `indices` (personsByDayMetrics), the same
 * columns as the event scan gives them; period '' holds the range totals.
 */
export function personsByDaySql(ctx: AnalysisContext<EventQuery>, indices: readonly number[]): string {
  const { params } = ctx;
  const events = indices.map((i) =>
    ctx.names.event(ctx.query.metrics[i]!.event, `metrics[${i}].event`, true),
  );
  const source = personsByDaySource(ctx, events, ctx.range.fromDate, ctx.range.toDate);
  const pk = periodKeySql(ctx, 'toDateTime(day, {tz:String})');
  const metricColumns = indices.map((i, k) => {
    const own = events[k] === ANY_EVENT ? '1' : `event = ${params.add(events[k], 'String')}`;
    return `sumIf(n, ${own}) AS cnt${i}, groupBitmapMergeIf(people, ${own}) AS usr${i}`;
  });
  return `
    WITH ${source.with}
    SELECT if(grouping(pk) = 1, '', ${periodLabelSql(ctx, 'pk')}) AS period, '' AS gkey,
           ${metricColumns.join(',\n           ')}
    FROM (
      SELECT ${pk} AS pk, event, n, if(identified, people, bitmapBuild(emptyArrayUInt64())) AS people FROM ${source.days}
      UNION ALL
      SELECT ${pk} AS pk, event, toUInt64(0) AS n, ${personBitmapStateSql('person')} AS people
      FROM (${source.resolvedDevices})
      GROUP BY day, event
    )
    GROUP BY GROUPING SETS ((pk), ())`;
}
