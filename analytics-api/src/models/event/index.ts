// Event analysis (事件分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runEventAnalysis } from './run.ts';
import { EventQuerySchema, EventResultSchema } from './schema.ts';

export const eventModel: AnalysisModel<typeof EventQuerySchema> = {
  name: 'events',
  summary:
    'Event analysis: counts, unique customers, per-customer averages and property aggregates over time',
  querySchema: EventQuerySchema,
  resultSchema: EventResultSchema,
  run: runEventAnalysis,
};
