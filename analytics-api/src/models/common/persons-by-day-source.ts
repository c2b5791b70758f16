// Reading the `persons_by_day` projection of events (ClickHouse migration 0007): per (app, event,
// day in Asia/Shanghai, has a login id) the event count and a bitmap of the events' persons at
// ingestion. A customer's own events (with a login id) belong to that customer for good (identity
// rules 1 and 4), so their bitmaps are final as stored; the devices' persons are resolved through
// ID-Mapping here, by the same route the event scan takes. ClickHouse reads a part without the
// projection row by row, so an answer never depends on it. Shared by the models that can answer
// from per-day customer sets (event analysis, recurring retention). Builds SQL over bound
// parameters; never splices caller values.
import { personResolutionSql } from '../../identity/resolved-person-sql.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { ANY_EVENT } from './query-schema.ts';

/** The zone of the projection's days; must stay the one written in migration 0007. */
export const PERSONS_BY_DAY_ZONE = 'Asia/Shanghai';

/**
 * A zone's canonical IANA name: browsers in China may report a link of Asia/Shanghai
 * (Asia/Chongqing, Asia/Harbin, PRC), whose days are Shanghai's.
 */
const canonicalZone = (zone: string): string =>
  new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;

/**
 * Whether the query's own scope lets per-day sets answer it: whole days of the projection's zone
 * for the whole union (the projection keeps no bank or branch), no global filter, no group-by.
 * Each model adds its own conditions (granularity, metric or step filters, modes).
 */
export function readsWholeUnionDays(ctx: AnalysisContext): boolean {
  return (
    canonicalZone(ctx.timeZone) === PERSONS_BY_DAY_ZONE &&
    ctx.scope.bankCodes === 'all' &&
    ctx.scope.branchCodes === undefined &&
    ctx.globalFilterSql === '1' &&
    (ctx.query.groupBy?.length ?? 0) === 0
  );
}

export interface PersonsByDaySource {
  /** WITH entries (comma-joined): the resolution route's own, then `days`. */
  readonly with: string;
  /** The `days` CTE's columns: day (Date), event, identified, n (events), people (bitmap state). */
  readonly days: 'days';
  /** (day, event, person): the devices' persons of `days`, each resolved to its customer. */
  readonly resolvedDevices: string;
}

/**
 * The projection's rows of `events` (or every event) on Shanghai days fromDate..toDate
 * (YYYY-MM-DD, inclusive) of app {app:String}, and the devices' persons resolved.
 */
export function personsByDaySource(
  ctx: AnalysisContext,
  events: readonly string[],
  fromDate: string,
  toDate: string,
): PersonsByDaySource {
  const { params } = ctx;
  // The zone is our constant, written as a literal so the day expression is the projection's.
  const day = `toDate(e.time, '${PERSONS_BY_DAY_ZONE}')`;
  const conditions = [
    'e.app_id = {app:String}',
    `${day} >= ${params.add(fromDate, 'Date')}`,
    `${day} <= ${params.add(toDate, 'Date')}`,
  ];
  if (!events.includes(ANY_EVENT))
    conditions.push(`e.event IN ${params.add([...new Set(events)], 'Array(String)')}`);
  const days = `
    SELECT ${day} AS day, e.event AS event, e.login_id > '' AS identified,
           count() AS n, groupBitmapState(e.person_id) AS people
    FROM events AS e
    WHERE ${conditions.join(' AND ')}
    GROUP BY day, event, identified`;
  const resolution = personResolutionSql(ctx.personResolution === 'dictionary', 'e');
  const devices = `SELECT day, event, arrayJoin(bitmapToArray(people)) AS person_id, '' AS login_id
             FROM days WHERE NOT identified`;
  return {
    with: [resolution.with, `days AS (${days})`].filter(Boolean).join(', '),
    days: 'days',
    resolvedDevices: `SELECT day, event, ${resolution.person} AS person
             FROM (${devices}) AS e ${resolution.join}`,
  };
}
