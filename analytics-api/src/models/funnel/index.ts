// Funnel (漏斗分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runFunnel } from './run.ts';
import { FunnelQuerySchema, FunnelResultSchema } from './schema.ts';

export const funnelModel: AnalysisModel<typeof FunnelQuerySchema> = {
  name: 'funnel',
  summary: 'Funnel: customers converting through 2-10 ordered steps within a window',
  querySchema: FunnelQuerySchema,
  resultSchema: FunnelResultSchema,
  run: runFunnel,
};
