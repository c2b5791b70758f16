// The analysis API: POST /v1/analysis/<model> for every registered model (body = the model's
// query schema, answer = its result schema, both in /openapi.json), and GET /online-now.
// Permission analysis.run; the org scope and the audit entry are applied by the runner.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { connectionLeft } from '@tally/infra/http';
import { analysisErrorResponses } from '../errors/error-body-schema.ts';
import { failureOutcome } from '../metrics/analysis-metrics.ts';
import type { AnalysisQueryBase } from './common/analysis-model.ts';
import { runAnalysis } from './common/run-analysis.ts';
import { onlineNowRoute } from './online-now/route.ts';
import { ANALYSIS_MODELS } from './registry.ts';

// Results are documented by their schema but serialised as they are: fast-json-stringify would
// silently coerce a null to 0 or drop a field if a model and its schema ever disagreed.
const plainJson = () => (data: unknown) => JSON.stringify(data);

export const analysisPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const errorResponses = analysisErrorResponses();
  for (const model of ANALYSIS_MODELS) {
    app.post(
      `/${model.name}`,
      {
        config: { permission: model.permission ?? 'analysis.run' },
        schema: {
          tags: ['analysis'],
          summary: model.summary,
          body: model.querySchema,
          response: { 200: model.resultSchema, ...errorResponses },
        },
        serializerCompiler: plainJson,
      },
      async (request, reply) => {
        try {
          return await runAnalysis(
            app,
            request,
            model,
            request.body as AnalysisQueryBase,
            connectionLeft(reply.raw),
          );
        } catch (error) {
          app.analysisMetrics.analyses.inc({ model: model.name, outcome: failureOutcome(error) });
          throw error;
        }
      },
    );
  }
  await app.register(onlineNowRoute);
};
