// "Show these customers" for a distribution bucket: the customers whose measure v lies in
// [lower, upper) (a bucket of the result; either bound open), optionally of one group, under the
// same per-customer measure as the distribution, paged. Detail rows: needs analysis.export.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { listedGroupKey, PersonListResultSchema, personPage } from '../common/person-list.ts';
import { type DistributionPersonsQuery, DistributionPersonsQuerySchema } from './schema.ts';
import { distributionSql } from './sql.ts';

async function runDistributionPersons(ctx: AnalysisContext<DistributionPersonsQuery>) {
  const { lower, upper, group } = ctx.query;
  if (lower != null && upper != null && upper <= lower) {
    throw new ApiError('VALIDATION_FAILED', 'must be above lower', 'upper');
  }
  const gkey = listedGroupKey(ctx, group);
  const sql = distributionSql(ctx);
  const conditions = ['1'];
  if (lower != null) conditions.push(`v >= ${ctx.params.add(lower, 'Float64')}`);
  if (upper != null) conditions.push(`v < ${ctx.params.add(upper, 'Float64')}`);
  let topKeys: string[] = [];
  if (gkey !== undefined) {
    // The same top groups as the result (customers, then key bytewise), so "$others" matches it.
    topKeys = (await ctx.rows<{ gkey: string }>(sql.overview)).map((r) => r.gkey);
    conditions.push(`gkey = ${ctx.params.add(gkey, 'String')}`);
  }
  return personPage(ctx, sql.persons(topKeys), conditions.join(' AND '));
}

export const distributionPersonsModel: AnalysisModel<typeof DistributionPersonsQuerySchema> = {
  name: 'distribution/persons',
  summary:
    'Distribution: the customers in one bucket (a range of the measure), optionally of one group (paged)',
  querySchema: DistributionPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runDistributionPersons,
};
