// One analysis model run straight on a ClickHouse client, built as the API's runner builds it
// (the schema's defaults, the range in the query's zone, names checked against the catalog,
// persons resolved the same way, the same engine settings) but without HTTP, sessions, the result
// cache, the line, the audit, the limits or the sensitive-field policy (a query naming an encrypted
// property is not rewritten). For the query benchmark, which times our statements beside the
// reference products' statements on equal terms (theirs run straight on the engine). Never serves
// a request: it checks no permission and reads the whole union (no org scope).
import type { ClickHouseClient } from '@clickhouse/client';
import { Value } from '@sinclair/typebox/value';
import { knownNames } from '../catalog/known-names.ts';
import { personResolution } from '../identity/overrides-dictionary.ts';
import { createAnalysisContext } from './common/analysis-context.ts';
import type { AnalysisQueryBase } from './common/analysis-model.ts';
import { ANALYSIS_ENGINE_SETTINGS } from './common/engine-settings.ts';
import { NameResolver } from './common/name-resolver.ts';
import { DEFAULT_TIME_ZONE } from './common/run-analysis.ts';
import { resolveTimeRange } from './common/time-range.ts';
import { ANALYSIS_MODELS } from './registry.ts';

export async function runModelOnEngine(
  clickhouse: ClickHouseClient,
  modelName: string,
  body: AnalysisQueryBase,
): Promise<object> {
  const model = ANALYSIS_MODELS.find((m) => m.name === modelName);
  if (!model) throw new Error(`no analysis model "${modelName}"`);
  const query = Value.Default(model.querySchema, structuredClone(body)) as AnalysisQueryBase;
  if (!Value.Check(model.querySchema, query)) {
    const first = [...Value.Errors(model.querySchema, query)][0];
    throw new Error(`${modelName}: invalid query at ${first?.path ?? '/'}: ${first?.message ?? 'unknown'}`);
  }
  const timeZone = query.timeZone ?? DEFAULT_TIME_ZONE;
  const ctx = createAnalysisContext({
    query: { ...query, timeZone },
    range: resolveTimeRange(query.from, query.to, timeZone),
    scope: { bankCodes: 'all' },
    names: new NameResolver(await knownNames(clickhouse, query.appId)),
    now: Date.now(),
    personResolution: await personResolution(clickhouse, query.appId),
    execute: async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> =>
      (
        await clickhouse.query({
          query: sql,
          query_params: params,
          format: 'JSONEachRow',
          clickhouse_settings: ANALYSIS_ENGINE_SETTINGS,
        })
      ).json<T>(),
  });
  return model.run(ctx as never);
}
