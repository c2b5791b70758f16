// SQL of event analysis: one pass over the events of all metrics (pre-filtered by their names;
// metrics of different events as one scan per event, UNION ALL, each computing only its own
// columns), each metric an -If aggregate over its own condition, grouped by period and group key;
// the whole-range totals (period '') merge those per-period aggregate states (GROUPING SETS over
// the few period rows) instead of aggregating the events a second time. Values are bound.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql, readsProfile } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { periodKeySql, periodLabelSql, periodSql } from '../common/period-sql.ts';
import { personBitmapStateSql } from '../common/person-bitmap-sql.ts';
import { LOGIN_ID_PER_PERSON, LOGIN_ID_SOURCE } from '../common/person-list.ts';
import { propertySql } from '../common/property-sql.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import { type EventQuery, PROPERTY_AGGREGATIONS } from './schema.ts';

export interface MetricColumns {
  /** Columns of the event source for this metric. */
  readonly source: Record<string, string>;
  /** Aggregates over the source by alias: run as a state per period, then merged for the
   *  period rows and the range totals. */
  readonly aggregates: Record<string, Aggregate>;
}

/** An aggregate as its -State per (period, group) and the -Merge of those states. */
interface Aggregate {
  readonly state: string;
  readonly merge: string;
}

/** A plain -If aggregate function over `args`: `fn`State, then `fn`Merge. */
const ifAggregate = (fn: string, args: string): Aggregate => ({
  state: `${fn}State(${args})`,
  merge: `${fn}Merge`,
});

function metricColumns(ctx: AnalysisContext<EventQuery>, i: number): MetricColumns {
  const metric = ctx.query.metrics[i]!;
  const field = `metrics[${i}]`;
  const event = ctx.names.event(metric.event, `${field}.event`, true);
  const eventCond = event === ANY_EVENT ? '1' : `e.event = ${ctx.params.add(event, 'String')}`;
  const cond = `${eventCond} AND ${filtersSql(metric.filters, `${field}.filters`, ctx.names, ctx.params, ctx.timeZone)}`;
  const source: Record<string, string> = { [`c${i}`]: `(${cond})` };
  const aggregates: Record<string, Aggregate> = { [`cnt${i}`]: ifAggregate('countIf', `c${i}`) };
  const agg = metric.aggregation;
  // Customers as a bitmap: person ids are dense MySQL auto-increment numbers, and the range total
  // is the union of the period bitmaps, where merging exact hash sets would insert every customer
  // again (10^8 bench case 1.9 -> 1.6 s; exact either way); built from sorted ids (see there).
  if (agg === 'users' || agg === 'per_user') {
    aggregates[`usr${i}`] = { state: personBitmapStateSql('person', `c${i}`), merge: 'groupBitmapMerge' };
  }
  if (PROPERTY_AGGREGATIONS.has(agg)) {
    if (!metric.property) {
      throw new ApiError('VALIDATION_FAILED', `"${agg}" needs a property`, `${field}.property`);
    }
    const ref = ctx.names.property('event', metric.property, `${field}.property`);
    const p = propertySql(ref, ctx.params, 'e', ctx.timeZone);
    source[`s${i}`] = p.isSet;
    if (agg === 'distinct') {
      source[`d${i}`] = p.text;
      aggregates[`dst${i}`] = ifAggregate('uniqExactIf', `d${i}, c${i} AND s${i}`);
    } else {
      if (p.number === null) {
        throw new ApiError('VALIDATION_FAILED', `"${agg}" needs a numeric property`, `${field}.property`);
      }
      source[`v${i}`] = p.number;
      aggregates[`set${i}`] = ifAggregate('countIf', `c${i} AND s${i}`);
      if (agg === 'sum' || agg === 'avg')
        aggregates[`sum${i}`] = ifAggregate('sumIf', `v${i}, c${i} AND s${i}`);
      if (agg === 'max') aggregates[`max${i}`] = ifAggregate('maxIf', `v${i}, c${i} AND s${i}`);
      if (agg === 'min') aggregates[`min${i}`] = ifAggregate('minIf', `v${i}, c${i} AND s${i}`);
    }
  }
  return { source, aggregates };
}

export interface EventSql {
  /** Top group keys by metric A (only with group-by). */
  readonly topGroups: string | null;
  /** (period, gkey, aggregates...) rows; period '' holds the range totals. */
  readonly main: (topKeys: readonly string[]) => string;
  /**
   * (person, login_id) of every customer with an event of metric i, in one period (a label of
   * `periods`; undefined: the whole range) and group key (top N + others; undefined: any).
   */
  readonly persons: (topKeys: readonly string[], i: number, period?: string, gkey?: string) => string;
}

/** A constant of the type of a metric column (c, s: flags; v: number; d: text), by its alias. */
function constantOf(alias: string): string {
  if (alias.startsWith('v')) return 'toFloat64(0)';
  if (alias.startsWith('d')) return "''";
  return 'toUInt8(0)';
}

/**
 * The scan's SQL for the metrics `indices` (default all; the others come from persons-by-day-sql
 * and are left out here, aliases keep each metric's own index).
 */
export function eventAnalysisSql(
  ctx: AnalysisContext<EventQuery>,
  indices: readonly number[] = ctx.query.metrics.map((_, i) => i),
): EventSql {
  const metrics = ctx.query.metrics.map((_, i) =>
    indices.includes(i) ? metricColumns(ctx, i) : { source: {}, aggregates: {} },
  );
  const names = indices.map((i) => ctx.query.metrics[i]!.event);
  // Only customer counts need ID-Mapping; totals and property aggregates skip the overrides join.
  const countsPersons = (of: readonly number[]) =>
    of.some((i) => ['users', 'per_user'].includes(ctx.query.metrics[i]!.aggregation));
  const gkey = groupKeySql(ctx);
  const columns: Record<string, string> = Object.assign({}, ...metrics.map((m) => m.source));
  // Metrics of different events read as one scan per event, UNION ALL: each reads only its own
  // columns (a property map, the person resolution) for its own rows, where one scan of every
  // metric's events computes them all for every row (bench case, app-start customers + transfer
  // amounts, engine alone: 10^8 CPU ratio 0.88-0.90, 10^7 0.93). Not with "$any" (it overlaps
  // every event) nor when the profile is read (each scan would join it again).
  const byEvent = new Map<string, number[]>();
  for (const i of indices) {
    const name = ctx.query.metrics[i]!.event;
    byEvent.set(name, [...(byEvent.get(name) ?? []), i]);
  }
  const split =
    !names.includes(ANY_EVENT) &&
    byEvent.size > 1 &&
    !readsProfile([ctx.globalFilterSql, gkey, ...Object.values(columns)].join(' '));
  const source = split
    ? [...byEvent.entries()]
        .map(([name, own]) => {
          const mine = new Set(metrics.flatMap((m, i) => (own.includes(i) ? Object.keys(m.source) : [])));
          // Another metric's columns as constants of their type (UNION ALL matches by position).
          const partColumns = Object.fromEntries(
            Object.entries(columns).map(([alias, expr]) => [
              alias,
              mine.has(alias) ? expr : constantOf(alias),
            ]),
          );
          return `SELECT * FROM (${eventSourceSql(ctx, {
            events: [name],
            resolvePerson: countsPersons(own),
            columns: { pk: periodKeySql(ctx, 'e.time'), gkey, ...partColumns },
          })})`;
        })
        .join('\n      UNION ALL\n      ')
    : eventSourceSql(ctx, {
        events: names.includes(ANY_EVENT) ? 'any' : names,
        resolvePerson: countsPersons(indices),
        columns: { pk: periodKeySql(ctx, 'e.time'), gkey, ...columns },
      });
  const aggregates = Object.entries(
    Object.assign({}, ...metrics.map((m) => m.aggregates)) as Record<string, Aggregate>,
  ).map(([alias, { state, merge }]) => ({
    state: `${state} AS ${alias}_s`,
    merged: `${merge}(${alias}_s) AS ${alias}`,
  }));
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const weight = ctx.query.metrics[0]!.aggregation === 'users' ? 'uniqExactIf(person, c0)' : 'countIf(c0)';
  const topGroups = grouped
    ? `SELECT gkey FROM (${source}) GROUP BY gkey HAVING ${weight} > 0
       ORDER BY ${weight} DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`
    : null;
  const main = (topKeys: readonly string[]) => `
    SELECT if(grouping(pk) = 1, '', ${periodLabelSql(ctx, 'pk')}) AS period, gkey,
           ${aggregates.map((a) => a.merged).join(', ')}
    FROM (
      SELECT pk, gkey, ${aggregates.map((a) => a.state).join(', ')}
      FROM (SELECT * REPLACE (${keepTopGroupsSql(ctx, 'gkey', topKeys)} AS gkey) FROM (${source}))
      GROUP BY pk, gkey
    )
    GROUP BY GROUPING SETS ((pk, gkey), (gkey))`;
  const persons = (topKeys: readonly string[], i: number, period?: string, gkey?: string) => {
    const conditions = [`c${i}`];
    if (period !== undefined) conditions.push(`period = ${ctx.params.add(period, 'String')}`);
    if (gkey !== undefined) conditions.push(`gkey = ${ctx.params.add(gkey, 'String')}`);
    const listed = eventSourceSql(ctx, {
      events: [ctx.query.metrics[i]!.event],
      columns: {
        period: periodSql(ctx, 'e.time'),
        gkey: groupKeySql(ctx),
        ...metrics[i]!.source,
        ...LOGIN_ID_SOURCE,
      },
    });
    return `
    SELECT person, ${LOGIN_ID_PER_PERSON}
    FROM (SELECT * REPLACE (${keepTopGroupsSql(ctx, 'gkey', topKeys)} AS gkey) FROM (${listed}))
    WHERE ${conditions.join(' AND ')}
    GROUP BY person`;
  };
  return { topGroups, main, persons };
}
