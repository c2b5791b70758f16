// User property analysis through the real API on the real ClickHouse engine: hand-written
// scenarios (distribution with a numeric measure, merged devices, behaviours, a cross table with
// numeric buckets and top N, scope, refused event filters) and a property test against the
// reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import {
  type RefUserPropertiesQuery,
  referenceUserProperties,
  referenceUserPropertiesCustomers,
} from '../reference/user-properties.ts';
import { arbDataset, arbZone, RANGE } from '../support/arbitraries.ts';
import { type Dataset, ev, type Profile, profileOf } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, type Persons } from '../support/person-lists.ts';

interface CellStats {
  users: number;
  share: number | null;
  withValue: number;
  sum: number | null;
  average: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}
type Cell = { group: (string | null)[] } & CellStats;
interface UserPropertiesResult {
  total: CellStats;
  dimensions: { property: string; values: (string | null)[] }[];
  cells: Cell[];
  margins: Cell[][];
  meta: unknown;
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const profile = (personId: number, level?: string, age?: number, bankCode = 'B001'): Profile =>
  profileOf(personId, {
    bankCode,
    props: level === undefined ? {} : { level },
    numProps: age === undefined ? {} : { age },
  });

// c1 gold 30, c2 gold 50, c3 silver 40, c4 (no level) 20, c5 silver (no age), c6 gold 60 at B002;
// device 101 (merged into c1) still has a stale profile of its own.
/** Customers by level with their age measured, over the scenarios' days. */
const ageByLevel = (appId: string) => ({
  appId,
  from: '2026-03-01',
  to: '2026-03-05',
  groupBy: [{ source: 'user', property: 'level' }],
  measure: 'age',
});

const CUSTOMERS: Dataset = {
  events: [
    ev(1, 'buy', '2026-03-02T04:00:00Z'),
    ev(101, 'buy', '2026-03-02T05:00:00Z'), // c1's phone: counts for c1
    ev(2, 'buy', '2026-03-02T04:00:00Z'),
    ev(3, 'buy', '2026-02-20T04:00:00Z'), // before the range
    ev(6, 'view', '2026-03-02T04:00:00Z', { bankCode: 'B002' }),
  ],
  overrides: [[101, 1]],
  profiles: [
    profile(1, 'gold', 30),
    profile(2, 'gold', 50),
    profile(3, 'silver', 40),
    profile(4, undefined, 20),
    profile(5, 'silver'),
    profile(6, 'gold', 60, 'B002'),
    profile(101, 'gold', 99),
  ],
};

describe('user property scenarios', () => {
  it('reads each customer as of their latest profile version, deleted profiles left out', async () => {
    const appId = await stack.load(CUSTOMERS);
    // Later folds: c1 becomes silver aged 31, c2 is deleted, c3's newer fold drops its age.
    await stack.api.clickhouse.insert({
      table: 'profiles',
      format: 'JSONEachRow',
      values: [
        {
          app_id: appId,
          person_id: 1,
          bank_code: 'B001',
          props: { level: 'silver' },
          num_props: { age: 31 },
          version: 2,
        },
        {
          app_id: appId,
          person_id: 2,
          bank_code: 'B001',
          props: { level: 'gold' },
          is_deleted: 1,
          version: 2,
        },
        {
          app_id: appId,
          person_id: 3,
          bank_code: 'B001',
          props: { level: 'silver' },
          num_props: {},
          version: 3,
        },
      ],
    });
    const body = ageByLevel(appId);
    const r = await stack.analyse<UserPropertiesResult>('user-properties', body);
    // c1 silver 31, c3 silver (no age), c4 (no level) 20, c5 silver (no age), c6 gold 60.
    expect(r.total).toMatchObject({ users: 5, withValue: 3, sum: 111, min: 20, max: 60 });
    expect(r.cells.map((c) => [c.group[0], c.users, c.sum])).toEqual([
      ['silver', 3, 31],
      [null, 1, 20], // ties by customers rank by value: not set ('') first
      ['gold', 1, 60],
    ]);
    // The same latest versions behind a user-property filter in another model.
    const events = await stack.analyse<{ series: { values: number[] }[] }>('events', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      filters: [{ source: 'user', property: 'level', op: 'eq', values: ['silver'] }],
      metrics: [{ event: 'buy', aggregation: 'users' }],
    });
    // Buyers on 03-02: c1 (now silver, with device 101) and c2 (deleted): one silver customer.
    expect(events.series[0]!.values).toEqual([1]);
  });

  it('spreads customers over a property with the sum, average and median of a numeric one', async () => {
    const appId = await stack.load(CUSTOMERS);
    const body = ageByLevel(appId);
    const r = await stack.analyse<UserPropertiesResult>('user-properties', body);
    expect(r.total).toEqual({
      users: 6,
      share: 1,
      withValue: 5,
      sum: 200,
      average: 40,
      median: 40,
      min: 20,
      max: 60,
    });
    expect(r.dimensions).toEqual([{ property: 'level', values: ['gold', 'silver', null] }]);
    expect(r.cells).toEqual([
      {
        group: ['gold'],
        users: 3,
        share: 0.5,
        withValue: 3,
        sum: 140,
        average: 46.666667,
        median: 50,
        min: 30,
        max: 60,
      },
      {
        group: ['silver'],
        users: 2,
        share: 0.333333,
        withValue: 1,
        sum: 40,
        average: 40,
        median: 40,
        min: 40,
        max: 40,
      },
      {
        group: [null],
        users: 1,
        share: 0.166667,
        withValue: 1,
        sum: 20,
        average: 20,
        median: 20,
        min: 20,
        max: 20,
      },
    ]);
    const bank = await stack.analyse<UserPropertiesResult>('user-properties', body, stack.bank);
    expect(bank.cells.map((c) => [c.group, c.users])).toEqual([
      [['gold'], 2],
      [['silver'], 2],
      [[null], 1],
    ]);
  });

  it('keeps customers who did or did not do an event in the range, devices counting for their customer', async () => {
    const appId = await stack.load(CUSTOMERS);
    const base = { appId, from: '2026-03-01', to: '2026-03-05' };
    const twice = await stack.analyse<UserPropertiesResult>('user-properties', {
      ...base,
      behaviours: [{ event: { event: 'buy' }, minTimes: 2 }],
    });
    expect(twice.total.users).toBe(1); // c1: own purchase + the phone's
    const never = await stack.analyse<UserPropertiesResult>('user-properties', {
      ...base,
      behaviours: [{ event: { event: 'buy' }, did: false }],
      filters: [{ source: 'user', property: 'level', op: 'is_set' }],
    });
    expect(never.total.users).toBe(3); // c3 (bought before the range), c5, c6; c4 has no level
  });

  it('cross-tabulates two properties with numeric buckets, margins and top N + others', async () => {
    const appId = await stack.load(CUSTOMERS);
    const body = {
      appId,
      from: '2026-03-01',
      to: '2026-03-05',
      groupBy: [
        { source: 'user', property: 'level' },
        { source: 'user', property: 'age', buckets: [40] },
      ],
    };
    const r = await stack.analyse<UserPropertiesResult>('user-properties', body);
    expect(r.dimensions.map((d) => d.values)).toEqual([
      ['gold', 'silver', null],
      ['>=40', '<40', null],
    ]);
    expect(r.cells.map((c) => [c.group, c.users])).toEqual([
      [['gold', '>=40'], 2],
      [['gold', '<40'], 1],
      [['silver', '>=40'], 1],
      [['silver', null], 1],
      [[null, '<40'], 1],
    ]);
    expect(r.margins.map((m) => m.map((c) => [c.group[0], c.users]))).toEqual([
      [
        ['gold', 3],
        ['silver', 2],
        [null, 1],
      ],
      [
        ['>=40', 3],
        ['<40', 2],
        [null, 1],
      ],
    ]);
    expect(r.cells[0]!.sum).toBeNull(); // no measure asked
    const top1 = await stack.analyse<UserPropertiesResult>('user-properties', { ...body, groupLimit: 1 });
    expect(top1.cells.map((c) => [c.group, c.users])).toEqual([
      [['gold', '>=40'], 2],
      [['gold', '$others'], 1],
      [['$others', '>=40'], 1],
      [['$others', '$others'], 2],
    ]);
  });

  it('refuses event-property filters and group-by, naming the field', async () => {
    const appId = await stack.load(CUSTOMERS);
    const base = { appId, from: '2026-03-01', to: '2026-03-05' };
    const filter = await stack.post('user-properties', {
      ...base,
      filters: [{ source: 'event', property: '$bank_code', op: 'eq', values: ['B001'] }],
    });
    expect(filter.statusCode).toBe(400);
    expect(filter.json().error.field).toBe('filters[0].source');
    const group = await stack.post('user-properties', {
      ...base,
      groupBy: [{ source: 'event', property: '$bank_code' }],
    });
    expect(group.statusCode).toBe(400);
    expect(group.json().error.field).toBe('groupBy[0].source');
  });
});

const arbUserFilters = fc.array(
  fc.oneof(
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constant('level'),
      op: fc.constantFrom('eq' as const, 'neq' as const, 'is_set' as const, 'not_set' as const),
      values: fc.constant(['gold']),
    }),
    fc.record({
      source: fc.constant('user' as const),
      property: fc.constant('age'),
      op: fc.constantFrom('between' as const, 'gt' as const),
      values: fc.constant([30, 60]).map((v) => v),
    }),
  ),
  { maxLength: 2 },
);
const arbDims = fc.constantFrom(
  [] as RefUserPropertiesQuery['groupBy'],
  [{ source: 'user' as const, property: 'level' }],
  [{ source: 'user' as const, property: 'age', buckets: [30, 60] }],
  [
    { source: 'user' as const, property: 'level' },
    { source: 'user' as const, property: 'age', buckets: [40] },
  ],
  [
    { source: 'user' as const, property: '$bank_code' },
    { source: 'user' as const, property: 'level' },
  ],
);
const arbBehaviours = fc.array(
  fc.record({
    event: fc.oneof(
      fc.constantFrom('view', 'buy', '$any').map((event) => ({ event })),
      fc.constant({
        event: 'buy',
        filters: [{ source: 'event' as const, property: 'plan', op: 'eq', values: ['a'] }],
      }),
    ),
    did: fc.boolean(),
    minTimes: fc.integer({ min: 1, max: 2 }),
  }),
  { maxLength: 2 },
);

describe('user property analysis: the customers behind a cell', () => {
  it('lists a cell, a margin, the others and the total, with login ids from the profiles', async () => {
    const appId = await stack.load({
      ...CUSTOMERS,
      profiles: CUSTOMERS.profiles.map((p) => (p.personId === 2 ? { ...p, loginId: 'C002' } : p)),
    });
    const body = {
      ...ageByLevel(appId),
      groupBy: [
        { source: 'user', property: 'level' },
        { source: 'user', property: 'age', buckets: [35] },
      ],
      groupLimit: 1,
    };
    const r = await stack.analyse<UserPropertiesResult>('user-properties', body);
    expect(r.dimensions.map((d) => d.values)).toEqual([
      ['gold', '$others'],
      ['>=35', '$others'],
    ]);
    const list = (cell?: (string | null)[], extra: object = {}) =>
      stack.analyse<Persons>('user-properties/persons', { ...body, ...(cell ? { cell } : {}), ...extra });
    // gold: c1 (30), c2 (50), c6 (60); silver c3 (40), c5; c4 (20) without a level.
    expect(await list(['gold', '>=35'])).toMatchObject({
      total: 2,
      persons: [
        { personId: '2', loginId: 'C002' },
        { personId: '6', loginId: null },
      ],
    });
    expect(ids(await list(['$others', '$all']))).toEqual(['3', '4', '5']);
    expect(ids(await list(['$all', '$others']))).toEqual(['1', '4', '5']);
    expect(await list(undefined, { limit: 2, offset: 4 })).toMatchObject({
      total: 6,
      persons: [{ personId: '5' }, { personId: '6' }],
    });
    const flat = { ...ageByLevel(appId) };
    expect(ids(await stack.analyse<Persons>('user-properties/persons', { ...flat, cell: [null] }))).toEqual([
      '4',
    ]);
    const wrongLength = await stack.post('user-properties/persons', { ...flat, cell: ['gold', 'x'] });
    expect(wrongLength.statusCode).toBe(400);
    expect(wrongLength.json().error.field).toBe('cell');
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('user-properties/persons', flat, viewer);
    expect(refused.statusCode).toBe(403);
  });
});

describe('user property analysis equals the reference', () => {
  // groupLimit 1-2 mostly leaves values over: the top-values pass; 10 mostly does not: the values
  // are ranked from the cells alone after the probe.
  const equalsReference = (groupLimits: fc.Arbitrary<number>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbUserFilters,
        arbDims,
        arbBehaviours,
        fc.option(fc.constant('age'), { nil: undefined }),
        groupLimits,
        async (data, timeZone, filters, groupBy, behaviours, measure, groupLimit) => {
          const appId = await stack.load(data);
          const query: RefUserPropertiesQuery = {
            ...RANGE,
            timeZone,
            filters: filters.map((f) => (f.op === 'gt' ? { ...f, values: [f.values[0]!] } : f)),
            groupBy,
            groupLimit,
            behaviours,
            ...(measure ? { measure } : {}),
          };
          const { meta: _, ...r } = await stack.analyse<UserPropertiesResult>('user-properties', {
            appId,
            ...query,
          });
          expect(r).toEqual(referenceUserProperties(data, query));
        },
      ),
      { numRuns },
    );
  it('on random profiles, merges, filters, behaviours, dimensions and measures', async () => {
    await equalsReference(fc.integer({ min: 1, max: 2 }), 40);
  }, 240_000);
  it('with a group limit above the number of values (no top-values pass)', async () => {
    await equalsReference(fc.constant(10), 30);
  }, 240_000);
});

describe('user property lists equal the reference', () => {
  // Each cell, each margin value and the total of a random analysis: the customers listed are the
  // reference's customers there, as many as the result counts.
  it('on random profiles, merges, filters, behaviours and dimensions', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbDims,
        arbBehaviours,
        fc.integer({ min: 1, max: 2 }),
        async (data, timeZone, groupBy, behaviours, groupLimit) => {
          const appId = await stack.load(data);
          const query: RefUserPropertiesQuery = { ...RANGE, timeZone, groupBy, groupLimit, behaviours };
          const r = await stack.analyse<UserPropertiesResult>('user-properties', { appId, ...query });
          const { customers } = referenceUserPropertiesCustomers(data, query);
          const dims = groupBy ?? [];
          const asked = [
            { cell: dims.map(() => '$all'), users: r.total.users },
            ...r.cells.slice(0, 3).map((c) => ({ cell: c.group, users: c.users })),
            ...r.margins.flatMap((m, d) =>
              m.slice(0, 2).map((c) => ({
                cell: dims.map((_, i) => (i === d ? c.group[0]! : '$all')),
                users: c.users,
              })),
            ),
          ];
          for (const { cell, users } of asked) {
            const expected = customers
              .filter((c) => cell.every((v, d) => v === '$all' || c.keys[d] === (v ?? '')))
              .map((c) => c.person)
              .sort((a, b) => a - b)
              .map(String);
            const listed = await stack.analyse<Persons>('user-properties/persons', {
              appId,
              ...query,
              cell,
              limit: 1000,
            });
            expect(ids(listed)).toEqual(expected);
            expect(listed.total).toBe(users);
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});
