// Distribution (分布分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runDistribution } from './run.ts';
import { DistributionQuerySchema, DistributionResultSchema } from './schema.ts';

export const distributionModel: AnalysisModel<typeof DistributionQuerySchema> = {
  name: 'distribution',
  summary: 'Distribution: customers per bucket of times done, active days or hours, or a summed property',
  querySchema: DistributionQuerySchema,
  resultSchema: DistributionResultSchema,
  run: runDistribution,
};
