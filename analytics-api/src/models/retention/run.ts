// Runs retention and shapes the cohort x period table: counts, rates, cells of periods that have
// not started yet as null, and the weighted average row per group.
import { DateTime } from 'luxon';
import { ApiError } from '../../errors/catalogue.ts';
import type { AnalysisContext } from '../common/analysis-context.ts';
import { groupValue } from '../common/group-by-sql.ts';
import { OTHERS_GROUP } from '../common/query-schema.ts';
import { type DaySetsReach, retentionByDaySets, retentionByDaySetsSql } from './day-sets-sql.ts';
import {
  MAX_PERIODS,
  type RetentionPeriod,
  type RetentionQuery,
  type RetentionResult,
  type RetentionRow,
} from './schema.ts';
import { retentionSql } from './sql.ts';

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1e6) / 1e6);
const UNIT = { day: 'days', week: 'weeks', month: 'months' } as const;

/**
 * Checks the periods and gives the end of the return events read (the last cohort's period N)
 * and of the last cohort's period 0.
 */
export function retentionReach(ctx: AnalysisContext<RetentionQuery>): DaySetsReach {
  const period = ctx.query.period ?? 'day';
  const n = ctx.query.periods ?? 7;
  if (n > MAX_PERIODS[period]) {
    throw new ApiError('VALIDATION_FAILED', `at most ${MAX_PERIODS[period]} ${UNIT[period]}`, 'periods');
  }
  const lastCohortStart = DateTime.fromMillis(ctx.range.endMs - 1, { zone: ctx.timeZone }).startOf(
    period === 'week' ? 'week' : period,
  );
  const periodEnd = lastCohortStart.plus({ [UNIT[period]]: n + 1 }).toMillis();
  const returnEndMs =
    ctx.query.window === 'on_or_after' ? Math.max(periodEnd, ctx.now + 86_400_000) : periodEnd;
  const zeroEndMs = lastCohortStart.plus({ [UNIT[period]]: 1 }).toMillis();
  return { period, n, returnEndMs, zeroEndMs };
}

/**
 * Whether period k of a cohort (its first day, YYYY-MM-DD) has started: cohort start + k periods
 * <= now. Zone arithmetic is slow (a luxon step costs ~20 us): counted once per cohort, not per
 * cell (30 x 31 table: ~40 ms).
 */
export function periodStarted(
  ctx: AnalysisContext<RetentionQuery>,
  period: RetentionPeriod,
  n: number,
): (cohort: string, k: number) => boolean {
  const zone = ctx.timeZone;
  const today = DateTime.fromMillis(ctx.now, { zone });
  const unit = UNIT[period];
  const startedCounts = new Map<string, number>();
  const startedCount = (cohort: string): number => {
    const known = startedCounts.get(cohort);
    if (known !== undefined) return known;
    const start = DateTime.fromISO(cohort, { zone });
    const guess = Math.floor(today.diff(start, unit).get(unit));
    let k = Math.max(0, Math.min(n + 1, Number.isFinite(guess) ? guess : 0));
    // The calendar difference is a guess (month ends, DST); the rule itself settles it.
    while (k > 0 && start.plus({ [unit]: k - 1 }) > today) k--;
    while (k <= n && start.plus({ [unit]: k }) <= today) k++;
    startedCounts.set(cohort, k);
    return k;
  };
  return (cohort, k) => k < startedCount(cohort);
}

export async function runRetention(
  ctx: AnalysisContext<RetentionQuery>,
): Promise<Omit<RetentionResult, 'meta'>> {
  const reach = retentionReach(ctx);
  const { period, n } = reach;
  // Recurring retention without filters, groups or narrowing comes from per-day customer sets
  // (never grouped: no top groups); everything else from the scan.
  const sql = retentionByDaySets(ctx) ? null : retentionSql(ctx, reach.returnEndMs);
  const topKeys = sql?.topGroups ? (await ctx.rows<{ gkey: string }>(sql.topGroups)).map((r) => r.gkey) : [];
  const cohortsSql = sql ? sql.cohorts(topKeys) : retentionByDaySetsSql(ctx, reach);
  const raw = await ctx.rows<{
    cohort: string;
    gkey: string;
    size: number;
    r0: number;
    returned: [number[], number[]];
  }>(cohortsSql);
  const rows = raw.map((r) => {
    const retained = Array.from({ length: n + 1 }, () => 0);
    retained[0] = Number(r.r0);
    r.returned[0].forEach((k, i) => {
      retained[Number(k)] = Number(r.returned[1][i]);
    });
    return { cohort: r.cohort, gkey: r.gkey, size: r.size, retained };
  });
  const started = periodStarted(ctx, period, n);
  const cohorts: RetentionRow[] = rows.map((r) => {
    const retained = r.retained.map((v, k) => (started(r.cohort, k) ? Number(v) : null));
    return {
      cohort: r.cohort,
      group: groupValue(ctx, r.gkey),
      size: Number(r.size),
      retained,
      rates: retained.map((v) => (v === null ? null : ratio(v, Number(r.size)))),
    };
  });
  const groupKeys = sql?.topGroups
    ? [...topKeys, ...(rows.some((r) => r.gkey === OTHERS_GROUP) ? [OTHERS_GROUP] : [])]
    : [''];
  const average = groupKeys.map((gkey): RetentionRow => {
    const mine = rows.filter((r) => r.gkey === gkey);
    const retained: (number | null)[] = [];
    const rates: (number | null)[] = [];
    for (let k = 0; k <= n; k++) {
      const counted = mine.filter((r) => started(r.cohort, k));
      const size = counted.reduce((s, r) => s + Number(r.size), 0);
      const back = counted.reduce((s, r) => s + Number(r.retained[k] ?? 0), 0);
      retained.push(counted.length ? back : null);
      rates.push(counted.length ? ratio(back, size) : null);
    }
    return {
      cohort: 'average',
      group: groupValue(ctx, gkey),
      size: mine.reduce((s, r) => s + Number(r.size), 0),
      retained,
      rates,
    };
  });
  return { period, periods: n, cohorts, average };
}
