// "Show these customers" for a cell of user property analysis: the matching customers (profile
// filters, behaviours, scope) with the cell's value of each group-by property ("$all": any value,
// for margins and the total), top values and "$others" as in the result; paged. Login ids come
// from the customers' current profiles. Detail rows: needs analysis.export.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { PersonListResultSchema, personPage } from '../common/person-list.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { ALL_VALUES, type UserPropertiesPersonsQuery, UserPropertiesPersonsQuerySchema } from './schema.ts';
import { userPropertiesSql } from './sql.ts';

async function runUserPropertiesPersons(ctx: AnalysisContext<UserPropertiesPersonsQuery>) {
  const groupBy = ctx.query.groupBy ?? [];
  const cell = ctx.query.cell ?? groupBy.map(() => ALL_VALUES);
  if (cell.length !== groupBy.length) {
    throw new ApiError('VALIDATION_FAILED', `needs one value per groupBy (${groupBy.length})`, 'cell');
  }
  const sql = userPropertiesSql(ctx);
  // "$others" is whatever is outside the top values; a named value needs no ranking at all.
  let top: string[][] | null = null;
  if (cell.includes(OTHERS_GROUP) && sql.topValues) {
    top = groupBy.map(() => []);
    for (const r of await ctx.rows<{ dim: number; val: string }>(sql.topValues))
      top[Number(r.dim)]!.push(r.val);
  }
  const conditions = cell.flatMap((v, d) =>
    v === ALL_VALUES ? [] : [`d${d} = ${ctx.params.add(v ?? '', 'String')}`],
  );
  return personPage(ctx, sql.persons(top), conditions.length ? conditions.join(' AND ') : '1');
}

export const userPropertiesPersonsModel: AnalysisModel<typeof UserPropertiesPersonsQuerySchema> = {
  name: 'user-properties/persons',
  summary: 'User property analysis: the customers of one cell, margin or the total (paged)',
  querySchema: UserPropertiesPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runUserPropertiesPersons,
};
