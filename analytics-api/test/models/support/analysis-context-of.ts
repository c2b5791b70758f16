// An analysis context as the API builds it for a query (names from the app's catalog, the range in
// the query's zone), for tests that read a model's SQL or its plan choice without running it.
import { knownNames } from '../../../src/catalog/known-names.ts';
import { type AnalysisContext, createAnalysisContext } from '../../../src/models/common/analysis-context.ts';
import { NameResolver } from '../../../src/models/common/name-resolver.ts';
import type { CommonQuery } from '../../../src/models/common/query-schema.ts';
import { resolveTimeRange } from '../../../src/models/common/time-range.ts';
import type { OrgScope } from '../../../src/permissions/org-scope.ts';
import type { EngineStack } from './engine-stack.ts';

export async function analysisContextOf<Q extends CommonQuery>(
  stack: EngineStack,
  query: Q,
  scope: OrgScope = { bankCodes: 'all' },
): Promise<AnalysisContext<Q>> {
  return createAnalysisContext({
    query,
    range: resolveTimeRange(query.from, query.to, query.timeZone ?? 'Asia/Shanghai'),
    scope,
    names: new NameResolver(await knownNames(stack.api.clickhouse, query.appId)),
    now: Date.now(),
    personResolution: 'join',
    execute: async () => [],
  });
}
