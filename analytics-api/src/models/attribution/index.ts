// Attribution (归因分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runAttribution } from './run.ts';
import { AttributionQuerySchema, AttributionResultSchema } from './schema.ts';

export const attributionModel: AnalysisModel<typeof AttributionQuerySchema> = {
  name: 'attribution',
  summary:
    'Attribution: credit target conversions to the touchpoints before them (first, last, linear, position, decay)',
  querySchema: AttributionQuerySchema,
  resultSchema: AttributionResultSchema,
  run: runAttribution,
};
