// "Show these customers" for a retention cell: the customers of a cohort (entered), those of them
// retained in period k, or those lost in it, under exactly the counting rules of retention (the
// same cohort-entry subquery), paged. Detail rows: needs analysis.export, audited like any analysis.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import {
  checkListedDate,
  listedGroupKey,
  PersonListResultSchema,
  personPage,
} from '../common/person-list.ts';
import { periodStarted, retentionReach } from './run.ts';
import { type RetentionPersonsQuery, RetentionPersonsQuerySchema } from './schema.ts';
import { retentionSql } from './sql.ts';

async function runRetentionPersons(ctx: AnalysisContext<RetentionPersonsQuery>) {
  const { cohort, status, returnPeriod: k, group } = ctx.query;
  const { period, n, returnEndMs } = retentionReach(ctx);
  const gkey = listedGroupKey(ctx, group);
  checkListedDate(ctx, ctx.query.cohort, 'cohort');
  const conditions = [`cohort = ${ctx.params.add(cohort, 'String')}`];
  if (status !== 'entered') {
    if (k === undefined) {
      throw new ApiError('VALIDATION_FAILED', `"${status}" needs the period it is about`, 'returnPeriod');
    }
    if (k > n) throw new ApiError('VALIDATION_FAILED', `at most periods (${n})`, 'returnPeriod');
    // The result shows such a cell as empty (null): everyone would be "lost" in it.
    if (!periodStarted(ctx, period, n)(cohort, k)) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `period ${k} of cohort ${cohort} has not started yet`,
        'returnPeriod',
      );
    }
    const retained = k === 0 ? 'r0 = 1' : `has(back, toUInt64(${Number(k)}))`;
    conditions.push(status === 'retained' ? retained : `NOT (${retained})`);
  }
  const sql = retentionSql(ctx, returnEndMs, { withLoginId: true });
  let topKeys: string[] = [];
  if (gkey !== undefined && sql.topGroups) {
    topKeys = (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey);
    conditions.push(`gkey = ${ctx.params.add(gkey, 'String')}`);
  }
  return personPage(ctx, sql.entries(topKeys), conditions.join(' AND '));
}

export const retentionPersonsModel: AnalysisModel<typeof RetentionPersonsQuerySchema> = {
  name: 'retention/persons',
  summary: 'Retention: the customers of a cohort, or those retained or lost in period k (paged)',
  querySchema: RetentionPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runRetentionPersons,
};
