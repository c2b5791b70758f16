// The one FROM every model reads events through: events of the app in a time window, restricted
// to the caller's org scope, pre-filtered by event names (the sort key's third column), with
// each event's person resolved through ID-Mapping overrides and, only when a condition or column
// uses it, the person's current profile joined as `u`. Models add columns and conditions over
// `e` (events) and `u` (profile); every value they add is a bound parameter.
import { narrowProfiles } from '../../identity/narrow-profiles-sql.ts';
import { personResolutionSql } from '../../identity/resolved-person-sql.ts';
import { orgScopeCondition } from '../../permissions/org-scope.ts';
import type { AnalysisContext } from './analysis-context.ts';
import { ANY_EVENT } from './query-schema.ts';
import { utcParam } from './time-range.ts';

export interface EventSourceOptions {
  /** Event names to read, or 'any'. */
  readonly events: readonly string[] | 'any';
  /** [startMs, endMs) instead of the query's range (e.g. conversion windows past the end). */
  readonly startMs?: number;
  readonly endMs?: number;
  /** Extra conditions over e / u, ANDed. */
  readonly where?: readonly string[];
  /** Output columns: alias -> expression over e / u. `person`, `time`, `t` (ms), `event` always exist. */
  readonly columns?: Readonly<Record<string, string>>;
  /** Apply the query's global filters (default true). */
  readonly globalFilters?: boolean;
  /**
   * Resolve persons through ID-Mapping (default true). A model that never counts or groups by
   * person (event totals, sums) passes false and skips the overrides join; `person` is then the
   * person at ingestion and must not be used.
   */
  readonly resolvePerson?: boolean;
}

const USES_PROFILE = /\bu\./;

/** Whether SQL over e / u reads the profile (eventSourceSql then joins it). */
export function readsProfile(sql: string): boolean {
  return USES_PROFILE.test(sql);
}

export function eventSourceSql(ctx: AnalysisContext, options: EventSourceOptions): string {
  const { params } = ctx;
  const scope = orgScopeCondition(ctx.scope, 'e');
  Object.assign(params.values, scope.params);
  const start = params.add(utcParam(options.startMs ?? ctx.range.startMs), "DateTime64(3, 'UTC')");
  const end = params.add(utcParam(options.endMs ?? ctx.range.endMs), "DateTime64(3, 'UTC')");
  const conditions = ['e.app_id = {app:String}', `e.time >= ${start}`, `e.time < ${end}`, scope.sql];
  if (options.events !== 'any') {
    const names = options.events.filter((n) => n !== ANY_EVENT);
    if (names.length === options.events.length) {
      conditions.push(`e.event IN ${params.add([...new Set(names)], 'Array(String)')}`);
    }
  }
  if (options.globalFilters !== false) conditions.push(ctx.globalFilterSql);
  conditions.push(...(options.where ?? []));
  const columns = Object.entries(options.columns ?? {}).map(([alias, expr]) => `${expr} AS ${alias}`);
  const resolve =
    options.resolvePerson !== false ||
    USES_PROFILE.test(conditions.join(' ')) ||
    Object.values(options.columns ?? {}).some((c) => USES_PROFILE.test(c));
  // Through the dictionary: a lookup on the events without a login id; else a join of every event.
  const resolution = personResolutionSql(ctx.personResolution === 'dictionary', 'e');
  const resolved = resolution.person;
  const person = resolve ? resolved : 'e.person_id';
  let select = [
    `${person} AS person`,
    'e.time AS time',
    'toUnixTimestamp64Milli(e.time) AS t',
    'e.event AS event',
    ...columns,
  ].join(',\n         ');
  let where = conditions.filter((c) => c !== '1').join('\n    AND ');
  let profileJoin = '';
  if (USES_PROFILE.test(where) || USES_PROFILE.test(select)) {
    const profiles = narrowProfiles([select, where]);
    [select, where] = profiles.rewritten as [string, string];
    profileJoin = `\n  LEFT JOIN (${profiles.subquery}) AS u ON u.person_id = ${resolved}`;
  }
  const overridesJoin = resolve && resolution.join ? `\n  ${resolution.join}` : '';
  const recent = resolve && resolution.with ? `WITH ${resolution.with}\n  ` : '';
  return `${recent}SELECT ${select}
  FROM events AS e${overridesJoin}${profileJoin}
  WHERE ${where}`;
}
