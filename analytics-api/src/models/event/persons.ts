// "Show these customers" for a point of an event-analysis chart: the customers with at least one
// event of a metric (its event and filters, the global filters and scope) in one period, or over
// the whole range, optionally of one group; paged. For a "users" metric the total is the value on
// the chart; for other aggregations it is the customers behind the value. Needs analysis.export.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { listedGroupKey, PersonListResultSchema, personPage } from '../common/person-list.ts';
import { type EventPersonsQuery, EventPersonsQuerySchema } from './schema.ts';
import { eventAnalysisSql } from './sql.ts';

async function runEventPersons(ctx: AnalysisContext<EventPersonsQuery>) {
  const { metric, period, group } = ctx.query;
  const i = metric.charCodeAt(0) - 'A'.charCodeAt(0);
  if (i >= ctx.query.metrics.length) {
    throw new ApiError('VALIDATION_FAILED', `the query has ${ctx.query.metrics.length} metrics`, 'metric');
  }
  if (period !== undefined && ctx.granularity === 'total') {
    throw new ApiError('VALIDATION_FAILED', 'granularity "total" has no periods: leave it out', 'period');
  }
  const gkey = listedGroupKey(ctx, group);
  const sql = eventAnalysisSql(ctx);
  const topKeys =
    gkey !== undefined && sql.topGroups
      ? (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey)
      : [];
  return personPage(ctx, sql.persons(topKeys, i, period, gkey), '1');
}

export const eventPersonsModel: AnalysisModel<typeof EventPersonsQuerySchema> = {
  name: 'events/persons',
  summary: 'Event analysis: the customers behind a metric in one period or over the range (paged)',
  querySchema: EventPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runEventPersons,
};
