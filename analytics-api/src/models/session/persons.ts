// "Show these customers" for session analysis: the customers with at least one session starting
// in a period (or anywhere in the range), optionally of one group (the group of the session's
// first event, top N + others as in the result), from the same sessions the figures count; paged.
// Login ids come from the customers' profiles. Detail rows: needs analysis.export.
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import type { AnalysisModel } from '../common/analysis-model.ts';
import { listedGroupKey, PersonListResultSchema, personPage } from '../common/person-list.ts';
import { type SessionPersonsQuery, SessionPersonsQuerySchema } from './schema.ts';
import { sessionSql } from './sql.ts';

async function runSessionPersons(ctx: AnalysisContext<SessionPersonsQuery>) {
  const { period, group } = ctx.query;
  if (period !== undefined && ctx.granularity === 'total') {
    throw new ApiError('VALIDATION_FAILED', 'granularity "total" has no periods: leave it out', 'period');
  }
  const gkey = listedGroupKey(ctx, group);
  const sql = sessionSql(ctx);
  // As the result: groups are ranked (and the rest is "$others") only when there are more of them
  // than the group limit.
  let topKeys: string[] | null = null;
  if (gkey !== undefined && sql.groupProbe && sql.topGroups) {
    const distinct = await ctx.rows<{ gkey: string }>(sql.groupProbe);
    if (distinct.length > ctx.groupLimit) {
      topKeys = (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey);
    }
  }
  return personPage(ctx, sql.persons(topKeys, period, gkey), '1');
}

export const sessionPersonsModel: AnalysisModel<typeof SessionPersonsQuerySchema> = {
  name: 'session/persons',
  summary:
    'Session analysis: the customers with sessions in a period or the range, optionally of one group (paged)',
  querySchema: SessionPersonsQuerySchema,
  resultSchema: PersonListResultSchema,
  permission: 'analysis.export',
  run: runSessionPersons,
};
