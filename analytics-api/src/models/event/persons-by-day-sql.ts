// Event analysis from the `persons_by_day` projection of events (ClickHouse migration 0007): per
// (app, event, day in Asia/Shanghai, has a login id) the event count and a bitmap of the events'
// persons at ingestion. It serves the metrics that count events or customers (count, users,
// per_user) without filters, group-by or org narrowing (the projection keeps no bank), over
// days, weeks, months or the whole range in that zone: the 10^8 bench's daily app-start customers
// come from 60 rows instead of 15 M events. A customer's own events (with a login id) belong to
// that customer for good (identity rules 1 and 4), so their bitmaps are used as stored; the
// devices' persons are resolved through ID-Mapping as the event scan resolves them and united
// with them. ClickHouse reads a part without the projection row by row, so the answer is the
// scan's either way. Builds SQL over bound parameters; never splices caller values.
import { personResolutionSql } from '../../identity/resolved-person-sql.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { periodKeySql, periodLabelSql } from '../common/period-sql.ts';
import { personBitmapStateSql } from '../common/person-bitmap-sql.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import type { EventQuery } from './schema.ts';

/** The zone of the projection's days; must stay the one written in migration 0007. */
export const PERSONS_BY_DAY_ZONE = 'Asia/Shanghai';

const COUNTING = new Set(['count', 'users', 'per_user']);

/**
 * A zone's canonical IANA name: browsers in China may report a link of Asia/Shanghai
 * (Asia/Chongqing, Asia/Harbin, PRC), whose days are Shanghai's.
 */
const canonicalZone = (zone: string): string =>
  new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;

/**
 * Indices of the metrics the projection answers exactly: the whole query must read whole days of
 * its zone for the whole union (no hour granularity, other zone, global filter, group-by or org
 * narrowing), and the metric counts events or customers of one event (or any) without filters.
 */
export function personsByDayMetrics(ctx: AnalysisContext<EventQuery>): number[] {
  const wholeQuery =
    canonicalZone(ctx.timeZone) === PERSONS_BY_DAY_ZONE &&
    ctx.granularity !== 'hour' &&
    ctx.scope.bankCodes === 'all' &&
    ctx.scope.branchCodes === undefined &&
    ctx.globalFilterSql === '1' &&
    (ctx.query.groupBy?.length ?? 0) === 0;
  if (!wholeQuery) return [];
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
  // The zone is our constant, written as a literal so the day expression is the projection's.
  const day = `toDate(e.time, '${PERSONS_BY_DAY_ZONE}')`;
  const conditions = [
    'e.app_id = {app:String}',
    `${day} >= ${params.add(ctx.range.fromDate, 'Date')}`,
    `${day} <= ${params.add(ctx.range.toDate, 'Date')}`,
  ];
  if (!events.includes(ANY_EVENT))
    conditions.push(`e.event IN ${params.add([...new Set(events)], 'Array(String)')}`);
  const days = `
    SELECT ${day} AS day, e.event AS event, e.login_id > '' AS identified,
           count() AS n, groupBitmapState(e.person_id) AS people
    FROM events AS e
    WHERE ${conditions.join(' AND ')}
    GROUP BY day, event, identified`;
  const pk = periodKeySql(ctx, 'toDateTime(day, {tz:String})');
  // The devices' persons, resolved as the event scan resolves them (same route).
  const resolution = personResolutionSql(ctx.personResolution === 'dictionary', 'e');
  const devices = `SELECT day, event, arrayJoin(bitmapToArray(people)) AS person_id, '' AS login_id
             FROM days WHERE NOT identified`;
  const resolvedDevices = `SELECT day, event, ${resolution.person} AS person
             FROM (${devices}) AS e ${resolution.join}`;
  const metricColumns = indices.map((i, k) => {
    const own = events[k] === ANY_EVENT ? '1' : `event = ${params.add(events[k], 'String')}`;
    return `sumIf(n, ${own}) AS cnt${i}, groupBitmapMergeIf(people, ${own}) AS usr${i}`;
  });
  return `
    WITH ${[resolution.with, `days AS (${days})`].filter(Boolean).join(', ')}
    SELECT if(grouping(pk) = 1, '', ${periodLabelSql(ctx, 'pk')}) AS period, '' AS gkey,
           ${metricColumns.join(',\n           ')}
    FROM (
      SELECT ${pk} AS pk, event, n, if(identified, people, bitmapBuild(emptyArrayUInt64())) AS people FROM days
      UNION ALL
      SELECT ${pk} AS pk, event, toUInt64(0) AS n, ${personBitmapStateSql('person')} AS people
      FROM (${resolvedDevices})
      GROUP BY day, event
    )
    GROUP BY GROUPING SETS ((pk), ())`;
}
