// Runs LTV and shapes the (cohort, group, day offset) sums into one cohort x day table per group:
// cumulative totals and per-customer values, null for days not begun yet, every cohort period of
// the range listed (empty ones with 0 customers), the top N groups by customers, the rest merged
// into "$others" (each customer is in exactly one cohort and group, so sums merge exactly).
import { DateTime } from 'luxon';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { periodsOf } from '../common/time-range.ts';
import type { LtvCohort, LtvGroup, LtvQuery, LtvResult } from './schema.ts';
import { ltvSql } from './sql.ts';

interface Row {
  cohort: string;
  gkey: string;
  off: number;
  n: number;
  s: number;
}

interface CohortSums {
  users: number;
  /** Value summed per day offset 0..N-1 (not cumulative). */
  daily: number[];
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** How many days of a cohort starting on `cohort` have begun by `today` (both YYYY-MM-DD, same zone). */
export function daysBegun(cohort: string, today: string, days: number): number {
  const diff = Math.round(DateTime.fromISO(today).diff(DateTime.fromISO(cohort), 'days').days) + 1;
  return Math.max(0, Math.min(days, diff));
}

/** The last day of a cohort period: a day cohort's own day, a week cohort's Sunday (or the range's end). */
function lastDayOf(cohort: string, period: 'day' | 'week', rangeEnd: string): string {
  if (period === 'day') return cohort;
  const sunday = DateTime.fromISO(cohort).plus({ days: 6 }).toISODate() as string;
  return sunday < rangeEnd ? sunday : rangeEnd;
}

function cohortRow(cohort: string, sums: CohortSums, begun: number, days: number): LtvCohort {
  const ltv: (number | null)[] = [];
  const total: (number | null)[] = [];
  let running = 0;
  for (let k = 0; k < days; k++) {
    running += sums.daily[k] ?? 0;
    total.push(k < begun ? round(running) : null);
    ltv.push(k < begun && sums.users > 0 ? round(running / sums.users) : null);
  }
  return { cohort, users: sums.users, ltv, total };
}

function averageRow(cohorts: readonly { sums: CohortSums; begun: number }[], days: number): LtvCohort {
  const ltv: (number | null)[] = [];
  const total: (number | null)[] = [];
  const running = cohorts.map(() => 0);
  for (let k = 0; k < days; k++) {
    let users = 0;
    let sum = 0;
    cohorts.forEach((c, i) => {
      running[i]! += c.sums.daily[k] ?? 0;
      if (k < c.begun) {
        users += c.sums.users;
        sum += running[i]!;
      }
    });
    total.push(cohorts.some((c) => k < c.begun) ? round(sum) : null);
    ltv.push(users > 0 ? round(sum / users) : null);
  }
  const users = cohorts.reduce((n, c) => n + c.sums.users, 0);
  return { cohort: 'average', users, ltv, total };
}

export async function runLtv(ctx: AnalysisContext<LtvQuery>): Promise<Omit<LtvResult, 'meta'>> {
  const days = ctx.query.days ?? 30;
  const cohortPeriod = ctx.query.cohortPeriod ?? 'day';
  const rows = await ctx.rows<Row>(ltvSql(ctx));
  // gkey -> cohort -> sums
  const byGroup = new Map<string, Map<string, CohortSums>>();
  const sumsOf = (gkey: string, cohort: string) => {
    const cohorts = byGroup.get(gkey) ?? new Map<string, CohortSums>();
    byGroup.set(gkey, cohorts);
    const sums = cohorts.get(cohort) ?? { users: 0, daily: new Array(days).fill(0) };
    cohorts.set(cohort, sums);
    return sums;
  };
  for (const row of rows) {
    const sums = sumsOf(row.gkey, row.cohort);
    if (Number(row.off) < 0) sums.users += Number(row.n);
    else sums.daily[Number(row.off)]! += Number(row.s);
  }
  const grouped = (ctx.query.groupBy?.length ?? 0) > 0;
  const usersOf = (g: Map<string, CohortSums>) => [...g.values()].reduce((n, s) => n + s.users, 0);
  let keys = [...byGroup.keys()].sort(
    (a, b) => usersOf(byGroup.get(b)!) - usersOf(byGroup.get(a)!) || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (!grouped) keys = [''];
  else if (keys.length > ctx.groupLimit) {
    const others = new Map<string, CohortSums>();
    for (const key of keys.slice(ctx.groupLimit)) {
      for (const [cohort, sums] of byGroup.get(key)!) {
        const into = others.get(cohort) ?? { users: 0, daily: new Array(days).fill(0) };
        into.users += sums.users;
        sums.daily.forEach((v, k) => {
          into.daily[k]! += v;
        });
        others.set(cohort, into);
      }
    }
    keys = [...keys.slice(0, ctx.groupLimit), OTHERS_GROUP];
    byGroup.set(OTHERS_GROUP, others);
  }
  const periods = periodsOf(ctx.range, cohortPeriod);
  const today = DateTime.fromMillis(ctx.now, { zone: ctx.timeZone }).toISODate() as string;
  const groups: LtvGroup[] = keys.map((gkey) => {
    const cohorts = periods.map((cohort) => ({
      cohort,
      sums: byGroup.get(gkey)?.get(cohort) ?? { users: 0, daily: new Array(days).fill(0) },
      begun: daysBegun(lastDayOf(cohort, cohortPeriod, ctx.range.toDate), today, days),
    }));
    return {
      group: groupValue(ctx, gkey),
      cohorts: cohorts.map((c) => cohortRow(c.cohort, c.sums, c.begun, days)),
      average: averageRow(cohorts, days),
    };
  });
  return { days, cohortPeriod, groups };
}
