// "Show these customers" for an LTV cohort: the customers whose first initial event of the range
// falls in the cohort's day (or week), optionally of one group (top N + others ranked as in the
// result: customers, then key), under the same per-customer subquery as the LTV table; paged.
// Detail rows: needs analysis.export.
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { keepTopGroupsSql } from '../common/group-by-sql.ts';
import {
  checkListedDate,
  listedGroupKey,
  PersonListResultSchema,
  personPage,
} from '../common/person-list.ts';
import { type LtvPersonsQuery, LtvPersonsQuerySchema } from './schema.ts';
import { ltvPersonsSql } from './sql.ts';

async function runLtvPersons(ctx: AnalysisContext<LtvPersonsQuery>) {
  const gkey = listedGroupKey(ctx, ctx.query.group);
  checkListedDate(ctx, ctx.query.cohort, 'cohort');
  const persons = ltvPersonsSql(ctx);
  const conditions = [`cohort = ${ctx.params.add(ctx.query.cohort, 'String')}`];
  if (gkey !== undefined) {
    const top = await ctx.rows<{ gkey: string }>(
      `SELECT gkey FROM (${persons}) GROUP BY gkey ORDER BY count() DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`,
    );
    const mapped = keepTopGroupsSql(
      ctx,
      'gkey',
      top.map((r) => r.gkey),
    );
    conditions.push(`${mapped} = ${ctx.params.add(gkey, 'String')}`);
  }
  return personPage(ctx, persons, conditions.join(' AND '));
}

export const ltvPersonsModel: AnalysisModel<typeof LtvPersonsQuerySchema> = {
  name: 'ltv/persons',
  summary: 'LTV: the customers of a cohort, optionally of one group (paged)',
  querySchema: LtvPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runLtvPersons,
};
