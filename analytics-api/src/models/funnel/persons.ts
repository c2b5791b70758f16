// "Show these customers" for a funnel step: the customers who reached step k, or who reached step
// k-1 and dropped off before k, under exactly the counting rules of the funnel (the same persons
// subquery), paged. Detail rows: needs analysis.export, and the run is audited like any analysis.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { keepTopGroupsSql } from '../common/group-by-sql.ts';
import { listedGroupKey, PersonListResultSchema, personPage } from '../common/person-list.ts';
import { type FunnelPersonsQuery, FunnelPersonsQuerySchema } from './schema.ts';
import { funnelSql } from './sql.ts';

async function runFunnelPersons(ctx: AnalysisContext<FunnelPersonsQuery>) {
  const { step, status } = ctx.query;
  if (step > ctx.query.steps.length) {
    throw new ApiError('VALIDATION_FAILED', `the funnel has ${ctx.query.steps.length} steps`, 'step');
  }
  if (status === 'dropped' && step === 1) {
    throw new ApiError('VALIDATION_FAILED', 'nobody drops off before step 1', 'step');
  }
  const gkey = listedGroupKey(ctx, ctx.query.group);
  const sql = funnelSql(ctx, { withLoginId: true });
  const conditions = [status === 'reached' ? `level >= ${step}` : `level = ${step - 1}`];
  if (gkey !== undefined && sql.topGroups) {
    const topKeys = (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey);
    conditions.push(`${keepTopGroupsSql(ctx, 'gkey', topKeys)} = ${ctx.params.add(gkey, 'String')}`);
  }
  // The walk's branches are arithmetic and array reads, safe to evaluate on every row.
  return personPage(ctx, sql.persons, conditions.join(' AND '), { eager: true });
}

export const funnelPersonsModel: AnalysisModel<typeof FunnelPersonsQuerySchema> = {
  name: 'funnel/persons',
  summary: 'Funnel: the customers who reached, or dropped off before, a step (paged)',
  querySchema: FunnelPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runFunnelPersons,
};
