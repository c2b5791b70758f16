// Everything a model needs to build and run its SQL for one request: the validated query with
// defaults, its time range, the caller's org scope, the catalog check, the parameter collector and
// a `rows` runner bound to the limits. Built fresh per request by run-analysis.ts; models never
// see the request or the ClickHouse client directly.
import type { PersonResolution } from '../../identity/overrides-dictionary.ts';
import type { OrgScope } from '../../permissions/org-scope.ts';
import { filtersSql } from './filter-sql.ts';
import type { NameResolver } from './name-resolver.ts';
import type { CommonQuery, Granularity } from './query-schema.ts';
import { SqlParams } from './sql-params.ts';
import type { TimeRange } from './time-range.ts';

export interface AnalysisContext<Q extends CommonQuery = CommonQuery> {
  readonly query: Q;
  readonly range: TimeRange;
  readonly timeZone: string;
  readonly granularity: Granularity;
  readonly groupLimit: number;
  readonly scope: OrgScope;
  readonly names: NameResolver;
  readonly params: SqlParams;
  /** The query's global filters as one condition over e / u ('1' when none). */
  readonly globalFilterSql: string;
  /** Wall clock of the request (ms): "now" for online-now and unfinished periods. */
  readonly now: number;
  /** How event sources resolve persons (same persons either way; eventSourceSql). */
  readonly personResolution: PersonResolution;
  /** Runs a SELECT with this context's parameters and limits; rows as JSON objects. */
  rows<T>(sql: string): Promise<T[]>;
}

export function createAnalysisContext<Q extends CommonQuery>(input: {
  query: Q;
  range: TimeRange;
  scope: OrgScope;
  names: NameResolver;
  now: number;
  personResolution?: PersonResolution;
  execute: <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;
}): AnalysisContext<Q> {
  const params = new SqlParams();
  params.named('app', input.query.appId, 'String');
  params.named('tz', input.range.timeZone, 'String');
  const globalFilterSql = filtersSql(
    input.query.filters,
    'filters',
    input.names,
    params,
    input.range.timeZone,
  );
  return {
    query: input.query,
    range: input.range,
    timeZone: input.range.timeZone,
    granularity: input.query.granularity ?? 'day',
    groupLimit: input.query.groupLimit ?? 10,
    scope: input.scope,
    names: input.names,
    params,
    globalFilterSql,
    now: input.now,
    personResolution: input.personResolution ?? 'join',
    rows: <T>(sql: string) => input.execute<T>(sql, params.values),
  };
}
