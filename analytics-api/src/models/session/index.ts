// Session (Session 分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runSession } from './run.ts';
import { SessionQuerySchema, SessionResultSchema } from './schema.ts';

export const sessionModel: AnalysisModel<typeof SessionQuerySchema> = {
  name: 'session',
  summary: 'Session: sessions, duration, depth, bounce rate, entry and exit screens over time and by group',
  querySchema: SessionQuerySchema,
  resultSchema: SessionResultSchema,
  run: runSession,
};
