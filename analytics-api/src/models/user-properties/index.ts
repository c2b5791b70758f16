// User property analysis (属性分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runUserProperties } from './run.ts';
import { UserPropertiesQuerySchema, UserPropertiesResultSchema } from './schema.ts';

export const userPropertiesModel: AnalysisModel<typeof UserPropertiesQuerySchema> = {
  name: 'user-properties',
  summary: 'User property analysis: customers matching filters and behaviours, by one or two user properties',
  querySchema: UserPropertiesQuerySchema,
  resultSchema: UserPropertiesResultSchema,
  run: runUserProperties,
};
