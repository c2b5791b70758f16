// "Show these customers" for a funnel step: the customers who reached step k, or who reached step
// k-1 and dropped off before k, under exactly the counting rules of the funnel (the same persons
// subquery), paged. Detail rows: needs analysis.export, and the run is audited like any analysis.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { type FunnelPersonsQuery, FunnelPersonsQuerySchema, FunnelPersonsResultSchema } from './schema.ts';
import { funnelSql } from './sql.ts';

async function runFunnelPersons(ctx: AnalysisContext<FunnelPersonsQuery>) {
  const { step, status, limit = 100, offset = 0 } = ctx.query;
  if (step > ctx.query.steps.length) {
    throw new ApiError('VALIDATION_FAILED', `the funnel has ${ctx.query.steps.length} steps`, 'step');
  }
  if (status === 'dropped' && step === 1) {
    throw new ApiError('VALIDATION_FAILED', 'nobody drops off before step 1', 'step');
  }
  const { persons } = funnelSql(ctx, { withLoginId: true });
  const condition = status === 'reached' ? `level >= ${step}` : `level = ${step - 1}`;
  const rows = await ctx.rows<{ personId: string; loginId: string; total: number }>(`
    SELECT toString(person) AS personId, login_id AS loginId, count() OVER () AS total
    FROM (${persons}) WHERE ${condition}
    ORDER BY person LIMIT ${Number(limit)} OFFSET ${Number(offset)}`);
  return {
    total: Number(rows[0]?.total ?? 0),
    persons: rows.map((r) => ({ personId: r.personId, loginId: r.loginId || null })),
  };
}

export const funnelPersonsModel: AnalysisModel<typeof FunnelPersonsQuerySchema> = {
  name: 'funnel/persons',
  summary: 'Funnel: the customers who reached, or dropped off before, a step (paged)',
  querySchema: FunnelPersonsQuerySchema,
  resultSchema: FunnelPersonsResultSchema,
  permission: 'analysis.export',
  run: runFunnelPersons,
};
