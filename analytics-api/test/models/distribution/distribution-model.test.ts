// Distribution through the real API on the real ClickHouse engine: hand-written scenarios for the
// documented edge cases (merged devices, zone days and hours, bucket modes, groups, scope) and a
// property test against the reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import {
  type RefDistributionQuery,
  referenceDistribution,
  referenceDistributionPeople,
} from '../reference/distribution.ts';
import { arbDataset, arbFilters, arbGroupBy, arbZone, RANGE } from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, keyOfGroup, type Persons } from '../support/person-lists.ts';

interface Bucket {
  label: string;
  lower: number | null;
  upper: number | null;
  users: number;
  share: number | null;
}
interface Stats {
  users: number;
  min: number | null;
  max: number | null;
  average: number | null;
  median: number | null;
}
interface DistributionResult {
  measure: string;
  stats: Stats;
  buckets: Bucket[];
  groups: { group: (string | null)[]; stats: Stats; buckets: Bucket[] }[];
  meta: unknown;
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const users = (r: DistributionResult) => r.buckets.map((b) => [b.label, b.users]);
describe('distribution scenarios', () => {
  it('counts times per customer after ID-Mapping into the automatic 1,2,3,...,10 ladder', async () => {
    const day = '2026-03-02T04:00:00Z';
    const data: Dataset = {
      events: [
        ev(1, 'view', day),
        ev(1, 'view', day),
        ev(101, 'view', day), // customer 1's phone before login
        ev(2, 'view', day),
        ...Array.from({ length: 12 }, () => ev(3, 'view', day)),
        ev(4, 'click', day), // another event: not measured
      ],
      overrides: [[101, 1]],
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<DistributionResult>('distribution', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      event: { event: 'view' },
      measure: 'times',
    });
    expect(r.stats).toEqual({ users: 3, min: 1, max: 12, average: 5.333333, median: 3 });
    expect(users(r)).toEqual([
      ['[1,2)', 1],
      ['[2,3)', 0],
      ['[3,4)', 1],
      ['[4,5)', 0],
      ['[5,6)', 0],
      ['[6,8)', 0],
      ['[8,10)', 0],
      ['>=10', 1],
    ]);
    expect(r.buckets[0]!.share).toBe(0.333333);
  });

  it('counts active days and hours on the calendar of the query zone, into custom buckets', async () => {
    const data: Dataset = {
      events: [
        // Customer 1: 00:30 and 23:00 on 2026-03-02 in Shanghai (two UTC days, one Shanghai day).
        ev(1, 'login', '2026-03-01T16:30:00Z'),
        ev(1, 'login', '2026-03-02T15:00:00Z'),
        // Customer 2: 23:59 on the 2nd and 00:00 on the 3rd in Shanghai (one UTC day, two Shanghai days).
        ev(2, 'login', '2026-03-02T15:59:00Z'),
        ev(2, 'login', '2026-03-02T16:00:00Z'),
        // Customer 3: twice in the same Shanghai hour.
        ev(3, 'login', '2026-03-02T02:05:00Z'),
        ev(3, 'login', '2026-03-02T02:55:00Z'),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      event: { event: 'login' },
      bucketMode: 'custom',
      boundaries: [2],
    };
    const days = await stack.analyse<DistributionResult>('distribution', { ...body, measure: 'active_days' });
    expect(users(days)).toEqual([
      ['<2', 2],
      ['>=2', 1],
    ]);
    const hours = await stack.analyse<DistributionResult>('distribution', {
      ...body,
      measure: 'active_hours',
    });
    expect(users(hours)).toEqual([
      ['<2', 1],
      ['>=2', 2],
    ]);
    const utcDays = await stack.analyse<DistributionResult>('distribution', {
      ...body,
      measure: 'active_days',
      timeZone: 'UTC',
      from: '2026-03-01',
      to: '2026-03-03',
    });
    expect(users(utcDays)).toEqual([
      ['<2', 2],
      ['>=2', 1],
    ]);
    expect(utcDays.stats.max).toBe(2);
  });

  it('sums a numeric property per customer (0 without it) into equal-width and nice automatic buckets', async () => {
    const t = '2026-03-02T04:00:00Z';
    const data: Dataset = {
      events: [
        ev(1, 'buy', t, { numProps: { amount: 10 } }),
        ev(1, 'buy', t, { numProps: { amount: 20 } }),
        ev(2, 'buy', t, { numProps: { amount: 100 } }),
        ev(3, 'buy', t, { props: { plan: 'a' } }),
        ev(4, 'buy', t, { numProps: { amount: 55 } }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      event: { event: 'buy' },
      measure: 'sum',
      property: 'amount',
    };
    const equal = await stack.analyse<DistributionResult>('distribution', {
      ...body,
      bucketMode: 'equal_width',
      bucketCount: 4,
    });
    expect(users(equal)).toEqual([
      ['[0,25)', 1],
      ['[25,50)', 1],
      ['[50,75)', 1],
      ['>=75', 1],
    ]);
    expect(equal.stats).toEqual({ users: 4, min: 0, max: 100, average: 46.25, median: 30 });
    const auto = await stack.analyse<DistributionResult>('distribution', body);
    // Range 0..100 in ten steps of 10.
    expect(auto.buckets.map((b) => b.lower)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(auto.buckets.filter((b) => b.users > 0).map((b) => b.label)).toEqual([
      '[0,10)',
      '[30,40)',
      '[50,60)',
      '>=100',
    ]);
  });

  it('splits by the group of each customer first event, top N + others and null, within the caller scope', async () => {
    const t = (m: number) => `2026-03-02T04:${String(m).padStart(2, '0')}:00Z`;
    const data: Dataset = {
      events: [
        ev(1, 'view', t(1), { props: { plan: 'a' } }),
        ev(1, 'view', t(2), { props: { plan: 'b' } }), // customer 1 stays in "a" (first event)
        ev(2, 'view', t(1), { props: { plan: 'a' } }),
        ev(3, 'view', t(1), { props: { plan: 'b' } }),
        ev(4, 'view', t(1)),
        ev(5, 'view', t(1), { props: { plan: 'c' }, bankCode: 'B002' }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      event: { event: 'view' },
      measure: 'times',
      groupBy: [{ property: 'plan' }],
      groupLimit: 1,
    };
    const r = await stack.analyse<DistributionResult>('distribution', body);
    expect(r.groups.map((g) => [g.group, g.stats.users, g.buckets.map((b) => b.users)])).toEqual([
      [['a'], 2, [1, 1]],
      [['$others'], 3, [3, 0]],
    ]);
    expect(r.stats.users).toBe(5);
    const bank = await stack.analyse<DistributionResult>(
      'distribution',
      { ...body, groupLimit: 10 },
      stack.bank,
    );
    // Bank B001 only (customer 5 is B002's); a missing plan ('' = null) sorts before "b" on a tie.
    expect(bank.groups.map((g) => [g.group, g.stats.users])).toEqual([
      [['a'], 2],
      [[null], 1],
      [['b'], 1],
    ]);
  });

  it('refuses a sum without a property and unordered custom boundaries, naming the field', async () => {
    const appId = await stack.load({
      events: [ev(1, 'buy', '2026-03-02T04:00:00Z')],
      overrides: [],
      profiles: [],
    });
    const body = { appId, from: '2026-03-02', to: '2026-03-02', event: { event: 'buy' } };
    const noProperty = await stack.post('distribution', { ...body, measure: 'sum' });
    expect(noProperty.statusCode).toBe(400);
    expect(noProperty.json().error.field).toBe('property');
    const unordered = await stack.post('distribution', {
      ...body,
      measure: 'times',
      bucketMode: 'custom',
      boundaries: [5, 2],
    });
    expect(unordered.statusCode).toBe(400);
    expect(unordered.json().error.field).toBe('boundaries');
  });
});

describe('distribution: the customers behind a bucket', () => {
  it('lists the customers of a bucket by its bounds, for callers allowed to export', async () => {
    const at = (h: number) => `2026-03-02T0${h}:00:00Z`;
    const appId = await stack.load({
      events: [
        ev(101, 'view', at(1)), // customer 1's device (merged): 3 views in all
        ev(1, 'view', at(2), { loginId: 'C001' }),
        ev(1, 'view', at(3), { loginId: 'C001' }),
        ev(2, 'view', at(1), { loginId: 'C002' }),
        ev(3, 'view', at(1)),
        ev(3, 'view', at(2)),
        ev(3, 'view', at(3)),
        ev(3, 'view', at(4)),
      ],
      overrides: [[101, 1]],
      profiles: [],
    });
    const body = { appId, from: '2026-03-02', to: '2026-03-02', event: { event: 'view' }, measure: 'times' };
    const r = await stack.analyse<DistributionResult>('distribution', body);
    expect(users(r)).toEqual([
      ['[1,2)', 1],
      ['[2,3)', 0],
      ['[3,4)', 1],
      ['>=4', 1],
    ]);
    const list = (lower: number | null, upper: number | null, extra: object = {}) =>
      stack.analyse<Persons>('distribution/persons', { ...body, lower, upper, ...extra });
    expect(await list(3, 4)).toMatchObject({ total: 1, persons: [{ personId: '1', loginId: 'C001' }] });
    expect(await list(1, 2)).toMatchObject({ total: 1, persons: [{ personId: '2', loginId: 'C002' }] });
    expect(ids(await list(4, null))).toEqual(['3']);
    expect(ids(await list(null, 4))).toEqual(['1', '2']);
    expect(await list(null, null, { limit: 1, offset: 2 })).toMatchObject({
      total: 3,
      persons: [{ personId: '3', loginId: null }],
    });
    // Past the last page: no one, but still how many there are.
    expect(await list(null, null, { limit: 1, offset: 5 })).toMatchObject({ total: 3, persons: [] });
    const reversed = await stack.post('distribution/persons', { ...body, lower: 4, upper: 3 });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.field).toBe('upper');
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('distribution/persons', { ...body, lower: 1, upper: 2 }, viewer);
    expect(refused.statusCode).toBe(403);
  });
});

describe('distribution equals the reference', () => {
  it('on random data, measures, bucket modes, filters, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('times' as const, 'active_days' as const, 'active_hours' as const, 'sum' as const),
        fc.constantFrom('view', 'buy', '$any'),
        fc.oneof(
          fc.constant({ bucketMode: 'auto' as const }),
          fc
            .integer({ min: 1, max: 6 })
            .map((bucketCount) => ({ bucketMode: 'equal_width' as const, bucketCount })),
          fc.constant({ bucketMode: 'custom' as const, boundaries: [2, 3, 50] }),
        ),
        async (data, timeZone, filters, groupBy, measure, event, buckets) => {
          const appId = await stack.load(data);
          const query: RefDistributionQuery = {
            ...RANGE,
            timeZone,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            event: { event },
            measure,
            ...(measure === 'sum' ? { property: 'amount' } : {}),
            ...buckets,
          };
          const { meta: _, ...r } = await stack.analyse<DistributionResult>('distribution', {
            appId,
            ...query,
          });
          expect(r).toEqual(referenceDistribution(data, query));
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});

describe('distribution lists equal the reference', () => {
  // The buckets of a random distribution (overall, and of its first group): each bucket's customers
  // by its bounds are the persons the reference puts in it, as many as the bucket counts.
  it('on random data, measures, bucket modes, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbGroupBy,
        fc.constantFrom('times' as const, 'active_hours' as const, 'sum' as const),
        fc.oneof(
          fc.constant({ bucketMode: 'auto' as const }),
          fc
            .integer({ min: 1, max: 6 })
            .map((bucketCount) => ({ bucketMode: 'equal_width' as const, bucketCount })),
          fc.constant({ bucketMode: 'custom' as const, boundaries: [2, 3, 50] }),
        ),
        async (data, timeZone, groupBy, measure, buckets) => {
          const appId = await stack.load(data);
          const query: RefDistributionQuery = {
            ...RANGE,
            timeZone,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            event: { event: '$any' },
            measure,
            ...(measure === 'sum' ? { property: 'amount' } : {}),
            ...buckets,
          };
          const r = await stack.analyse<DistributionResult>('distribution', { appId, ...query });
          const { people } = referenceDistributionPeople(data, query);
          const firstGroup = r.groups[0];
          const asked = [
            ...r.buckets.slice(0, 4).map((b) => ({ b, group: undefined })),
            ...(firstGroup
              ? firstGroup.buckets.slice(0, 2).map((b) => ({ b, group: firstGroup.group }))
              : []),
          ];
          for (const { b, group } of asked) {
            const key = group && keyOfGroup(group);
            const expected = people
              .filter((p) => (key === undefined || p.key === key) && (b.lower === null || p.value >= b.lower))
              .filter((p) => b.upper === null || p.value < b.upper)
              .map((p) => p.person)
              .sort((x, y) => x - y)
              .map(String);
            const listed = await stack.analyse<Persons>('distribution/persons', {
              appId,
              ...query,
              lower: b.lower,
              upper: b.upper,
              ...(group ? { group } : {}),
              limit: 1000,
            });
            expect(ids(listed)).toEqual(expected);
            expect(listed.total).toBe(b.users);
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});
