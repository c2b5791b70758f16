// Runs session analysis and shapes per-period and total figures (overall and per group) and the
// top entry / exit screens with the rest as "$others".
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { periodsOf } from '../common/time-range.ts';
import type { SessionQuery, SessionResult, SessionSeries, SessionStats } from './schema.ts';
import { sessionSql } from './sql.ts';
import { SESSION_SETS as SET } from './user-flags-sql.ts';

type Row = Record<string, unknown>;
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const per = (a: number, b: number) => (b === 0 ? null : round(a / b));

function statsOf(row: Row | undefined): SessionStats {
  const n = (k: string) => Number(row?.[k] ?? 0);
  const sessions = n('sessions');
  return {
    sessions,
    users: n('users'),
    avgDurationSeconds: sessions === 0 ? null : Math.round(n('avgDur')) / 1000,
    medianDurationSeconds: sessions === 0 ? null : n('medDur') / 1000,
    eventsPerSession: per(n('events'), sessions),
    screensPerSession: per(n('screens'), sessions),
    bounces: n('bounces'),
    bounceRate: per(n('bounces'), sessions),
    countEventTotal: n('counted'),
    sessionsWithCountEvent: n('withCounted'),
    countEventPerSession: per(n('counted'), sessions),
  };
}

/** Top N screens by sessions (ties bytewise by name), the rest summed as "$others". */
function topScreens(rows: Row[], column: 'entry' | 'exit', limit: number) {
  const ranked = rows
    .filter((r) => r[column] !== null)
    .map((r) => ({ screen: String(r[column]), sessions: Number(r.sessions) }))
    .sort((a, b) => b.sessions - a.sessions || Buffer.compare(Buffer.from(a.screen), Buffer.from(b.screen)));
  const top = ranked
    .slice(0, limit)
    .map((s) => ({ screen: s.screen === '' ? null : s.screen, sessions: s.sessions }));
  const rest = ranked.slice(limit).reduce((sum, s) => sum + s.sessions, 0);
  return rest > 0 ? [...top, { screen: OTHERS_GROUP, sessions: rest }] : top;
}

/** Keys of the groups shown: the top ones of a first pass, or (none in "$others") all, ranked here. */
function rankedGroups(rows: Row[]): string[] {
  return rows
    .filter((r) => Number(r.grp) === SET.group && Number(r.sessions) > 0)
    .map((r) => ({ key: String(r.gkey), sessions: Number(r.sessions) }))
    .sort((a, b) => b.sessions - a.sessions || Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
    .map((g) => g.key);
}

export async function runSession(ctx: AnalysisContext<SessionQuery>): Promise<Omit<SessionResult, 'meta'>> {
  const sql = sessionSql(ctx);
  // null: every group is shown as it is (at most groupLimit of them), so one pass suffices.
  let topKeys: string[] | null = null;
  if (sql.groupProbe && sql.topGroups) {
    const distinct = await ctx.rows<{ gkey: string }>(sql.groupProbe);
    if (distinct.length > ctx.groupLimit) {
      topKeys = (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey);
    }
  }
  const rows = await ctx.rows<Row>(sql.main(topKeys));
  const grouped = sql.groupProbe !== null;
  const shown = sql.groupProbe ? (topKeys ?? rankedGroups(rows)) : [];
  const periods = periodsOf(ctx.range, ctx.granularity);
  const of = (set: number, gkey?: string) =>
    rows.filter((r) => Number(r.grp) === set && (gkey === undefined || r.gkey === gkey));
  const series = (
    group: SessionSeries['group'],
    totalRow: Row | undefined,
    periodRows: Row[],
  ): SessionSeries => {
    const byPeriod = new Map(periodRows.map((r) => [String(r.period), r]));
    return { group, total: statsOf(totalRow), byPeriod: periods.map((p) => statsOf(byPeriod.get(p))) };
  };
  // An aggregate over no rows still yields its grand-total rows: only a group with sessions exists.
  const hasOthers = topKeys !== null && of(SET.group, OTHERS_GROUP).some((r) => Number(r.sessions) > 0);
  const limit = ctx.query.screenLimit ?? 10;
  return {
    periods,
    // Without group-by the one group is everything (see sql.ts).
    overall: grouped
      ? series(null, of(SET.all)[0], of(SET.period))
      : series(null, of(SET.group)[0], of(SET.groupPeriod)),
    groups: sql.groupProbe
      ? [...shown, ...(hasOthers ? [OTHERS_GROUP] : [])].map((key) =>
          series(groupValue(ctx, key), of(SET.group, key)[0], of(SET.groupPeriod, key)),
        )
      : [],
    entryScreens: topScreens(of(grouped ? SET.entry : SET.groupEntry), 'entry', limit),
    exitScreens: topScreens(of(grouped ? SET.exit : SET.groupExit), 'exit', limit),
  };
}
