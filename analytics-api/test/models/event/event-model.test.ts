// Event analysis through the real API on the real ClickHouse engine: hand-written scenarios for
// the documented edge cases, and a property test against the reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONS_BY_DAY_ZONE } from '../../../src/models/common/persons-by-day-source.ts';
import { personsByDayMetrics, personsByDaySql } from '../../../src/models/event/persons-by-day-sql.ts';
import type { EventQuery } from '../../../src/models/event/schema.ts';
import type { OrgScope } from '../../../src/permissions/org-scope.ts';
import { loginAs } from '../../security/support/sessions.ts';
import { type RefEventQuery, referenceEventPersons } from '../reference/event.ts';
import { analysisContextOf } from '../support/analysis-context-of.ts';
import {
  arbDataset,
  arbFilters,
  arbGroupBy,
  arbZone,
  catalogSeed,
  RANGE,
  withCustomerLogins,
} from '../support/arbitraries.ts';
import { type Dataset, ev, profileOf } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, keyOfGroup, type Persons } from '../support/person-lists.ts';
import { planReads } from '../support/plan-reads.ts';
import { expectEventReference } from './expect-event-reference.ts';

interface Series {
  key: string;
  group: (string | null)[] | null;
  values: (number | null)[];
  total: number | null;
}
interface EventResult {
  periods: string[];
  series: Series[];
  previous?: { periods: string[]; series: Series[] };
  meta: { cached: boolean; dataVersion: string };
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const none: Dataset['overrides'] = [];

describe('event analysis scenarios', () => {
  it('counts events, unique customers after ID-Mapping and per-customer averages per Shanghai day', async () => {
    // Device 101 is customer 1's phone: its anonymous view counts for customer 1.
    const data: Dataset = {
      events: [
        ev(1, 'view', '2026-03-01T16:30:00Z'), // 2026-03-02 00:30 in Shanghai
        ev(101, 'view', '2026-03-01T17:00:00Z'),
        ev(2, 'view', '2026-03-02T15:59:59Z'), // 23:59:59 on the 2nd in Shanghai
        ev(2, 'view', '2026-03-02T16:00:00Z'), // 00:00 on the 3rd
      ],
      overrides: [[101, 1]],
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<EventResult>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      metrics: [
        { event: 'view', aggregation: 'count' },
        { event: 'view', aggregation: 'users' },
        { event: 'view', aggregation: 'per_user' },
      ],
    });
    expect(r.periods).toEqual(['2026-03-02', '2026-03-03']);
    expect(r.series.map((s) => [s.key, s.values, s.total])).toEqual([
      ['A', [3, 1], 4],
      ['B', [2, 1], 2],
      ['C', [1.5, 1], 2],
    ]);
  });

  it('aggregates a numeric property, zero-fills empty periods, evaluates formulas and compares with the previous period', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'transfer', '2026-03-02T02:00:00Z', { numProps: { amount: 100 } }),
        ev(2, 'transfer', '2026-03-02T03:00:00Z', { numProps: { amount: 300 } }),
        ev(2, 'transfer', '2026-03-04T03:00:00Z', { props: { note: 'no amount' } }),
        ev(1, 'transfer', '2026-02-28T03:00:00Z', { numProps: { amount: 50 } }), // previous period
        ev(1, 'login', '2026-03-02T01:00:00Z'),
        ev(2, 'login', '2026-03-02T01:00:00Z'),
        ev(3, 'login', '2026-03-02T01:00:00Z'),
        ev(4, 'login', '2026-03-02T01:00:00Z'),
      ],
      overrides: none,
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<EventResult>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-04',
      timeZone: 'UTC',
      metrics: [
        { event: 'login', aggregation: 'users' },
        { event: 'transfer', aggregation: 'users' },
        { event: 'transfer', aggregation: 'sum', property: 'amount' },
        { event: 'transfer', aggregation: 'avg', property: 'amount' },
        { event: 'transfer', aggregation: 'max', property: 'amount' },
      ],
      formulas: [{ label: 'transfer rate %', expression: 'B/A*100' }],
      compare: true,
    });
    const byKey = Object.fromEntries(r.series.map((s) => [s.key, s]));
    expect(byKey.C!.values).toEqual([400, 0, 0]);
    expect(byKey.D!.values).toEqual([200, null, null]);
    expect(byKey.E!.total).toBe(300);
    expect(byKey.F1!.values).toEqual([50, null, null]);
    expect(byKey.F1!.total).toBe(50);
    expect(r.previous!.periods).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    const prevSum = r.previous!.series.find((s) => s.key === 'C')!;
    expect(prevSum.values).toEqual([0, 50, 0]);
  });

  it('groups by a user property with top N + others, and null for customers without it', async () => {
    const data: Dataset = {
      events: [1, 2, 3, 4, 5, 6].flatMap((p) =>
        Array.from({ length: p }, () => ev(p, 'view', '2026-03-02T04:00:00Z')),
      ),
      overrides: none,
      profiles: [
        {
          personId: 6,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'gold' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
        {
          personId: 5,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'silver' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
        {
          personId: 1,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'plain' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
      ],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<EventResult>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'total',
      groupBy: [{ source: 'user', property: 'level' }],
      groupLimit: 2,
      metrics: [{ event: 'view', aggregation: 'count' }],
    });
    // persons 2,3,4 have no level: 9 events, the largest group, shown as null.
    expect(r.series.map((s) => [s.group, s.total])).toEqual([
      [[null], 9],
      [['gold'], 6],
      [['$others'], 6],
    ]);
  });

  it('restricts a bank analyst to their bank, and refuses unknown names naming the field', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'view', '2026-03-02T04:00:00Z'),
        ev(2, 'view', '2026-03-02T04:00:00Z', { bankCode: 'B002' }),
      ],
      overrides: none,
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'total',
      metrics: [{ event: 'view', aggregation: 'count' }],
    };
    expect((await stack.analyse<EventResult>('events', body)).series[0]!.total).toBe(2);
    expect((await stack.analyse<EventResult>('events', body, stack.bank)).series[0]!.total).toBe(1);
    const other = await stack.post('events', { ...body, orgCode: 'B002' }, stack.bank);
    expect(other.statusCode).toBe(403);
    const unknown = await stack.post('events', {
      ...body,
      metrics: [{ event: "view' OR 1=1 --", aggregation: 'count' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'UNKNOWN_EVENT', field: 'metrics[0].event' });
    // The schema's own refusal names the field the same way as the catalog check above.
    const missing = await stack.post('events', { ...body, metrics: [{ aggregation: 'count' }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'metrics[0].event' });
    const badFilter = await stack.post('events', {
      ...body,
      filters: [{ property: 'plan', op: 'gt', values: [1] }],
    });
    expect(badFilter.statusCode).toBe(400);
  });
});

describe('event analysis: the customers behind a point', () => {
  it('lists the customers of a metric in one period or the whole range, for callers allowed to export', async () => {
    const appId = await stack.load({
      events: [
        ev(101, 'view', '2026-03-02T01:00:00Z'), // customer 1's device (merged)
        ev(1, 'view', '2026-03-03T01:00:00Z', { loginId: 'C001' }),
        ev(2, 'view', '2026-03-02T02:00:00Z', { loginId: 'C002', props: { plan: 'gold' } }),
        ev(2, 'buy', '2026-03-02T03:00:00Z', { loginId: 'C002' }),
        ev(3, 'view', '2026-03-03T02:00:00Z', { props: { plan: 'gold' } }),
      ],
      overrides: [[101, 1]],
      profiles: [profileOf(1, { loginId: 'C001' })],
    });
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      metrics: [
        { event: 'view', aggregation: 'users' },
        { event: 'buy', aggregation: 'count' },
      ],
    };
    const r = await stack.analyse<EventResult>('events', body);
    expect(r.series.map((x) => [x.key, x.values, x.total])).toEqual([
      ['A', [2, 2], 3],
      ['B', [1, 0], 1],
    ]);
    const list = (extra: object) => stack.analyse<Persons>('events/persons', { ...body, ...extra });
    // On 3-02 customer 1 only used the device (no login id on those events): the number comes from
    // their profile. Customer 2 has no profile row: the login id their events carried.
    expect(await list({ metric: 'A', period: '2026-03-02' })).toMatchObject({
      total: 2,
      persons: [
        { personId: '1', loginId: 'C001' },
        { personId: '2', loginId: 'C002' },
      ],
    });
    expect(ids(await list({ metric: 'A', period: '2026-03-03' }))).toEqual(['1', '3']);
    expect(await list({ metric: 'A', limit: 2, offset: 2 })).toMatchObject({
      total: 3,
      persons: [{ personId: '3', loginId: null }],
    });
    expect(ids(await list({ metric: 'B' }))).toEqual(['2']);
    expect(ids(await list({ metric: 'B', period: '2026-03-03' }))).toEqual([]);
    const grouped = { groupBy: [{ source: 'event', property: 'plan' }] };
    expect(ids(await list({ metric: 'A', ...grouped, group: ['gold'] }))).toEqual(['2', '3']);
    expect(ids(await list({ metric: 'A', ...grouped, group: [null] }))).toEqual(['1']);
    const noSuchMetric = await stack.post('events/persons', { ...body, metric: 'C' });
    expect(noSuchMetric.statusCode).toBe(400);
    expect(noSuchMetric.json().error.field).toBe('metric');
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('events/persons', { ...body, metric: 'A' }, viewer);
    expect(refused.statusCode).toBe(403);
  });
});

/** The common part of a random query: the range, zone, granularity, filters, group-by (top 2). */
const randomBase = (
  timeZone: string,
  granularity: RefEventQuery['granularity'],
  filters: RefEventQuery['filters'],
  groupBy: RefEventQuery['groupBy'] | undefined,
) => ({ ...RANGE, timeZone, granularity, filters, ...(groupBy ? { groupBy } : {}), groupLimit: 2 });

describe('event analysis equals the reference', () => {
  it('on random data, filters, group-by, zones and granularities', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'total' as const),
        fc.constantFrom(
          'count' as const,
          'users' as const,
          'per_user' as const,
          'sum' as const,
          'avg' as const,
          'max' as const,
          'min' as const,
          'distinct' as const,
        ),
        async (data, timeZone, filters, groupBy, granularity, aggregation) => {
          const query: RefEventQuery = {
            ...randomBase(timeZone, granularity, filters, groupBy),
            metrics: [
              { event: 'view', aggregation: 'users' },
              {
                event: 'buy',
                aggregation,
                ...(aggregation === 'distinct' ? { property: 'plan' } : { property: 'amount' }),
              },
            ],
          };
          await expectEventReference(stack, data, query);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});

describe('event analysis with metric filters equals the reference', () => {
  // Each metric carries filters of its own (event properties, numbers, the profile) besides the
  // global ones: its values count only its matching events, while the other metrics of the same
  // query (same event, other filters, or none) keep theirs. Every aggregation, so a filter must
  // reach the counts, the customers and the property aggregates alike; in Shanghai without global
  // filters or group-by the unfiltered counting metrics come from the daily projection beside them.
  const AGGREGATIONS = ['count', 'users', 'per_user', 'sum', 'avg', 'max', 'min', 'distinct'] as const;
  const arbMetric = fc.record({
    event: fc.constantFrom('view', 'buy', '$any'),
    aggregation: fc.constantFrom(...AGGREGATIONS),
    filters: arbFilters,
  });
  it('on random data, metrics with their own filters, global filters, group-by, zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbDataset, arbDataset.map(withCustomerLogins)),
        arbZone,
        fc.oneof(fc.constant([]), arbFilters),
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'total' as const),
        fc
          .array(arbMetric, { minLength: 1, maxLength: 3 })
          .filter((ms) => ms.some((m) => m.filters.length > 0)),
        async (data, timeZone, filters, groupBy, granularity, metrics) => {
          const query: RefEventQuery = {
            ...randomBase(timeZone, granularity, filters, groupBy),
            metrics: metrics.map(({ event, aggregation, filters: own }) => ({
              event,
              aggregation,
              ...(own.length ? { filters: own } : {}),
              ...(aggregation === 'distinct'
                ? { property: 'plan' }
                : ['sum', 'avg', 'max', 'min'].includes(aggregation)
                  ? { property: 'amount' }
                  : {}),
            })),
          };
          await expectEventReference(stack, data, query);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);

  // The "b" view is read for metric A but left out by its filter: no event of any metric falls
  // outside the top groups ("b" is not even a group by the main measure), so there is one group,
  // "a", and no "$others" of zeros.
  it('shows no "$others" group when no event of any metric falls outside the top groups', async () => {
    const appId = await stack.load({
      events: [
        ev(1, 'view', '2026-03-02T02:00:00Z', { props: { plan: 'a' } }),
        ev(2, 'view', '2026-03-02T03:00:00Z', { props: { plan: 'b' } }),
      ],
      overrides: none,
      profiles: [],
    });
    const r = await stack.analyse<EventResult>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      granularity: 'total',
      groupBy: [{ source: 'event', property: 'plan' }],
      metrics: [
        { event: 'view', aggregation: 'count', filters: [{ property: 'plan', op: 'eq', values: ['a'] }] },
      ],
    });
    expect(r.series.map((x) => [x.key, x.group, x.values, x.total])).toEqual([['A', ['a'], [1], 1]]);
  });

  it('takes min and max over the matching events of the metric only (by hand)', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'transfer', '2026-03-02T02:00:00Z', { numProps: { amount: 5 }, props: { channel: 'app' } }),
        ev(1, 'transfer', '2026-03-02T03:00:00Z', { numProps: { amount: 80 }, props: { channel: 'web' } }),
        ev(2, 'transfer', '2026-03-02T04:00:00Z', { numProps: { amount: 30 }, props: { channel: 'app' } }),
        ev(2, 'transfer', '2026-03-03T04:00:00Z', { numProps: { amount: 120 }, props: { channel: 'app' } }),
        ev(3, 'transfer', '2026-03-03T05:00:00Z', { numProps: { amount: 2 }, props: { channel: 'web' } }),
        ev(3, 'transfer', '2026-03-03T06:00:00Z', { props: { channel: 'app' } }), // no amount
      ],
      overrides: none,
      profiles: [],
    };
    const appId = await stack.load(data);
    const app = [{ property: 'channel', op: 'eq', values: ['app'] }];
    const r = await stack.analyse<EventResult>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      timeZone: 'UTC',
      metrics: [
        { event: 'transfer', aggregation: 'min', property: 'amount' },
        { event: 'transfer', aggregation: 'min', property: 'amount', filters: app },
        { event: 'transfer', aggregation: 'max', property: 'amount', filters: app },
        { event: 'transfer', aggregation: 'count', filters: app },
        {
          event: 'transfer',
          aggregation: 'users',
          filters: [{ property: 'amount', op: 'gt', values: [50] }],
        },
      ],
    });
    // All transfers: 3-02 min(5, 80, 30) = 5, 3-03 min(120, 2) = 2, range 2. App only: 3-02
    // min(5, 30) = 5, max 30; 3-03 120 (the app transfer without an amount is left out of min and
    // max, counted by count); range min 5, max 120. Amount > 50: customer 1 (80) on 3-02, customer
    // 2 (120) on 3-03.
    expect(r.series.map((s) => [s.key, s.values, s.total])).toEqual([
      ['A', [5, 2], 2],
      ['B', [5, 120], 5],
      ['C', [30, 120], 120],
      ['D', [2, 2], 4],
      ['E', [1, 1], 2],
    ]);
  });
});

describe('event analysis lists equal the reference', () => {
  // A users metric's points (some periods and the range total, overall or of a group): the customers
  // listed are the reference's persons of that point, and as many as the value on the chart.
  it('on random data, filters, group-by, zones and granularities', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const),
        fc.constantFrom('view', '$any'),
        async (data, timeZone, filters, groupBy, granularity, event) => {
          const appId = await stack.load(data);
          const query: RefEventQuery = {
            ...randomBase(timeZone, granularity, filters, groupBy),
            metrics: [
              { event: 'buy', aggregation: 'count' },
              { event, aggregation: 'users' },
            ],
          };
          const r = await stack.analyse<EventResult>('events', { appId, ...query });
          const points = r.series
            .filter((x) => x.key === 'B')
            .slice(0, 2)
            .flatMap((x) => [
              { x, period: undefined, value: x.total },
              ...r.periods
                .map((period, j) => ({ x, period, value: x.values[j] }))
                .filter((p) => p.value !== 0)
                .slice(0, 2),
            ]);
          for (const { x, period, value } of points) {
            const key = x.group ? keyOfGroup(x.group) : undefined;
            const listed = await stack.analyse<Persons>('events/persons', {
              appId,
              ...query,
              metric: 'B',
              ...(period ? { period } : {}),
              ...(x.group ? { group: x.group } : {}),
              limit: 1000,
            });
            expect(ids(listed)).toEqual(referenceEventPersons(data, query, 1, period, key).map(String));
            expect(listed.total).toBe(value);
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});

describe('event analysis from the daily projection equals the reference', () => {
  // Counts and customers of Shanghai days, weeks, months and totals without filters, group-by or
  // org narrowing come from the projection persons_by_day (migration 0007); a property metric in
  // the same query still reads the events. The customers' events carry login ids, so both the
  // stored customer bitmaps and the resolved device persons are exercised.
  it('on random data, counting metrics of one event or any, with or without a scanned metric', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset.map(withCustomerLogins),
        fc.constantFrom(PERSONS_BY_DAY_ZONE, 'Asia/Chongqing'),
        fc.constantFrom('day' as const, 'week' as const, 'month' as const, 'total' as const),
        fc.array(
          fc.record({
            event: fc.constantFrom('view', 'buy', '$any'),
            aggregation: fc.constantFrom('count' as const, 'users' as const, 'per_user' as const),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
        async (data, timeZone, granularity, counted, withSum) => {
          const query: RefEventQuery = {
            ...RANGE,
            timeZone,
            granularity,
            filters: [],
            metrics: [
              ...counted,
              ...(withSum ? [{ event: 'buy', aggregation: 'sum' as const, property: 'amount' }] : []),
            ],
          };
          await expectEventReference(stack, data, query);
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it('reads the projection instead of the events, and only where it answers exactly', async () => {
    const appId = await stack.load(
      withCustomerLogins({
        events: [
          ...catalogSeed().events,
          ev(1, 'view', '2026-03-02T01:00:00Z'),
          ev(101, 'buy', '2026-03-02T02:00:00Z'),
        ],
        overrides: [[101, 1]],
        profiles: [],
      }),
    );
    const query: EventQuery = {
      appId,
      ...RANGE,
      timeZone: PERSONS_BY_DAY_ZONE,
      granularity: 'day',
      metrics: [
        { event: 'view', aggregation: 'users' },
        { event: '$any', aggregation: 'count' },
        { event: 'buy', aggregation: 'per_user' },
        { event: 'buy', aggregation: 'sum', property: 'amount' },
        { event: 'view', aggregation: 'users', filters: [{ property: 'plan', op: 'eq', values: ['a'] }] },
      ],
    };
    const ctx = await analysisContextOf(stack, query);
    expect(personsByDayMetrics(ctx)).toEqual([0, 1, 2]);
    const reads = await planReads(stack, personsByDaySql(ctx, [0, 1, 2]), ctx.params.values);
    // The days are read twice (customers as stored, devices to resolve), the overrides once.
    expect(reads.filter((table) => !table.endsWith('person_overrides'))).toEqual([
      'persons_by_day',
      'persons_by_day',
    ]);
    // Anything else reads the events: another zone, hours, a global filter, a group-by, a bank.
    const others: Array<[Partial<EventQuery>, OrgScope?]> = [
      [{ timeZone: 'UTC' }],
      [{ granularity: 'hour' }],
      [{ filters: [{ property: 'plan', op: 'eq', values: ['a'] }] }],
      [{ groupBy: [{ source: 'event', property: 'plan' }] }],
      [{}, { bankCodes: ['B001'] }],
      [{}, { bankCodes: 'all', branchCodes: ['B001-01'] }],
    ];
    for (const [change, scope] of others) {
      expect(personsByDayMetrics(await analysisContextOf(stack, { ...query, ...change }, scope))).toEqual([]);
    }
    // A link of Asia/Shanghai (as some browsers in China report it) has the same days.
    expect(
      personsByDayMetrics(await analysisContextOf(stack, { ...query, timeZone: 'Asia/Chongqing' })),
    ).toEqual([0, 1, 2]);
  });
});
