// SQL of session analysis, ONE scan of the events:
// 1. events of the app/range (all, or the included + screen + counted names), person resolved,
//    scoped, each as (t, is screen view, screen, is counted event, group key);
// 2. per person -- or per (person, session id) -- at most MAX_EVENTS_PER_PERSON tuples
//    (groupArray(cap), then sorted), so one person's state stays bounded however busy they are;
//    arraySplit cuts sessions at gaps > timeout and at zone midnights (no self-join, no window);
// 3. one row per session (start, duration, events, screens, entry and exit screen, counted events,
//    group of its first event), aggregated with GROUPING SETS per period, group, entry and exit
//    screen in the same query.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql, keepTopGroupsSql } from '../common/group-by-sql.ts';
import { periodSql } from '../common/period-sql.ts';
import { type PropertyRef, propertySql } from '../common/property-sql.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import { DEFAULT_SCREENS, MAX_EVENTS_PER_PERSON, type SessionQuery } from './schema.ts';

/** Screen events with a property expression for the screen's name. */
function screenColumns(ctx: AnalysisContext<SessionQuery>): {
  names: string[];
  isScreen: string;
  screen: string;
} {
  const { params, names } = ctx;
  const given = ctx.query.screens;
  const screens = (given ?? DEFAULT_SCREENS).map((s, i) => {
    // Caller-named screens are checked against the catalog; the SDK defaults need not exist yet.
    if (given) names.event(s.event, `screens[${i}].event`);
    const ref: PropertyRef = given
      ? names.property('event', s.property, `screens[${i}].property`)
      : { source: 'event', name: s.property, type: 'string' };
    return { event: s.event, text: propertySql(ref, params, 'e', ctx.timeZone).text };
  });
  const list = screens.map((s) => s.event);
  const arms = screens.flatMap((s) => [`e.event = ${params.add(s.event, 'String')}`, s.text]);
  return {
    names: list,
    isScreen: `toUInt8(e.event IN ${params.add(list, 'Array(String)')})`,
    screen: `multiIf(${arms.join(', ')}, '')`,
  };
}

/** Rows (person, st, dur, evs, scr, cnt, gkey, entry, exit): one per session. */
function sessionsSql(ctx: AnalysisContext<SessionQuery>): string {
  const q = ctx.query;
  const { params, names } = ctx;
  const screens = screenColumns(ctx);
  let countCond = '0';
  let countName: string[] = [];
  if (q.countEvent) {
    const name = names.event(q.countEvent.event, 'countEvent.event', true);
    const filters = filtersSql(q.countEvent.filters, 'countEvent.filters', names, params, ctx.timeZone);
    countCond = name === ANY_EVENT ? filters : `e.event = ${params.add(name, 'String')} AND ${filters}`;
    // A counted "$any" counts among the session's events; it does not widen includeEvents.
    countName = name === ANY_EVENT ? [] : [name];
  }
  const include = q.includeEvents?.map((n, i) => names.event(n, `includeEvents[${i}]`));
  const bySessionId = q.sessionMode === 'session_id';
  const source = eventSourceSql(ctx, {
    events: include ? [...include, ...screens.names, ...countName] : 'any',
    where: bySessionId ? ["e.session_id != ''"] : [],
    columns: {
      isScreen: screens.isScreen,
      scr: screens.screen,
      isCount: `toUInt8(${countCond})`,
      gkey: groupKeySql(ctx),
      skey: bySessionId ? 'e.session_id' : "''",
      day: 'toDate(e.time, {tz:String})',
    },
  });
  const cap = Number(MAX_EVENTS_PER_PERSON);
  const timeoutMs = params.add((q.sessionTimeoutMinutes ?? 30) * 60_000, 'Int64');
  // A new session where the gap to the previous event exceeds the timeout or the zone's day
  // changes; gaps and day changes come from arrayDifference, so no lambda captures the whole
  // array (which ClickHouse would copy per element).
  const split = bySessionId
    ? '[seq]'
    : `arraySplit((x, gap, dayChange) -> gap > ${timeoutMs} OR dayChange != 0, seq,
         arrayDifference(arrayMap(x -> x.1, seq)), arrayDifference(arrayMap(x -> toInt32(x.2), seq)))`;
  // seq: (t, day, is screen, screen, is counted, group) in time order. groupArray(cap) bounds the
  // state per person; arraySort afterwards is far cheaper than groupArraySorted on many groups.
  return `
    SELECT person, s[1].1 AS st, s[-1].1 - s[1].1 AS dur, length(s) AS evs,
           arrayFilter(x -> x.3 = 1, s) AS views, length(views) AS scr,
           arrayCount(x -> x.5 = 1, s) AS cnt, s[1].6 AS gkey,
           if(scr > 0, views[1].4, NULL) AS entry, if(scr > 0, views[-1].4, NULL) AS exit
    FROM (
      SELECT person, ${split} AS sessions
      FROM (
        SELECT person, skey, arraySort(groupArray(${cap})((t, day, isScreen, scr, isCount, gkey))) AS seq
        FROM (${source})
        GROUP BY person, skey
      )
    )
    ARRAY JOIN sessions AS s`;
}

export interface SessionSql {
  readonly topGroups: string | null;
  /** Aggregated rows; grp = grouping(gkey, period, entry, exit). */
  readonly main: (topKeys: readonly string[]) => string;
}

export function sessionSql(ctx: AnalysisContext<SessionQuery>): SessionSql {
  const sessions = sessionsSql(ctx);
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const topGroups = grouped
    ? `SELECT gkey FROM (${sessions}) GROUP BY gkey ORDER BY count() DESC, gkey ASC LIMIT ${Number(ctx.groupLimit)}`
    : null;
  // The full sets even without group-by (gkey is then constant): one shape of rows to read.
  const sets = '(gkey, period), (gkey), (period), (), (entry), (exit)';
  const main = (topKeys: readonly string[]) => `
    SELECT gkey, period, entry, exit, count() AS sessions, uniqExact(person) AS users,
           avg(dur) AS avgDur, quantileExactLow(0.5)(dur) AS medDur, sum(evs) AS events,
           sum(scr) AS screens, countIf(scr <= 1) AS bounces, sum(cnt) AS counted,
           countIf(cnt > 0) AS withCounted, grouping(gkey, period, entry, exit) AS grp
    FROM (
      SELECT person, ${keepTopGroupsSql(ctx, 'gkey', topKeys)} AS gkey,
             ${periodSql(ctx, 'fromUnixTimestamp64Milli(st)')} AS period,
             entry, exit, dur, evs, scr, cnt
      FROM (${sessions})
    )
    GROUP BY GROUPING SETS (${sets})`;
  return { topGroups, main };
}
