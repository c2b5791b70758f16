// Runs distribution: reads the measured range and top groups, plans the buckets, counts customers
// per bucket (overall and per group) and shapes shares and summary statistics.
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { bucketRanges, planBuckets } from './buckets.ts';
import { fromHistogram } from './histogram.ts';
import type {
  DistributionBucket,
  DistributionQuery,
  DistributionResult,
  DistributionStats,
} from './schema.ts';
import { distributionSql } from './sql.ts';

type Row = Record<string, string | number | null>;
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const ratio = (a: number, b: number) => (b === 0 ? null : round(a / b));

function statsOf(row: Row | undefined): DistributionStats {
  const users = Number(row?.users ?? 0);
  if (!row || users === 0) return { users: 0, min: null, max: null, average: null, median: null };
  return {
    users,
    min: Number(row.mn),
    max: Number(row.mx),
    average: round(Number(row.total) / users),
    median: Number(row.med),
  };
}

export async function runDistribution(
  ctx: AnalysisContext<DistributionQuery>,
): Promise<Omit<DistributionResult, 'meta'>> {
  const sql = distributionSql(ctx);
  // Count-like measures: one query (see histogram.ts); sums: min/max first, then the buckets.
  if (ctx.query.measure !== 'sum') {
    return fromHistogram(ctx, await ctx.rows<{ gkey: string; v: number; users: number }>(sql.histogram));
  }
  const overview = await ctx.rows<Row>(sql.overview);
  const first = overview[0];
  const empty = { measure: ctx.query.measure, stats: statsOf(undefined), buckets: [], groups: [] };
  if (!first) return empty;
  const plan = planBuckets(ctx.query, false, Number(first.allMin), Number(first.allMax));
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const topKeys = grouped ? overview.map((r) => String(r.gkey)) : [];
  const rows = await ctx.rows<Row>(sql.buckets(topKeys, plan));
  // grouping(gkey, b): 0 = (gkey, b), 1 = (gkey), 2 = (b), 3 = (); without group-by the sets are (b) and ().
  const level = (r: Row) => Number(r.grp);
  const ranges = bucketRanges(plan);
  const offset = plan.below ? 0 : 1;
  const bucketsOf = (picked: Row[], total: number): DistributionBucket[] => {
    const byIndex = new Map(picked.map((r) => [Number(r.b) - offset, Number(r.users)]));
    return ranges.map((range, i) => {
      const users = byIndex.get(i) ?? 0;
      return { ...range, users, share: ratio(users, total) };
    });
  };
  const totalRow = rows.find((r) => level(r) === 3);
  const stats = statsOf(totalRow);
  const buckets = bucketsOf(
    rows.filter((r) => level(r) === 2),
    stats.users,
  );
  const groupKeys = grouped
    ? [...topKeys, ...(rows.some((r) => level(r) === 1 && r.gkey === OTHERS_GROUP) ? [OTHERS_GROUP] : [])]
    : [];
  const groups = groupKeys.map((key) => {
    const groupStats = statsOf(rows.find((r) => level(r) === 1 && r.gkey === key));
    return {
      group: groupValue(ctx, key) ?? [],
      stats: groupStats,
      buckets: bucketsOf(
        rows.filter((r) => level(r) === 0 && r.gkey === key),
        groupStats.users,
      ),
    };
  });
  return { measure: ctx.query.measure, stats, buckets, groups };
}
