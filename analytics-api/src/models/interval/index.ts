// Interval (间隔分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runInterval } from './run.ts';
import { IntervalQuerySchema, IntervalResultSchema } from './schema.ts';

export const intervalModel: AnalysisModel<typeof IntervalQuerySchema> = {
  name: 'interval',
  summary:
    'Interval: time from a start event to the next end event per customer, as box plots and a histogram',
  querySchema: IntervalQuerySchema,
  resultSchema: IntervalResultSchema,
  run: runInterval,
};
