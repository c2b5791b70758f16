// Retention through the real API on the real ClickHouse engine: calendar periods in the zone,
// period 0, first-time vs recurring, "on or after", Monday weeks, unfinished periods, merges;
// and a property test against the reference retention.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import { type RefRetentionQuery, referenceRetentionEntries } from '../reference/retention.ts';
import {
  arbDataset,
  arbDenseDataset,
  arbFilters,
  arbGroupBy,
  arbZone,
  RANGE,
} from '../support/arbitraries.ts';
import { ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { groupOfKey, ids, type Persons } from '../support/person-lists.ts';
import {
  arbInitialEvent,
  arbPlainSelectors,
  arbReturnEvent,
  cells,
  only,
  type RetentionResult,
  retentionRuns,
  type Selectors,
} from './retention-harness.ts';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const { retention, cohortsEqualReference } = retentionRuns(() => stack);

describe('retention scenarios', () => {
  it('starts no cohort at the range end itself (midnight after the last day), yet counts it as a return', async () => {
    const r = await retention(
      only([
        ev(1, 'open', '2026-03-02T04:00:00Z'), // 12:00 on 3-2 in Shanghai
        ev(1, 'open', '2026-03-02T16:00:00Z'), // 00:00:00.000 on 3-3: the range end, day 1
      ]),
      { from: '2026-03-02', to: '2026-03-02' },
    );
    expect(cells(r)).toEqual([['2026-03-02', 1, [0, 1, 0, 0]]]);
  });

  it('counts calendar days in the zone, not 24-hour steps', async () => {
    const r = await retention(
      only([
        ev(1, 'open', '2026-03-02T15:00:00Z'), // 23:00 on 3-2 in Shanghai
        ev(1, 'open', '2026-03-02T17:00:00Z'), // 01:00 on 3-3: two hours later, but day 1
        ev(2, 'open', '2026-03-01T17:00:00Z'), // 01:00 on 3-2
        ev(2, 'open', '2026-03-03T15:00:00Z'), // 23:00 on 3-3: 46 hours later, still day 1
      ]),
      { from: '2026-03-02', to: '2026-03-02' },
    );
    expect(cells(r)).toEqual([['2026-03-02', 2, [0, 2, 0, 0]]]);
  });

  it('counts period 0 only for a return after the initial event', async () => {
    const r = await retention(
      only([
        ev(1, 'login', '2026-03-02T01:00:00Z'),
        ev(1, 'transfer', '2026-03-02T02:00:00Z'), // after: counts
        ev(2, 'transfer', '2026-03-02T01:00:00Z'), // before: does not
        ev(2, 'login', '2026-03-02T02:00:00Z'),
      ]),
      {
        from: '2026-03-02',
        to: '2026-03-02',
        timeZone: 'UTC',
        initial: { event: 'login' },
        returning: { event: 'transfer' },
      },
    );
    expect(cells(r)).toEqual([['2026-03-02', 2, [1, 0, 0, 0]]]);
    expect(r.cohorts[0]!.rates[0]).toBe(0.5);
  });

  it('starts a cohort entry per active period when recurring, and only at the first ever when first-time', async () => {
    const data = only([
      ev(1, 'open', '2026-02-20T01:00:00Z'), // first ever, before the range
      ev(1, 'open', '2026-03-02T01:00:00Z'),
      ev(1, 'open', '2026-03-03T01:00:00Z'),
      ev(2, 'open', '2026-03-02T01:00:00Z'),
      ev(2, 'open', '2026-03-04T01:00:00Z'),
    ]);
    const range = { from: '2026-03-02', to: '2026-03-03', timeZone: 'UTC' };
    expect(cells(await retention(data, { ...range, mode: 'recurring' }))).toEqual([
      ['2026-03-02', 2, [0, 1, 1, 0]],
      ['2026-03-03', 1, [0, 0, 0, 0]],
    ]);
    expect(cells(await retention(data, { ...range, mode: 'first_time' }))).toEqual([
      ['2026-03-02', 1, [0, 0, 1, 0]],
    ]);
  });

  it('counts "on or after" period k for any later return', async () => {
    const data = only([ev(1, 'open', '2026-03-02T01:00:00Z'), ev(1, 'open', '2026-03-05T01:00:00Z')]);
    const range = { from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC' };
    expect(cells(await retention(data, { ...range, window: 'on' }))).toEqual([
      ['2026-03-02', 1, [0, 0, 0, 1]],
    ]);
    expect(cells(await retention(data, { ...range, window: 'on_or_after' }))).toEqual([
      ['2026-03-02', 1, [0, 1, 1, 1]],
    ]);
  });

  it('starts weeks on Monday and follows a device merged into its customer', async () => {
    const r = await retention(
      only(
        [
          ev(101, 'open', '2026-03-08T10:00:00Z'), // Sunday, on the phone before login
          ev(1, 'open', '2026-03-09T10:00:00Z'), // Monday: the next week
        ],
        [[101, 1]],
      ),
      { from: '2026-03-08', to: '2026-03-08', timeZone: 'UTC', period: 'week' },
    );
    expect(cells(r)).toEqual([['2026-03-02', 1, [0, 1, 0, 0]]]);
  });

  it('leaves periods that have not started empty and weights the average by cohort size', async () => {
    const zone = 'Asia/Shanghai';
    const today = DateTime.now().setZone(zone).startOf('day');
    const at = (daysAgo: number, hour: number) =>
      today.minus({ days: daysAgo }).plus({ hours: hour }).toMillis();
    const r = await retention(
      only([
        ev(1, 'open', at(2, 9)),
        ev(1, 'open', at(1, 9)),
        ev(2, 'open', at(2, 9)),
        ev(3, 'open', at(1, 9)),
        ev(3, 'open', at(0, 0) + 60_000),
      ]),
      {
        from: today.minus({ days: 2 }).toISODate(),
        to: today.minus({ days: 1 }).toISODate(),
        timeZone: zone,
      },
    );
    expect(cells(r)).toEqual([
      [today.minus({ days: 2 }).toISODate(), 2, [0, 1, 0, null]],
      [today.minus({ days: 1 }).toISODate(), 2, [0, 1, null, null]],
    ]);
    // Day 1: 2 of 4; day 2: only the older cohort has reached it: 0 of 2.
    expect(r.average[0]!.rates).toEqual([0, 0.5, 0, null]);
  });
});

describe('retention: the customers behind a cell', () => {
  it('lists a cohort, who came back in period k and who did not, for callers allowed to export', async () => {
    const appId = await stack.load(
      only(
        [
          ev(101, 'open', '2026-03-02T01:00:00Z'), // customer 1's device before login (merged)
          ev(1, 'open', '2026-03-02T02:00:00Z', { loginId: 'C001' }), // period 0 return
          ev(1, 'open', '2026-03-03T02:00:00Z', { loginId: 'C001' }), // day 1
          ev(2, 'open', '2026-03-02T03:00:00Z', { loginId: 'C002' }),
          ev(2, 'open', '2026-03-04T03:00:00Z', { loginId: 'C002' }), // day 2
          ev(103, 'open', '2026-03-02T05:00:00Z'), // a device that never logged in
          ev(3, 'open', '2026-03-03T05:00:00Z', { loginId: 'C003' }), // cohort 3-3 only
        ],
        [[101, 1]],
      ),
    );
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      initial: { event: 'open' },
      returning: { event: 'open' },
      periods: 3,
    };
    const table = await stack.analyse<RetentionResult>('retention', body);
    expect(cells(table)[0]).toEqual(['2026-03-02', 3, [1, 1, 1, 0]]);
    const list = (extra: object) =>
      stack.analyse<Persons>('retention/persons', { ...body, cohort: '2026-03-02', ...extra });
    expect(await list({ status: 'entered' })).toMatchObject({
      total: 3,
      persons: [
        { personId: '1', loginId: 'C001' },
        { personId: '2', loginId: 'C002' },
        { personId: '103', loginId: null },
      ],
    });
    expect(ids(await list({ status: 'retained', returnPeriod: 0 }))).toEqual(['1']);
    expect(ids(await list({ status: 'retained', returnPeriod: 1 }))).toEqual(['1']);
    expect(ids(await list({ status: 'lost', returnPeriod: 1 }))).toEqual(['2', '103']);
    expect(ids(await list({ status: 'retained', returnPeriod: 2 }))).toEqual(['2']);
    expect(await list({ status: 'retained', returnPeriod: 3 })).toMatchObject({ total: 0, persons: [] });
    expect(await list({ status: 'lost', returnPeriod: 1, limit: 1, offset: 1 })).toMatchObject({
      total: 2,
      persons: [{ personId: '103' }],
    });
    expect(
      ids(
        await stack.analyse<Persons>('retention/persons', {
          ...body,
          cohort: '2026-03-03',
          status: 'entered',
        }),
      ),
    ).toEqual(['1', '3']);

    const refusal = async (extra: object) => {
      const res = await stack.post('retention/persons', { ...body, cohort: '2026-03-02', ...extra });
      expect(res.statusCode).toBe(400);
      return res.json().error.field as string;
    };
    expect(await refusal({ status: 'lost' })).toBe('returnPeriod');
    expect(await refusal({ status: 'lost', returnPeriod: 4 })).toBe('returnPeriod');
    expect(await refusal({ status: 'entered', group: ['a'] })).toBe('group');
    expect(await refusal({ status: 'entered', cohort: '2026-02-30' })).toBe('cohort');
    // A period that has not started is an empty cell in the table, not a list of everyone "lost".
    const today = DateTime.now().setZone('Asia/Shanghai').toISODate()!;
    const future = await stack.post('retention/persons', {
      ...body,
      from: today,
      to: today,
      cohort: today,
      status: 'lost',
      returnPeriod: 1,
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.message).toContain('has not started');

    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post(
      'retention/persons',
      { ...body, cohort: '2026-03-02', status: 'entered' },
      viewer,
    );
    expect(refused.statusCode).toBe(403);
  });
});

describe('retention equals the reference', () => {
  // Without group-by the SQL takes another plan (packed numeric events), so it gets runs of its own.
  it('on random data, periods, modes, windows, filters, groups and zones', async () => {
    await cohortsEqualReference({
      selectors: arbPlainSelectors(fc.constant(false)),
      groupBys: arbGroupBy,
      numRuns: 50,
    });
  }, 300_000);
  it('on random data without group-by (the packed plan)', async () => {
    await cohortsEqualReference({ selectors: arbPlainSelectors(fc.constant(false)), numRuns: 40 });
  }, 300_000);
  it('on random data without group-by, returning = initial event (one array for both)', async () => {
    await cohortsEqualReference({ selectors: arbPlainSelectors(fc.constant(true)), numRuns: 30 });
  }, 300_000);
});

describe('retention with per-event filters equals the reference', () => {
  // The initial and the return event each carry filters of their own (event properties, numbers,
  // the profile), on top of random global filters: an entry starts only at a matching initial
  // event and returns only with a matching return event. The return event is another event, the
  // same event with other filters, or the very same selector (the packed plan's one-array case).
  // Per-event filters keep the query off the per-day sets, so this is the scan, grouped (tuples)
  // and ungrouped (packed numbers).
  const arbSomeFilters = arbFilters.filter((f) => f.length > 0);
  const arbSelectorFilters = fc.oneof(
    fc.tuple(arbSomeFilters, fc.constant([])),
    fc.tuple(fc.constant([]), arbSomeFilters),
    fc.tuple(arbSomeFilters, arbSomeFilters),
  );
  const arbFilteredSelectors: fc.Arbitrary<Selectors> = fc
    .record({
      initial: arbInitialEvent,
      returning: arbReturnEvent,
      same: fc.constantFrom('no' as const, 'event' as const, 'selector' as const),
      filters: arbSelectorFilters,
    })
    .map(({ same, filters: [initialFilters, returningFilters], ...o }) => {
      const initial = { event: o.initial, ...(initialFilters.length ? { filters: initialFilters } : {}) };
      const returning =
        same === 'selector'
          ? initial
          : {
              event: same === 'event' ? o.initial : o.returning,
              ...(returningFilters.length ? { filters: returningFilters } : {}),
            };
      return { initial, returning };
    });
  const datasets = fc.oneof(arbDataset, arbDenseDataset);
  it('on random data, per-event filters, periods, modes, windows, groups and zones', async () => {
    await cohortsEqualReference({
      selectors: arbFilteredSelectors,
      datasets,
      groupBys: arbGroupBy,
      numRuns: 40,
    });
  }, 300_000);
  it('on random data with per-event filters, without group-by (the packed plan)', async () => {
    await cohortsEqualReference({ selectors: arbFilteredSelectors, datasets, numRuns: 40 });
  }, 300_000);
});

describe('retention period limits', () => {
  it('accepts up to 90 days, 12 weeks, 12 months and refuses one more, naming the field', async () => {
    const appId = await stack.load(
      only([ev(1, 'open', '2026-03-02T01:00:00Z'), ev(1, 'open', '2026-03-03T01:00:00Z')]),
    );
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      initial: { event: 'open' },
      returning: { event: 'open' },
    };
    const accepted: Array<['day' | 'week' | 'month', number]> = [
      ['day', 90],
      ['week', 12],
      ['month', 12],
    ];
    for (const [period, periods] of accepted) {
      const r = await stack.analyse<RetentionResult & { period: string; periods: number }>('retention', {
        ...body,
        period,
        periods,
      });
      expect([r.period, r.periods, r.cohorts.length]).toEqual([period, periods, 1]);
      // Period 0 and periods 1..N: one cell each; day 1 holds the return on 3-03.
      expect(r.cohorts[0]!.retained).toHaveLength(periods + 1);
      expect(r.cohorts[0]!.retained.slice(0, 2)).toEqual(period === 'day' ? [0, 1] : [1, 0]);
    }
    // 91 days is past the schema's maximum (a validation error of the body), 13 weeks and 13
    // months past the model's own limit per period; each is a 400 naming "periods".
    const refused: Array<['day' | 'week' | 'month', number, string]> = [
      ['day', 91, 'periods'],
      ['week', 13, 'periods'],
      ['month', 13, 'periods'],
    ];
    for (const [period, periods, field] of refused) {
      const res = await stack.post('retention', { ...body, period, periods });
      expect([period, res.statusCode]).toEqual([period, 400]);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
  });
});

describe('retention lists equal the reference', () => {
  // Every cohort (and group) of a random query: its customers, and those retained and lost in one
  // period k, each as the set of persons the reference counts in that cell.
  const listsEqualReference = (groupBys: typeof arbGroupBy, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        groupBys,
        fc.record({
          initial: fc.constantFrom('view', 'login', '$any'),
          returning: fc.constantFrom('view', 'buy', '$any'),
          period: fc.constantFrom('day' as const, 'week' as const),
          periods: fc.integer({ min: 1, max: 4 }),
          mode: fc.constantFrom('recurring' as const, 'first_time' as const),
          window: fc.constantFrom('on' as const, 'on_or_after' as const),
          k: fc.nat(4),
        }),
        async (data, timeZone, groupBy, o) => {
          const appId = await stack.load(data);
          const query: RefRetentionQuery = {
            ...RANGE,
            timeZone,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            initial: { event: o.initial },
            returning: { event: o.returning },
            period: o.period,
            periods: o.periods,
            mode: o.mode,
            window: o.window,
          };
          const entries = referenceRetentionEntries(data, query);
          const k = Math.min(o.k, o.periods);
          const cells = [...new Set(entries.map((e) => `${e.cohort}\u0000${e.key}`))].slice(0, 4);
          for (const cell of cells) {
            const [cohort, key] = cell.split('\u0000') as [string, string];
            const mine = entries.filter((e) => e.cohort === cohort && e.key === key);
            const expected = (keep: (flags: number[]) => boolean) =>
              mine
                .filter((e) => keep(e.flags))
                .map((e) => e.person)
                .sort((a, b) => a - b)
                .map(String);
            const group = groupBy ? groupOfKey(key, groupBy) : undefined;
            const list = (extra: object) =>
              stack.analyse<Persons>('retention/persons', {
                appId,
                ...query,
                cohort,
                ...(group ? { group } : {}),
                limit: 1000,
                ...extra,
              });
            expect(ids(await list({ status: 'entered' }))).toEqual(expected(() => true));
            expect(ids(await list({ status: 'retained', returnPeriod: k }))).toEqual(
              expected((f) => f[k] === 1),
            );
            expect(ids(await list({ status: 'lost', returnPeriod: k }))).toEqual(expected((f) => f[k] === 0));
          }
        },
      ),
      { numRuns },
    );
  it('on random data, periods, modes, windows, groups and zones', async () => {
    await listsEqualReference(arbGroupBy, 25);
  }, 300_000);
  it('on random data without group-by (the packed plan)', async () => {
    await listsEqualReference(fc.constant(undefined), 20);
  }, 300_000);
});
