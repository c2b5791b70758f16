// Path analysis (用户路径分析) as an engine model: see schema.ts for options, sql.ts for the plan.
import type { AnalysisModel } from '../common/analysis-model.ts';
import { runPath } from './run.ts';
import { PathQuerySchema, PathResultSchema } from './schema.ts';

export const pathModel: AnalysisModel<typeof PathQuerySchema> = {
  name: 'path',
  summary: 'Path analysis: Sankey nodes and links of the event sequences in customer sessions',
  querySchema: PathQuerySchema,
  resultSchema: PathResultSchema,
  // Listing the customers behind a node is a detail export, as for funnel/persons.
  permissionFor: (query: { listUsers?: unknown }) => (query.listUsers ? 'analysis.export' : undefined),
  run: runPath,
};
