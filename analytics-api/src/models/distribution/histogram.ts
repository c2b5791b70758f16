// Count-like distributions (times, active days, active hours) from one histogram query: customers
// per (group, exact value). Their distinct values are few (at most the days or hours of the range,
// or the largest count), so statistics, buckets and top groups are computed here exactly, with
// the same rules as the two-query plan of sums (lower median, ties between groups bytewise).
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { bucketRanges, planBuckets } from './buckets.ts';
import type {
  DistributionBucket,
  DistributionQuery,
  DistributionResult,
  DistributionStats,
} from './schema.ts';

type Histogram = Map<number, number>;
const round = (v: number) => Math.round(v * 1e6) / 1e6;
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function add(into: Histogram, from: Histogram): void {
  for (const [v, n] of from) into.set(v, (into.get(v) ?? 0) + n);
}

function statsOf(h: Histogram): DistributionStats {
  const values = [...h.keys()].sort((a, b) => a - b);
  const users = values.reduce((s, v) => s + h.get(v)!, 0);
  if (users === 0) return { users: 0, min: null, max: null, average: null, median: null };
  const total = values.reduce((s, v) => s + v * h.get(v)!, 0);
  // The lower median: the value holding the ceil(n / 2)-th customer in ascending order.
  const rank = Math.ceil(users / 2);
  let seen = 0;
  let median = values[0]!;
  for (const v of values) {
    seen += h.get(v)!;
    median = v;
    if (seen >= rank) break;
  }
  return { users, min: values[0]!, max: values[values.length - 1]!, average: round(total / users), median };
}

export function fromHistogram(
  ctx: AnalysisContext<DistributionQuery>,
  rows: { gkey: string; v: number; users: number }[],
): Omit<DistributionResult, 'meta'> {
  const byGroup = new Map<string, Histogram>();
  const all: Histogram = new Map();
  for (const r of rows) {
    const h = byGroup.get(r.gkey) ?? new Map();
    h.set(Number(r.v), Number(r.users));
    byGroup.set(r.gkey, h);
    all.set(Number(r.v), (all.get(Number(r.v)) ?? 0) + Number(r.users));
  }
  const stats = statsOf(all);
  if (stats.users === 0) return { measure: ctx.query.measure, stats, buckets: [], groups: [] };
  const plan = planBuckets(ctx.query, true, stats.min!, stats.max!);
  const ranges = bucketRanges(plan);
  const lowers = plan.lowers;
  const bucketsOf = (h: Histogram, users: number): DistributionBucket[] => {
    const counts = ranges.map(() => 0);
    for (const [v, n] of h) {
      const at = lowers.filter((b) => b <= v).length - (plan.below ? 0 : 1);
      counts[Math.max(0, at)]! += n;
    }
    return ranges.map((r, i) => ({
      ...r,
      users: counts[i]!,
      share: users === 0 ? null : round(counts[i]! / users),
    }));
  };
  const groups: DistributionResult['groups'] = [];
  if ((ctx.query.groupBy?.length ?? 0) > 0) {
    const ranked = [...byGroup.entries()]
      .map(([key, h]) => ({ key, h, users: statsOf(h).users }))
      .sort((a, b) => b.users - a.users || bytes(a.key, b.key));
    const top = ranked.slice(0, ctx.groupLimit);
    const rest = ranked.slice(ctx.groupLimit);
    const others: Histogram = new Map();
    for (const r of rest) add(others, r.h);
    const shown = rest.length
      ? [...top, { key: OTHERS_GROUP, h: others, users: statsOf(others).users }]
      : top;
    for (const g of shown) {
      const s = statsOf(g.h);
      groups.push({ group: groupValue(ctx, g.key) ?? [], stats: s, buckets: bucketsOf(g.h, s.users) });
    }
  }
  return { measure: ctx.query.measure, stats, buckets: bucketsOf(all, stats.users), groups };
}
