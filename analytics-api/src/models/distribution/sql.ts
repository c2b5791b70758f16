// SQL of distribution. Plan: ONE scan of the measured event (pre-filtered by its name, person
// resolved, scoped), aggregated per person into the measure (count, uniqExact of zone days or
// hours, sum) and the person's group (from their first event: earliest time, then smallest key);
// a first query reads min / max and the top groups from that per-person table, a second cuts it
// into the buckets (bound array of lower bounds, arrayCount) with GROUPING SETS for groups and
// totals. Per-person state is one number and one key, whatever the number of events.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { LOGIN_ID_PER_PERSON, LOGIN_ID_SOURCE } from '../common/person-list.ts';
import { propertySql } from '../common/property-sql.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import type { BucketPlan } from './buckets.ts';
import type { DistributionQuery } from './schema.ts';

function checkOptions(q: DistributionQuery): void {
  if (q.measure === 'sum' && !q.property) {
    throw new ApiError('VALIDATION_FAILED', 'measure "sum" needs a numeric property', 'property');
  }
  if ((q.bucketMode ?? 'auto') === 'custom') {
    const b = q.boundaries ?? [];
    if (b.length === 0)
      throw new ApiError('VALIDATION_FAILED', 'custom buckets need boundaries', 'boundaries');
    if (b.some((x, i) => i > 0 && x <= b[i - 1]!)) {
      throw new ApiError('VALIDATION_FAILED', 'boundaries must be strictly ascending', 'boundaries');
    }
  }
}

/** Rows (person, v, g[, login_id]): the measure and group key of every person with the event. */
function perPersonSql(ctx: AnalysisContext<DistributionQuery>, withLoginId: boolean): string {
  const q = ctx.query;
  const name = ctx.names.event(q.event.event, 'event.event', true);
  const cond = filtersSql(q.event.filters, 'event.filters', ctx.names, ctx.params, ctx.timeZone);
  const where = [cond];
  if (name !== ANY_EVENT) where.push(`e.event = ${ctx.params.add(name, 'String')}`);
  const columns: Record<string, string> = { gkey: groupKeySql(ctx) };
  if (withLoginId) Object.assign(columns, LOGIN_ID_SOURCE);
  let measure: string;
  switch (q.measure) {
    case 'times':
      measure = 'toFloat64(count())';
      break;
    case 'active_days':
      measure = 'toFloat64(uniqExact(toDate(time, {tz:String})))';
      break;
    case 'active_hours':
      // An hour of the zone's clock on a given day (zones off UTC by half hours included).
      measure = "toFloat64(uniqExact(formatDateTime(time, '%Y-%m-%d %H', {tz:String})))";
      break;
    case 'sum': {
      const ref = ctx.names.property('event', q.property!, 'property');
      const p = propertySql(ref, ctx.params, 'e', ctx.timeZone);
      if (p.number === null) {
        throw new ApiError('VALIDATION_FAILED', `"${q.property}" is not numeric`, 'property');
      }
      columns.pv = `if(${p.isSet}, ${p.number}, 0)`;
      measure = 'sum(pv)';
      break;
    }
  }
  const source = eventSourceSql(ctx, { events: [name], where, columns });
  // The first event's group (ties: the smaller key); skipped without group-by, where it is constant.
  const group = (q.groupBy?.length ?? 0) > 0 ? 'argMin(gkey, (t, gkey))' : "''";
  const loginId = withLoginId ? `, ${LOGIN_ID_PER_PERSON}` : '';
  return `SELECT person, ${measure} AS v, ${group} AS g${loginId} FROM (${source}) GROUP BY person`;
}

export interface DistributionSql {
  /** Rows (gkey, v, users): customers per group and exact value; for count-like measures, whose
   *  distinct values are few, this one query is all a distribution needs. */
  readonly histogram: string;
  /** Rows (gkey, users, mn, mx, allUsers, allMin, allMax) of the top groups (one row '' without group-by). */
  readonly overview: string;
  /** Rows (gkey, b, users, total, mn, mx, med, grp) per bucket and group; grp = grouping(gkey, b). */
  readonly buckets: (topKeys: readonly string[], plan: BucketPlan) => string;
  /** Rows (person, login_id, v, gkey) for listing customers, gkey with top N + others applied. */
  readonly persons: (topKeys: readonly string[]) => string;
}

export function distributionSql(ctx: AnalysisContext<DistributionQuery>): DistributionSql {
  checkOptions(ctx.query);
  const perPerson = perPersonSql(ctx, false);
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const overview = `
    SELECT g AS gkey, count() AS users, min(v) AS mn, max(v) AS mx,
           sum(count()) OVER () AS allUsers, min(min(v)) OVER () AS allMin, max(max(v)) OVER () AS allMax
    FROM (${perPerson})
    GROUP BY gkey
    ORDER BY users DESC, gkey ASC
    LIMIT ${grouped ? Number(ctx.groupLimit) : 1}`;
  const buckets = (topKeys: readonly string[], plan: BucketPlan) => {
    const lowers = ctx.params.add(plan.lowers, 'Array(Float64)');
    const index = plan.below
      ? `arrayCount(x -> x <= v, ${lowers})`
      : `greatest(1, arrayCount(x -> x <= v, ${lowers}))`;
    // The full sets even without group-by (gkey is then constant): one shape of rows to read.
    const sets = '(gkey, b), (gkey), (b), ()';
    return `
      SELECT gkey, b, count() AS users, sum(v) AS total, min(v) AS mn, max(v) AS mx,
             quantileExactLow(0.5)(v) AS med, grouping(gkey, b) AS grp
      FROM (SELECT ${keepTopGroupsSql(ctx, 'g', topKeys)} AS gkey, ${index} AS b, v FROM (${perPerson}))
      GROUP BY GROUPING SETS (${sets})`;
  };
  const histogram = `SELECT g AS gkey, v, count() AS users FROM (${perPerson}) GROUP BY gkey, v`;
  const persons = (topKeys: readonly string[]) =>
    `SELECT person, login_id, v, ${keepTopGroupsSql(ctx, 'g', topKeys)} AS gkey FROM (${perPersonSql(ctx, true)})`;
  return { histogram, overview, buckets, persons };
}
