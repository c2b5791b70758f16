// LTV through the real API on the real ClickHouse engine: the documented edge cases by hand
// (cohorts by day in the zone, value before the initial event, day N boundary, empty cohorts,
// week cohorts, days not begun yet, group-by with top N), and a property test against the
// reference implementation.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import { type RefLtvQuery, referenceLtv, referenceLtvGroups, referenceLtvMembers } from '../reference/ltv.ts';
import {
  arbDataset,
  arbDenseDataset,
  arbFilters,
  arbGroupBy,
  arbZone,
  RANGE,
} from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, keyOfGroup, type Persons } from '../support/person-lists.ts';

interface Cohort {
  cohort: string;
  users: number;
  ltv: (number | null)[];
  total: (number | null)[];
}
interface LtvResult {
  days: number;
  groups: { group: (string | null)[] | null; cohorts: Cohort[]; average: Cohort }[];
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const only = (events: Dataset['events'], overrides: Dataset['overrides'] = []): Dataset => ({
  events,
  overrides,
  profiles: [],
});
const buy = (person: number, time: string, amount: number) =>
  ev(person, 'buy', time, { numProps: { amount } });
const base = { initialEvent: { event: 'open' }, valueEvent: { event: 'buy' }, valueProperty: 'amount' };

async function ltv(data: Dataset, query: Record<string, unknown>): Promise<LtvResult> {
  const appId = await stack.load(data);
  return stack.analyse<LtvResult>('ltv', { appId, ...base, ...query });
}

describe('LTV scenarios', () => {
  it('accumulates value per Shanghai calendar day from the initial event, up to day N', async () => {
    const r = await ltv(
      only(
        [
          ev(1, 'open', '2026-03-02T01:00:00Z'), // Mar 2 09:00 Shanghai: cohort Mar 2
          buy(1, '2026-03-02T00:30:00Z', 100), // before the initial event: not counted
          buy(101, '2026-03-02T02:00:00Z', 50), // customer 1's device, day 1
          buy(1, '2026-03-03T15:59:00Z', 30), // Mar 3 23:59 Shanghai: day 2
          buy(1, '2026-03-04T16:00:00Z', 20), // Mar 5 00:00 Shanghai: day 4, beyond N = 3
          ev(1, 'open', '2026-03-03T01:00:00Z'), // a later initial event changes nothing
          ev(2, 'open', '2026-03-01T16:30:00Z'), // Mar 2 00:30 Shanghai: cohort Mar 2
          buy(2, '2026-03-04T10:00:00Z', 10), // Mar 4 18:00: day 3, past the range end
          ev(3, 'open', '2026-03-02T17:00:00Z'), // Mar 3 01:00: cohort Mar 3, no value
          ev(4, 'open', '2026-03-01T15:00:00Z'), // Mar 1 23:00 Shanghai: before the range
          buy(4, '2026-03-02T03:00:00Z', 999),
        ],
        [[101, 1]],
      ),
      { from: '2026-03-02', to: '2026-03-04', days: 3 },
    );
    expect(r.groups).toHaveLength(1);
    const [g] = r.groups;
    expect(g!.group).toBeNull();
    expect(g!.cohorts).toEqual([
      { cohort: '2026-03-02', users: 2, total: [50, 80, 90], ltv: [25, 40, 45] },
      { cohort: '2026-03-03', users: 1, total: [0, 0, 0], ltv: [0, 0, 0] },
      { cohort: '2026-03-04', users: 0, total: [0, 0, 0], ltv: [null, null, null] },
    ]);
    expect(g!.average).toEqual({
      cohort: 'average',
      users: 3,
      total: [50, 80, 90],
      ltv: [16.666667, 26.666667, 30],
    });
  });

  it('cohorts by week (Monday first), counting days from each customer own initial day', async () => {
    const r = await ltv(
      only([
        ev(1, 'open', '2026-03-02T10:00:00Z'), // Monday
        buy(1, '2026-03-03T10:00:00Z', 10), // day 2
        ev(2, 'open', '2026-03-08T10:00:00Z'), // Sunday, same week
        buy(2, '2026-03-08T11:00:00Z', 5), // day 1
        buy(2, '2026-03-09T10:00:00Z', 7), // day 2 (next week, still counted)
        ev(3, 'open', '2026-03-09T10:00:00Z'), // next Monday
        buy(3, '2026-03-09T10:00:00Z', 1), // same instant as the initial event: counted
      ]),
      { from: '2026-03-02', to: '2026-03-10', timeZone: 'UTC', days: 2, cohortPeriod: 'week' },
    );
    expect(r.groups[0]!.cohorts).toEqual([
      { cohort: '2026-03-02', users: 2, total: [5, 22], ltv: [2.5, 11] },
      { cohort: '2026-03-09', users: 1, total: [1, 1], ltv: [1, 1] },
    ]);
  });

  it('shows days that have not begun yet as null and leaves them out of the average', async () => {
    const today = DateTime.utc().startOf('day');
    const yesterday = today.minus({ days: 1 });
    const r = await ltv(
      only([
        ev(1, 'open', yesterday.toISO()!),
        buy(1, yesterday.plus({ minutes: 1 }).toISO()!, 10),
        ev(2, 'open', today.toISO()!),
      ]),
      { from: yesterday.toISODate(), to: today.toISODate(), timeZone: 'UTC', days: 3 },
    );
    const [g] = r.groups;
    expect(g!.cohorts).toEqual([
      { cohort: yesterday.toISODate(), users: 1, total: [10, 10, null], ltv: [10, 10, null] },
      { cohort: today.toISODate(), users: 1, total: [0, null, null], ltv: [0, null, null] },
    ]);
    expect(g!.average.ltv).toEqual([5, 10, null]);
    expect(g!.average.total).toEqual([10, 10, null]);
  });

  it('groups by a property of the initial event: top N, customers without it as null, the rest as $others', async () => {
    const data = only([
      ev(1, 'open', '2026-03-02T01:00:00Z', { props: { src: 'ad' } }),
      buy(1, '2026-03-02T02:00:00Z', 10),
      ev(2, 'open', '2026-03-02T01:00:00Z', { props: { src: 'ad' } }),
      buy(2, '2026-03-02T02:00:00Z', 20),
      ev(3, 'open', '2026-03-02T01:00:00Z'),
      buy(3, '2026-03-02T02:00:00Z', 5),
      ev(4, 'open', '2026-03-02T01:00:00Z', { props: { src: 'push' } }),
      ev(4, 'open', '2026-03-02T01:30:00Z', { props: { src: 'ad' } }), // not the first: ignored
      buy(4, '2026-03-02T02:00:00Z', 1),
    ]);
    const appId = await stack.load(data);
    const query = {
      appId,
      ...base,
      from: '2026-03-02',
      to: '2026-03-02',
      timeZone: 'UTC',
      days: 1,
      groupBy: [{ property: 'src' }],
    };
    const top1 = await stack.analyse<LtvResult>('ltv', { ...query, groupLimit: 1 });
    expect(
      top1.groups.map((g) => [g.group, g.cohorts[0]!.users, g.cohorts[0]!.total, g.cohorts[0]!.ltv]),
    ).toEqual([
      [['ad'], 2, [30], [15]],
      [['$others'], 2, [6], [3]],
    ]);
    // The customers behind the numbers: a group's cohort, and the others.
    const list = (group: (string | null)[]) =>
      stack.analyse<Persons>('ltv/persons', { ...query, groupLimit: 1, cohort: '2026-03-02', group });
    expect(ids(await list(['ad']))).toEqual(['1', '2']);
    expect(ids(await list(['$others']))).toEqual(['3', '4']);
    expect(
      ids(
        await stack.analyse<Persons>('ltv/persons', { ...query, groupBy: undefined, cohort: '2026-03-02' }),
      ),
    ).toEqual(['1', '2', '3', '4']);
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('ltv/persons', { ...query, cohort: '2026-03-02' }, viewer);
    expect(refused.statusCode).toBe(403);
    const top2 = await stack.analyse<LtvResult>('ltv', { ...query, groupLimit: 2 });
    // "not set" and "push" tie at one customer: the empty key sorts first.
    expect(top2.groups.map((g) => [g.group, g.average.users, g.average.total])).toEqual([
      [['ad'], 2, [30]],
      [[null], 1, [5]],
      [['$others'], 1, [1]],
    ]);
  });

  it('refuses a text value property and more than 180 days', async () => {
    const appId = await stack.load(only([ev(1, 'open', '2026-03-02T01:00:00Z', { props: { src: 'ad' } })]));
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      initialEvent: { event: 'open' },
      valueEvent: { event: 'open' },
    };
    const text = await stack.post('ltv', { ...body, valueProperty: 'src' });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.field).toBe('valueProperty');
    const long = await stack.post('ltv', { ...body, valueProperty: 'src', days: 181 });
    expect(long.statusCode).toBe(400);
  });
});

describe('LTV equals the reference', () => {
  it('on random data, cohorts, filters, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbDataset, arbDenseDataset),
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('login', 'view', 'buy'),
        fc.constantFrom(undefined, [{ property: 'amount', op: 'gt', values: [20] }]),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('day' as const, 'week' as const),
        async (data, timeZone, filters, groupBy, initial, valueFilters, days, cohortPeriod) => {
          const appId = await stack.load(data);
          const query: RefLtvQuery = {
            ...RANGE,
            timeZone,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            initialEvent: { event: initial },
            valueEvent: valueFilters ? { event: 'buy', filters: valueFilters } : { event: 'buy' },
            valueProperty: 'amount',
            days,
            cohortPeriod,
          };
          const r = await stack.analyse<LtvResult>('ltv', { appId, ...query });
          expect(r.groups).toEqual(referenceLtv(data, query, Date.now()));
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});

describe('LTV lists equal the reference', () => {
  // Some cohorts of each group of a random LTV analysis: the customers listed are the reference's
  // members there, as many as the cohort counts.
  it('on random data, cohorts, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbGroupBy,
        fc.constantFrom('login', 'view'),
        fc.constantFrom('day' as const, 'week' as const),
        async (data, timeZone, groupBy, initial, cohortPeriod) => {
          const appId = await stack.load(data);
          const query: RefLtvQuery = {
            ...RANGE,
            timeZone,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            initialEvent: { event: initial },
            valueEvent: { event: 'buy' },
            valueProperty: 'amount',
            days: 2,
            cohortPeriod,
          };
          const r = await stack.analyse<LtvResult>('ltv', { appId, ...query });
          const members = referenceLtvMembers(data, query);
          const { top } = referenceLtvGroups(query, members);
          for (const g of r.groups) {
            const key = g.group ? keyOfGroup(g.group) : undefined;
            for (const c of g.cohorts.filter((x) => x.users > 0).slice(0, 2)) {
              const expected = members
                .filter((m) => m.cohort === c.cohort)
                .filter((m) => key === undefined || (key === '$others' ? !top.has(m.key) : m.key === key))
                .map((m) => m.person)
                .sort((a, b) => a - b)
                .map(String);
              const listed = await stack.analyse<Persons>('ltv/persons', {
                appId,
                ...query,
                cohort: c.cohort,
                ...(g.group ? { group: g.group } : {}),
                limit: 1000,
              });
              expect(ids(listed)).toEqual(expected);
              expect(listed.total).toBe(c.users);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
