// LTV (LTV 分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runLtv } from './run.ts';
import { LtvQuerySchema, LtvResultSchema } from './schema.ts';

export const ltvModel: AnalysisModel<typeof LtvQuerySchema> = {
  name: 'ltv',
  summary: 'LTV: cumulative value per customer on day 1..N after an initial event, by cohort',
  querySchema: LtvQuerySchema,
  resultSchema: LtvResultSchema,
  run: runLtv,
};
