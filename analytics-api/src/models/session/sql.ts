// SQL of session analysis, ONE scan of the events (plus a read of the screen events' names):
// 1. events of the app/range (all, or the included + screen + counted names), person resolved,
//    scoped, each packed into one sortable UInt64 (event-key-sql.ts) -- with its group key with
//    group-by and its session id by session id;
// 2. per person at most MAX_EVENTS_PER_PERSON keys (groupArray(cap), then sorted as numbers), so
//    one person's state stays bounded however busy they are; cut into sessions with array
//    functions (cut-sql.ts; no self-join, no window), each session with its period, group and
//    first-session flags for counting customers (user-flags-sql.ts);
// 3. one row per session (start, duration, events, screens, counted events, entry and exit screen
//    ranks, period, group, flags), aggregated with GROUPING SETS per period, group, entry and exit
//    screen in the same query; ranks become names only on the few output rows.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { eventSourceSql } from '../common/event-source-sql.ts';
import { filtersSql } from '../common/filter-sql.ts';
import { groupKeySql } from '../common/group-by-sql.ts';
import { periodLabelSql } from '../common/period-sql.ts';
import { ANY_EVENT } from '../common/query-schema.ts';
import { sessionArraysSql } from './cut-sql.ts';
import { eventKeySql, type ScreenColumns, screenColumns } from './event-key-sql.ts';
import { MAX_EVENTS_PER_PERSON, type SessionQuery } from './schema.ts';
import { userFlagsSql, usersSql } from './user-flags-sql.ts';

/** The events sessions are made of: with their key, group key and session id, or the group key only. */
function sourceSql(
  ctx: AnalysisContext<SessionQuery>,
  screens: ScreenColumns,
  columns: 'all' | 'group key',
): string {
  const q = ctx.query;
  const { params, names } = ctx;
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
  const grouped = (q.groupBy?.length ?? 0) > 0;
  // With includeEvents, the counted event joins the sessions only where it counts (its filters):
  // a transfer the count leaves out is neither included nor counted, so it must not cut or join
  // sessions either.
  const kept = [...(include ?? []), ...screens.names];
  const countedOnly = include && countName.length > 0 && !kept.includes(countName[0]!);
  return eventSourceSql(ctx, {
    events: include ? [...kept, ...countName] : 'any',
    where: [
      ...(bySessionId ? ["e.session_id != ''"] : []),
      ...(countedOnly ? [`(e.event != ${params.add(countName[0]!, 'String')} OR (${countCond}))`] : []),
    ],
    // The group keys alone need no resolved person (unless they come from the profile).
    ...(columns === 'group key' ? { resolvePerson: false } : {}),
    columns:
      columns === 'group key'
        ? { gkey: groupKeySql(ctx) }
        : {
            k: eventKeySql(ctx, screens, `toUInt8(${countCond})`),
            ...(grouped ? { gkey: groupKeySql(ctx) } : {}),
            ...(bySessionId ? { skey: 'e.session_id' } : {}),
          },
  });
}

/**
 * Rows (person, st, dur, evs, scr, cnt, entryRank, exitRank, pk, gkey, fAll, fP, fG, fGP), pk the
 * period's key (periodKeySql):
 * one per session. topKeys null: groups are not mapped to top N + "$others".
 */
function sessionsSql(
  ctx: AnalysisContext<SessionQuery>,
  screens: ScreenColumns,
  topKeys: readonly string[] | null,
): string {
  const q = ctx.query;
  const { params } = ctx;
  const bySessionId = q.sessionMode === 'session_id';
  const grouped = (q.groupBy?.length ?? 0) > 0;
  const source = sourceSql(ctx, screens, 'all');
  const cap = Number(MAX_EVENTS_PER_PERSON);
  const startMs = params.add(ctx.range.startMs, 'Int64');
  const all = (column: string) => `groupArray(${cap})(${column})`;
  // Keys sorted as numbers (by session id first, when sessions are ids); group keys sorted by
  // the same order and then by themselves: aligned with the keys, and among events of one
  // instant and kind the smallest group key comes first, as in the documented order.
  const sortKeys = bySessionId
    ? `arraySort((k, s) -> (s, k), ${all('k')}, ${all('skey')})`
    : `arraySort(${all('k')})`;
  const arrays = [
    `${sortKeys} AS ks`,
    ...(bySessionId ? [`arraySort(${all('skey')}) AS sks`] : []),
    ...(grouped
      ? [
          bySessionId
            ? `arraySort((g, k, s) -> (s, k, g), ${all('gkey')}, ${all('k')}, ${all('skey')}) AS gks`
            : `arraySort((g, k) -> (k, g), ${all('gkey')}, ${all('k')}) AS gks`,
        ]
      : []),
  ];
  const cut = sessionArraysSql({
    cut: bySessionId
      ? { sessionIds: 'sks' }
      : { timeoutMs: params.add((q.sessionTimeoutMinutes ?? 30) * 60_000, 'Int64') },
    startMs,
    range: ctx.range,
    groupKeys: grouped ? 'gks' : null,
  });
  return `
    SELECT person, st + ${startMs} AS st, dur, evs, scr, cnt, entryRank, exitRank, pk,
           ${grouped ? 'gkey' : "'' AS gkey"}, fAll, fP, fG, fGP
    FROM (
      SELECT ${cut},
             ${userFlagsSql(ctx, startMs, topKeys)}
      FROM (
        SELECT person, ${arrays.join(', ')}
        FROM (${source})
        GROUP BY person
      )
    )
    ARRAY JOIN sts AS st, durs AS dur, evss AS evs, scrs AS scr, cnts AS cnt, entries AS entryRank,
               exits AS exitRank, periods AS pk, fAlls AS fAll, fPs AS fP, fGs AS fG, fGPs AS fGP
               ${grouped ? ', groups AS gkey' : ''}`;
}

export interface SessionSql {
  /**
   * With group-by: up to groupLimit + 1 distinct group keys of the events. When there are at most
   * groupLimit, no session can fall into "$others", and the figures need one pass, not two.
   */
  readonly groupProbe: string | null;
  /** With group-by: the top groupLimit group keys by sessions (ties bytewise by key). */
  readonly topGroups: string | null;
  /** Aggregated rows; grp = grouping(gkey, period, entry, exit). topKeys null: every group as is. */
  readonly main: (topKeys: readonly string[] | null) => string;
  /**
   * (person, login_id '') of every customer with a session starting in `period` (a label of the
   * result's periods; undefined: the range) and group `gkey` (top N + others; undefined: any).
   */
  readonly persons: (topKeys: readonly string[] | null, period?: string, gkey?: string) => string;
}

export function sessionSql(ctx: AnalysisContext<SessionQuery>): SessionSql {
  const screens = screenColumns(ctx);
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const limit = Number(ctx.groupLimit);
  const groupProbe = grouped
    ? `SELECT DISTINCT gkey FROM (${sourceSql(ctx, screens, 'group key')}) LIMIT ${limit + 1}`
    : null;
  const topGroups = grouped
    ? `${screens.dictionary}
       SELECT gkey FROM (${sessionsSql(ctx, screens, null)})
       GROUP BY gkey ORDER BY count() DESC, gkey ASC LIMIT ${limit}`
    : null;
  // Without group-by gkey is constant, so (gkey, period) and (gkey) are the period and overall
  // figures: four sets instead of six (the exact median is the costly aggregate, ~5% of the CPU).
  const sets = grouped
    ? '(gkey, pk), (gkey), (pk), (), (entryRank), (exitRank)'
    : '(gkey, pk), (gkey), (gkey, entryRank), (gkey, exitRank)';
  const name = (rank: string) => `if(${rank} = 0, NULL, screenNames[${rank}])`;
  // The exact median keeps every duration of its set: inactivity sessions never span two days
  // (< 2^32 ms), so they are kept as UInt32, half the memory (10^8 bench case ~0.5 s of ~12 s).
  // Sessions by id may run for weeks and keep Int64.
  const duration = ctx.query.sessionMode === 'session_id' ? 'dur' : 'toUInt32(dur)';
  const main = (topKeys: readonly string[] | null) => `${screens.dictionary}
    SELECT gkey, ${periodLabelSql(ctx, 'pk')} AS period, ${name('entryRank')} AS entry, ${name('exitRank')} AS exit,
           count() AS sessions, ${usersSql('grp')} AS users,
           avg(dur) AS avgDur, quantileExactLow(0.5)(${duration}) AS medDur, sum(evs) AS events,
           sum(scr) AS screens, countIf(scr = 1) AS bounces, sum(cnt) AS counted,
           countIf(cnt > 0) AS withCounted, grouping(gkey, pk, entryRank, exitRank) AS grp
    FROM (${sessionsSql(ctx, screens, topKeys)})
    GROUP BY GROUPING SETS (${sets})`;
  const persons = (topKeys: readonly string[] | null, period?: string, gkey?: string) => {
    const conditions = ['1'];
    if (period !== undefined)
      conditions.push(`${periodLabelSql(ctx, 'pk')} = ${ctx.params.add(period, 'String')}`);
    if (gkey !== undefined) conditions.push(`gkey = ${ctx.params.add(gkey, 'String')}`);
    return `${screens.dictionary}
    SELECT person, '' AS login_id
    FROM (${sessionsSql(ctx, screens, topKeys)})
    WHERE ${conditions.join(' AND ')}
    GROUP BY person`;
  };
  return { groupProbe, topGroups, main, persons };
}
