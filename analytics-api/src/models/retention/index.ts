// Retention (留存分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runRetention } from './run.ts';
import { RetentionQuerySchema, RetentionResultSchema } from './schema.ts';

export const retentionModel: AnalysisModel<typeof RetentionQuerySchema> = {
  name: 'retention',
  summary: 'Retention: cohorts by the period of an initial event, returning in each later period',
  querySchema: RetentionQuerySchema,
  resultSchema: RetentionResultSchema,
  run: runRetention,
};
