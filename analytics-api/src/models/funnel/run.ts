// Runs the funnel and shapes per-step figures (overall, per group, and the entry-period trend).
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { periodsOf } from '../common/time-range.ts';
import type { FunnelQuery, FunnelResult, FunnelStepResult } from './schema.ts';
import { funnelSql } from './sql.ts';

type Row = Record<string, string | number | null>;
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1e6) / 1e6);

function stepsOf(query: FunnelQuery, row: Row | undefined): FunnelStepResult[] {
  const users = query.steps.map((_, k) => Number(row?.[`u${k + 1}`] ?? 0));
  return query.steps.map((s, k) => {
    const reached = users[k]!;
    const med = row?.[`med${k + 1}`];
    const avg = row?.[`avg${k + 1}`];
    return {
      step: k + 1,
      event: s.event,
      label: s.label ?? s.event,
      users: reached,
      conversionFromPrevious: k === 0 ? (reached > 0 ? 1 : null) : ratio(reached, users[k - 1]!),
      conversionFromFirst: ratio(reached, users[0]!),
      dropOff: k === 0 ? 0 : users[k - 1]! - reached,
      medianSecondsFromPrevious: k === 0 || reached === 0 || med == null ? null : Number(med) / 1000,
      avgSecondsFromPrevious: k === 0 || reached === 0 || avg == null ? null : Math.round(Number(avg)) / 1000,
    };
  });
}

export async function runFunnel(ctx: AnalysisContext<FunnelQuery>): Promise<Omit<FunnelResult, 'meta'>> {
  const sql = funnelSql(ctx);
  const topKeys = sql.topGroups ? (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey) : [];
  const rows = await ctx.rows<Row>(sql.summary(topKeys));
  // grouping(gkey, period): 1 = the (gkey) set, 2 = the (period) set, 3 = the grand total.
  const overall = rows.find((r) => Number(r.grp) === 3);
  const byGroup = new Map(rows.filter((r) => Number(r.grp) === 1).map((r) => [String(r.gkey), r]));
  const byPeriod = new Map(rows.filter((r) => Number(r.grp) === 2).map((r) => [String(r.period), r]));
  const n = ctx.query.steps.length;
  const groupKeys = sql.topGroups ? [...topKeys, ...(byGroup.has(OTHERS_GROUP) ? [OTHERS_GROUP] : [])] : [];
  return {
    steps: stepsOf(ctx.query, overall),
    groups: groupKeys.map((key) => ({
      group: groupValue(ctx, key) ?? [],
      steps: stepsOf(ctx.query, byGroup.get(key)),
    })),
    trend: periodsOf(ctx.range, ctx.granularity).map((period) => {
      const row = byPeriod.get(period);
      const entered = Number(row?.u1 ?? 0);
      const converted = Number(row?.[`u${n}`] ?? 0);
      return { period, entered, converted, conversion: ratio(converted, entered) };
    }),
  };
}
