// Runs interval analysis and shapes box-plot figures (seconds) per period and in total, and the
// histogram, for all start events and per group.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { periodsOf } from '../common/time-range.ts';
import {
  DEFAULT_HISTOGRAM_SECONDS,
  type IntervalBin,
  type IntervalQuery,
  type IntervalResult,
  type IntervalSeries,
  type IntervalStats,
} from './schema.ts';
import { histogramBounds, intervalSql } from './sql.ts';

type Row = Record<string, unknown>;

// grouping(gkey, period, bin): a bit is 1 where the column is rolled up.
const SET = { groupPeriod: 1, group: 3, period: 5, all: 7, groupBin: 2, bin: 6 } as const;

function statsOf(row: Row | undefined): IntervalStats {
  const starts = Number(row?.starts ?? 0);
  const count = Number(row?.cnt ?? 0);
  if (!row || count === 0) {
    return { starts, count, min: null, p25: null, median: null, p75: null, max: null, mean: null };
  }
  const q = (row.q as number[]).map(Number);
  return {
    starts,
    count,
    min: Number(row.mn) / 1000,
    p25: q[0]! / 1000,
    median: q[1]! / 1000,
    p75: q[2]! / 1000,
    max: Number(row.mx) / 1000,
    mean: Math.round(Number(row.mean)) / 1000,
  };
}

function binsOf(boundsMs: readonly number[], rows: Row[]): IntervalBin[] {
  const counts = new Map(rows.map((r) => [Number(r.bin), Number(r.cnt)]));
  const seconds = boundsMs.map((b) => b / 1000);
  const bins: IntervalBin[] = [];
  if (seconds[0]! > 0)
    bins.push({ label: `<${seconds[0]}`, lower: null, upper: seconds[0]!, count: counts.get(0) ?? 0 });
  seconds.forEach((lower, i) => {
    const upper = seconds[i + 1];
    bins.push({
      label: upper === undefined ? `>=${lower}` : `[${lower},${upper})`,
      lower,
      upper: upper ?? null,
      count: counts.get(i + 1) ?? 0,
    });
  });
  return bins;
}

export async function runInterval(
  ctx: AnalysisContext<IntervalQuery>,
): Promise<Omit<IntervalResult, 'meta'>> {
  const boundsMs = histogramBounds(
    ctx.query.histogramSeconds ?? DEFAULT_HISTOGRAM_SECONDS,
    'histogramSeconds',
  );
  const sql = intervalSql(ctx, boundsMs);
  const topKeys = sql.topGroups ? (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey) : [];
  const rows = await ctx.rows<Row>(sql.main(topKeys));
  const periods = periodsOf(ctx.range, ctx.granularity);
  const of = (set: number, gkey?: string) =>
    rows.filter((r) => Number(r.grp) === set && (gkey === undefined || r.gkey === gkey));
  const series = (
    group: IntervalSeries['group'],
    totalRow: Row | undefined,
    periodRows: Row[],
    binRows: Row[],
  ): IntervalSeries => {
    const byPeriod = new Map(periodRows.map((r) => [String(r.period), r]));
    return {
      group,
      total: statsOf(totalRow),
      byPeriod: periods.map((p) => statsOf(byPeriod.get(p))),
      histogram: binsOf(
        boundsMs,
        binRows.filter((r) => Number(r.bin) >= 0),
      ),
    };
  };
  const overall = series(null, of(SET.all)[0], of(SET.period), of(SET.bin));
  // An aggregate over no rows still yields its grand-total rows: only a group with starts exists.
  const hasOthers = of(SET.group, OTHERS_GROUP).some((r) => Number(r.starts) > 0);
  const groups = sql.topGroups
    ? [...topKeys, ...(hasOthers ? [OTHERS_GROUP] : [])].map((key) =>
        series(groupValue(ctx, key), of(SET.group, key)[0], of(SET.groupPeriod, key), of(SET.groupBin, key)),
      )
    : [];
  return { periods, overall, groups };
}
