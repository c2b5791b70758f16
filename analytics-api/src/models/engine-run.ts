// One analysis model run straight on a ClickHouse client, built as the API's runner builds it
// (the schema's defaults, the range in the query's zone, names checked against the catalog,
// persons resolved the same way, its statements run by rowsUnderLimits with the same engine
// settings and limits) but without HTTP, sessions, the result cache, the line, the audit or the
// sensitive-field policy (a query naming an encrypted property is not rewritten). For the query benchmark, which times our statements beside the
// reference products' statements on equal terms (theirs run straight on the engine). Never serves
// a request: it checks no permission and reads the whole union (no org scope).

import { Value } from '@sinclair/typebox/value';
import type { ClickHouseClient } from '@tally/infra/clickhouse';
import { knownNames } from '../catalog/known-names.ts';
import type { ApiConfig } from '../config.ts';
import { personResolution } from '../identity/overrides-dictionary.ts';
import { createAnalysisContext } from './common/analysis-context.ts';
import type { AnalysisQueryBase } from './common/analysis-model.ts';
import { ANALYSIS_ENGINE_SETTINGS } from './common/engine-settings.ts';
import { NameResolver } from './common/name-resolver.ts';
import { rowsUnderLimits } from './common/query-limits.ts';
import { DEFAULT_TIME_ZONE } from './common/run-analysis.ts';
import { resolveTimeRange } from './common/time-range.ts';
import { ANALYSIS_MODELS } from './registry.ts';

export async function runModelOnEngine(
  clickhouse: ClickHouseClient,
  config: ApiConfig['clickhouse'],
  modelName: string,
  body: AnalysisQueryBase,
): Promise<object> {
  const model = ANALYSIS_MODELS.find((m) => m.name === modelName);
  if (!model) throw new Error(`no analysis model "${modelName}"`);
  const query = Value.Default(model.querySchema, structuredClone(body)) as AnalysisQueryBase;
  const error = Value.Errors(model.querySchema, query).First();
  if (error) throw new Error(`${modelName}: invalid query at ${error.path || '/'}: ${error.message}`);
  const timeZone = query.timeZone ?? DEFAULT_TIME_ZONE;
  const ctx = createAnalysisContext({
    query: { ...query, timeZone },
    range: resolveTimeRange(query.from, query.to, timeZone),
    scope: { bankCodes: 'all' },
    names: new NameResolver(await knownNames(clickhouse, query.appId)),
    now: Date.now(),
    personResolution: await personResolution(clickhouse, query.appId),
    execute: <T>(sql: string, params: Record<string, unknown>) =>
      rowsUnderLimits<T>(clickhouse, config, { sql, params, settings: ANALYSIS_ENGINE_SETTINGS }),
  });
  return model.run(ctx as never);
}
