// Retention from the per-day customer sets (the persons_by_day projection) through the real API
// on the real ClickHouse engine: equal to the reference, period 0 and "on or after" by hand, and
// which queries take that plan (read from the engine's own plan).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONS_BY_DAY_ZONE } from '../../../src/models/common/persons-by-day-source.ts';
import { retentionByDaySets, retentionByDaySetsSql } from '../../../src/models/retention/day-sets-sql.ts';
import { retentionReach, runRetention } from '../../../src/models/retention/run.ts';
import type { RetentionQuery } from '../../../src/models/retention/schema.ts';
import type { OrgScope } from '../../../src/permissions/org-scope.ts';
import { analysisContextOf } from '../support/analysis-context-of.ts';
import {
  arbDataset,
  arbDatasetWith,
  arbDenseDataset,
  catalogSeed,
  RANGE,
  withCustomerLogins,
} from '../support/arbitraries.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { planReads } from '../support/plan-reads.ts';
import { arbPlainSelectors, cells, only, retentionRuns } from './retention-harness.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const { retention, cohortsEqualReference } = retentionRuns(() => stack);

describe('retention from per-day customer sets', () => {
  // Recurring retention without filters, group-by or narrowing, in Shanghai periods, comes
  // from the persons_by_day projection (periods 1..N) and one scan for period 0
  // (retention/day-sets-sql.ts). The customers' events carry login ids, so both the stored
  // customer bitmaps and the resolved device persons are exercised; busy days make ties and
  // several events per customer-day (period 0) common, busy fortnights returns in some later
  // periods and not in others ("on or after").
  const arbBusyFortnight = arbDatasetWith({ minEvents: 40, maxEvents: 120 });
  it('equals the reference on random data, periods and events', async () => {
    await cohortsEqualReference({
      selectors: arbPlainSelectors(fc.boolean()),
      datasets: fc.oneof(arbDataset, arbDenseDataset, arbBusyFortnight).map(withCustomerLogins),
      zones: fc.constantFrom(PERSONS_BY_DAY_ZONE, 'Asia/Chongqing'),
      filters: fc.constant([]),
      modes: fc.constant('recurring' as const),
      numRuns: 50,
    });
  }, 300_000);

  it('counts period 0 only for a return after the first initial event, ties not, merged devices yes', async () => {
    const r = await retention(
      withCustomerLogins(
        only(
          [
            ev(1, 'open', '2026-03-02T01:00:00Z'),
            ev(1, 'open', '2026-03-02T01:00:00Z'), // the same instant: not after
            ev(2, 'open', '2026-03-02T01:00:00Z'),
            ev(102, 'open', '2026-03-02T03:00:00Z'), // device of customer 2, later: counts
            ev(103, 'open', '2026-03-02T04:00:00Z'), // device of customer 3: in the cohort, no return
            ev(3, 'open', '2026-03-03T05:00:00Z'), // day 1 of customer 3
          ],
          [
            [102, 2],
            [103, 3],
          ],
        ),
      ),
      { from: '2026-03-02', to: '2026-03-02' },
    );
    expect(cells(r)).toEqual([['2026-03-02', 3, [1, 1, 0, 0]]]);
  });

  it('counts "on or after" period k for a return in any later period, also past period N', async () => {
    const r = await retention(
      withCustomerLogins(
        only([
          ev(1, 'open', '2026-03-02T01:00:00Z'),
          ev(1, 'open', '2026-03-04T01:00:00Z'), // day 2 only
          ev(2, 'open', '2026-03-02T01:00:00Z'),
          ev(2, 'open', '2026-03-03T01:00:00Z'), // day 1 only
          ev(3, 'open', '2026-03-02T01:00:00Z'),
          ev(3, 'open', '2026-03-09T01:00:00Z'), // day 7, past period N = 3
        ]),
      ),
      { from: '2026-03-02', to: '2026-03-02', window: 'on_or_after' },
    );
    expect(cells(r)).toEqual([['2026-03-02', 3, [0, 3, 2, 1]]]);
  });

  it('reads the projection for periods 1..N and the events only for period 0; other queries scan', async () => {
    // A device's event in the range too: a part without one lets the engine skip the devices' read.
    const appId = await stack.load(
      withCustomerLogins(
        only(
          [
            ...catalogSeed().events,
            ev(1, 'view', '2026-03-02T01:00:00Z'),
            ev(101, 'buy', '2026-03-03T01:00:00Z'),
          ],
          [[101, 1]],
        ),
      ),
    );
    const query: RetentionQuery = {
      appId,
      ...RANGE,
      timeZone: PERSONS_BY_DAY_ZONE,
      initial: { event: 'view' },
      returning: { event: 'buy' },
      period: 'week',
      periods: 4,
    };
    const ctx = await analysisContextOf(stack, query);
    expect(retentionByDaySets(ctx)).toBe(true);
    const reads = await planReads(stack, retentionByDaySetsSql(ctx, retentionReach(ctx)), ctx.params.values);
    // The days twice (customers as stored, devices to resolve), the events once (period 0).
    const daySetReads = ['persons_by_day', 'persons_by_day', 'tally.events'];
    expect(reads.filter((table) => !table.endsWith('person_overrides')).sort()).toEqual(daySetReads);
    // And the model runs that SQL (a query in UTC runs the scan, reading only the events).
    const readsOfRun = async (q: RetentionQuery): Promise<string[]> => {
      const runCtx = await analysisContextOf(stack, q);
      const run: string[] = [];
      await runRetention({
        ...runCtx,
        rows: async <T>(sql: string) => {
          run.push(sql);
          return [] as T[];
        },
      });
      expect(run).toHaveLength(1);
      const tables = await planReads(stack, run[0]!, runCtx.params.values);
      return tables.filter((table) => !table.endsWith('person_overrides')).sort();
    };
    expect(await readsOfRun(query)).toEqual(daySetReads);
    expect(await readsOfRun({ ...query, timeZone: 'UTC' })).toEqual(['tally.events']);
    const others: Array<[Partial<RetentionQuery>, OrgScope?]> = [
      [{ timeZone: 'UTC' }],
      [{ filters: [{ property: 'plan', op: 'eq', values: ['a'] }] }],
      [{ groupBy: [{ source: 'event', property: 'plan' }] }],
      [{ mode: 'first_time' }],
      [{ initial: { event: 'view', filters: [{ property: 'plan', op: 'eq', values: ['a'] }] } }],
      [{ returning: { event: 'buy', filters: [{ property: 'plan', op: 'eq', values: ['a'] }] } }],
      [{}, { bankCodes: ['B001'] }],
      [{}, { bankCodes: 'all', branchCodes: ['B001-01'] }],
    ];
    for (const [change, scope] of others) {
      expect(retentionByDaySets(await analysisContextOf(stack, { ...query, ...change }, scope))).toBe(false);
    }
    // A link of Asia/Shanghai has the same days; "on or after" is a union of the later sets.
    for (const change of [{ timeZone: 'Asia/Chongqing' }, { window: 'on_or_after' as const }]) {
      expect(retentionByDaySets(await analysisContextOf(stack, { ...query, ...change }))).toBe(true);
    }
  });
});
