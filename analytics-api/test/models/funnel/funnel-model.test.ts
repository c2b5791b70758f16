// Funnel through the real API on the real ClickHouse engine: the documented edge cases by hand,
// and a property test against the reference funnel.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../security/support/sessions.ts';
import { type RefFunnelQuery, referenceFunnel } from '../reference/funnel.ts';
import {
  arbBusyDayDataset,
  arbDenseDataset,
  arbFilters,
  arbGroupBy,
  arbZone,
  RANGE,
} from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { ids, type Persons } from '../support/person-lists.ts';

interface Step {
  users: number;
  conversionFromPrevious: number | null;
  conversionFromFirst: number | null;
  dropOff: number;
  medianSecondsFromPrevious: number | null;
  avgSecondsFromPrevious: number | null;
}
interface FunnelResult {
  steps: Step[];
  groups: { group: (string | null)[]; steps: Step[] }[];
  trend: { period: string; entered: number; converted: number; conversion: number | null }[];
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const day = { from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC' };
const users = (r: FunnelResult) => r.steps.map((s) => s.users);

async function funnel(data: Dataset, query: Record<string, unknown>): Promise<FunnelResult> {
  const appId = await stack.load(data);
  return stack.analyse<FunnelResult>('funnel', { appId, ...day, ...query });
}
const only = (events: Dataset['events'], overrides: Dataset['overrides'] = []): Dataset => ({
  events,
  overrides,
  profiles: [],
});

describe('funnel scenarios', () => {
  it('counts a step exactly at the window edge and not one millisecond later', async () => {
    const r = await funnel(
      only([
        ev(1, 'view', '2026-03-02T10:00:00.000Z'),
        ev(1, 'buy', '2026-03-02T11:00:00.000Z'),
        ev(2, 'view', '2026-03-02T10:00:00.000Z'),
        ev(2, 'buy', '2026-03-02T11:00:00.001Z'),
      ]),
      { steps: [{ event: 'view' }, { event: 'buy' }], windowMinutes: 60 },
    );
    expect(users(r)).toEqual([2, 1]);
    expect(r.steps[1]).toMatchObject({
      conversionFromPrevious: 0.5,
      dropOff: 1,
      medianSecondsFromPrevious: 3600,
    });
  });

  it('enters a customer who only reaches step 1 in the period of their first step-1 event', async () => {
    // Customers without any step-2 event are not walked event by event (a shortcut of the plan):
    // their entry must still be their first step-1 event, and the trend counts them once.
    const appId = await stack.load(
      only([
        ev(1, 'view', '2026-03-04T10:00:00Z'),
        ev(1, 'view', '2026-03-02T09:00:00Z'),
        ev(1, 'view', '2026-03-03T09:00:00Z'),
        ev(2, 'view', '2026-03-03T08:00:00Z'),
        ev(2, 'buy', '2026-03-03T08:30:00Z'),
        ev(2, 'view', '2026-03-02T08:00:00Z'),
      ]),
    );
    const r = await stack.analyse<FunnelResult>('funnel', {
      appId,
      from: '2026-03-02',
      to: '2026-03-04',
      timeZone: 'UTC',
      granularity: 'day',
      steps: [{ event: 'view' }, { event: 'buy' }],
      windowMinutes: 60,
    });
    expect(users(r)).toEqual([2, 1]);
    // Customer 2's best attempt is the one that converts (3 March), customer 1 enters on 2 March.
    expect(r.trend.map(({ period, entered, converted }) => [period, entered, converted])).toEqual([
      ['2026-03-02', 1, 0],
      ['2026-03-03', 1, 1],
      ['2026-03-04', 0, 0],
    ]);
  });

  it('needs step 1 inside the range but counts later steps past the end within the window', async () => {
    const r = await funnel(
      only([
        ev(1, 'view', '2026-03-02T23:30:00Z'),
        ev(1, 'buy', '2026-03-03T00:10:00Z'), // next day, inside the 1-day window
        ev(2, 'view', '2026-03-01T23:59:00Z'), // before the range: never enters
        ev(2, 'buy', '2026-03-02T00:10:00Z'),
      ]),
      { steps: [{ event: 'view' }, { event: 'buy' }] },
    );
    expect(users(r)).toEqual([1, 1]);
  });

  it("walks a customer's first 1,000 step events only: a start after them does not enter", async () => {
    // Customer 1 (a robot) clicks 1,000 times before viewing; customer 2 views within their first
    // 1,000 events. The cap bounds memory per customer; starts past it are not attempts.
    const clicks = (person: number, n: number) =>
      Array.from({ length: n }, (_, i) => ev(person, 'click', Date.parse('2026-03-02T01:00:00Z') + i * 1000));
    const r = await funnel(
      only([
        ...clicks(1, 1000),
        ev(1, 'view', '2026-03-02T12:00:00Z'),
        ...clicks(2, 999),
        ev(2, 'view', '2026-03-02T12:00:00Z'),
      ]),
      { steps: [{ event: 'view' }, { event: 'click' }] },
    );
    expect(users(r)).toEqual([1, 0]);
  });

  it('counts only events that match a step toward the 1,000-event cap', async () => {
    // Customer 1 makes 1,000 small transfers (amount 1) that step 1's filter (amount > 100) leaves
    // out, then a large one and a buy: the cap holds the 1,000 first MATCHING events, so the large
    // transfer and the buy are walked and customer 1 converts.
    const small = Array.from({ length: 1000 }, (_, i) =>
      ev(1, 'transfer', Date.parse('2026-03-02T00:00:00Z') + i * 1000, { numProps: { amount: 1 } }),
    );
    const r = await funnel(
      only([
        ...small,
        ev(1, 'transfer', '2026-03-02T08:00:00Z', { numProps: { amount: 500 } }),
        ev(1, 'buy', '2026-03-02T08:10:00Z'),
      ]),
      {
        steps: [
          { event: 'transfer', filters: [{ property: 'amount', op: 'gt', values: [100] }] },
          { event: 'buy' },
        ],
      },
    );
    expect(users(r)).toEqual([1, 1]);
  });

  it('loose order lets other step events happen in between; strict order does not', async () => {
    const data = only([
      ev(1, 'view', '2026-03-02T10:00:00Z'),
      ev(1, 'apply', '2026-03-02T10:01:00Z'), // step 3 before step 2
      ev(1, 'click', '2026-03-02T10:02:00Z'),
      ev(1, 'apply', '2026-03-02T10:03:00Z'),
    ]);
    const steps = [{ event: 'view' }, { event: 'click' }, { event: 'apply' }];
    expect(users(await funnel(data, { steps }))).toEqual([1, 1, 1]);
    expect(users(await funnel(data, { steps, order: 'strict' }))).toEqual([1, 0, 0]);
  });

  it('never lets one event fill two steps, and counts same-timestamp steps in order', async () => {
    const r = await funnel(
      only([
        ev(1, 'login', '2026-03-02T10:00:00Z'), // one login: step 1 only
        ev(2, 'login', '2026-03-02T10:00:00Z'),
        ev(2, 'login', '2026-03-02T10:00:00Z'), // two logins at the same instant: both steps
      ]),
      { steps: [{ event: 'login' }, { event: 'login' }] },
    );
    expect(users(r)).toEqual([2, 1]);
    const sameInstant = await funnel(
      only([ev(3, 'buy', '2026-03-02T10:00:00Z'), ev(3, 'view', '2026-03-02T10:00:00Z')]),
      { steps: [{ event: 'view' }, { event: 'buy' }] },
    );
    expect(users(sameInstant)).toEqual([1, 1]);
    expect(sameInstant.steps[1]!.medianSecondsFromPrevious).toBe(0);
  });

  it('counts each customer once by their deepest attempt, across devices merged by ID-Mapping', async () => {
    const r = await funnel(
      only(
        [
          ev(101, 'view', '2026-03-02T08:00:00Z'), // anonymous on the phone, later merged into customer 1
          ev(1, 'click', '2026-03-02T08:05:00Z'),
          ev(1, 'view', '2026-03-02T12:00:00Z'), // a second attempt that goes further
          ev(1, 'click', '2026-03-02T12:10:00Z'),
          ev(1, 'apply', '2026-03-02T12:30:00Z'),
        ],
        [[101, 1]],
      ),
      { steps: [{ event: 'view' }, { event: 'click' }, { event: 'apply' }], windowMinutes: 60 },
    );
    expect(users(r)).toEqual([1, 1, 1]);
    expect(r.steps[1]!.medianSecondsFromPrevious).toBe(600); // from the counted (second) attempt
    expect(r.trend).toEqual([{ period: '2026-03-02', entered: 1, converted: 1, conversion: 1 }]);
  });

  it('drops a customer who does an exclusion event between the steps, and links steps by a property', async () => {
    const data = only([
      ev(1, 'view', '2026-03-02T10:00:00Z', { props: { product: 'p1' } }),
      ev(1, 'cancel', '2026-03-02T10:01:00Z'),
      ev(1, 'buy', '2026-03-02T10:02:00Z', { props: { product: 'p1' } }),
      ev(2, 'view', '2026-03-02T10:00:00Z', { props: { product: 'p1' } }),
      ev(2, 'buy', '2026-03-02T10:02:00Z', { props: { product: 'p2' } }),
      ev(3, 'view', '2026-03-02T10:00:00Z', { props: { product: 'p3' } }),
      ev(3, 'buy', '2026-03-02T10:02:00Z', { props: { product: 'p3' } }),
    ]);
    const steps = [{ event: 'view' }, { event: 'buy' }];
    const excl = await funnel(data, { steps, exclusions: [{ event: 'cancel', fromStep: 1, toStep: 2 }] });
    expect(users(excl)).toEqual([2, 2]);
    const linked = await funnel(data, { steps, linkProperty: 'product' });
    expect(users(linked)).toEqual([3, 2]);
  });

  it('lets an exclusion event outside its steps pass in strict order: only step events break it', async () => {
    const data = only([
      ev(1, 'view', '2026-03-02T10:00:00Z'),
      ev(1, 'click', '2026-03-02T10:01:00Z'),
      ev(1, 'cancel', '2026-03-02T10:02:00Z'), // excluded only between steps 1 and 2
      ev(1, 'buy', '2026-03-02T10:03:00Z'),
    ]);
    const steps = [{ event: 'view' }, { event: 'click' }, { event: 'buy' }];
    const r = await funnel(data, {
      steps,
      order: 'strict',
      exclusions: [{ event: 'cancel', fromStep: 1, toStep: 2 }],
    });
    expect(users(r)).toEqual([1, 1, 1]);
  });

  it('gives each customer one group, from their step-1 event', async () => {
    const r = await funnel(
      only([
        ev(1, 'view', '2026-03-02T10:00:00Z', { props: { channel: 'banner' } }),
        ev(1, 'view', '2026-03-02T11:00:00Z', { props: { channel: 'push' } }),
        ev(1, 'buy', '2026-03-02T11:30:00Z'),
        ev(2, 'view', '2026-03-02T10:00:00Z', { props: { channel: 'push' } }),
      ]),
      { steps: [{ event: 'view' }, { event: 'buy' }], groupBy: [{ property: 'channel' }] },
    );
    // Customer 1's first attempt already converts (within a day): counted under banner only.
    expect(r.groups.map((g) => [g.group, g.steps.map((s) => s.users)])).toEqual([
      [['banner'], [1, 1]],
      [['push'], [1, 0]],
    ]);
    expect(users(r)).toEqual([2, 1]);
  });
});

describe('funnel: the customers behind a step', () => {
  it('lists who reached a step and who dropped off before it, for callers allowed to export', async () => {
    const appId = await stack.load(
      only(
        [
          ev(1, 'view', '2026-03-02T10:00:00Z', { loginId: 'C001' }),
          ev(1, 'buy', '2026-03-02T10:05:00Z', { loginId: 'C001' }),
          ev(101, 'view', '2026-03-02T10:00:00Z'),
          ev(2, 'view', '2026-03-02T11:00:00Z', { loginId: 'C002' }),
          ev(103, 'view', '2026-03-02T11:00:00Z'),
        ],
        [[101, 1]],
      ),
    );
    const body = { appId, ...day, steps: [{ event: 'view' }, { event: 'buy' }] };
    const dropped = await stack.analyse<Persons>('funnel/persons', { ...body, step: 2, status: 'dropped' });
    expect(dropped).toMatchObject({
      total: 2,
      persons: [
        { personId: '2', loginId: 'C002' },
        { personId: '103', loginId: null },
      ],
    });
    const reached = await stack.analyse<Persons>('funnel/persons', {
      ...body,
      step: 2,
      status: 'reached',
      limit: 1,
    });
    expect(reached).toMatchObject({ total: 1, persons: [{ personId: '1', loginId: 'C001' }] });
    const viewer = await loginAs(stack.api.app, 'b001.viewer');
    const refused = await stack.post('funnel/persons', { ...body, step: 2, status: 'dropped' }, viewer);
    expect(refused.statusCode).toBe(403);
  });

  it('lists the customers of one group, the top groups and the others as the result shows them', async () => {
    const push = { props: { channel: 'push' } };
    const appId = await stack.load(
      only([
        ev(1, 'view', '2026-03-02T10:00:00Z', push),
        ev(1, 'buy', '2026-03-02T10:05:00Z', push),
        ev(2, 'view', '2026-03-02T11:00:00Z', push),
        ev(3, 'view', '2026-03-02T12:00:00Z', { props: { channel: 'banner' } }),
        ev(4, 'view', '2026-03-02T12:00:00Z'),
      ]),
    );
    const body = {
      appId,
      ...day,
      steps: [{ event: 'view' }, { event: 'buy' }],
      groupBy: [{ source: 'event', property: 'channel' }],
      groupLimit: 1,
    };
    const list = async (group: (string | null)[]) =>
      ids(await stack.analyse<Persons>('funnel/persons', { ...body, step: 2, status: 'dropped', group }));
    expect(await list(['push'])).toEqual(['2']);
    expect(await list(['$others'])).toEqual(['3', '4']);
    const ungrouped = await stack.post('funnel/persons', {
      appId,
      ...day,
      steps: body.steps,
      step: 2,
      status: 'dropped',
      group: ['push'],
    });
    expect(ungrouped.statusCode).toBe(400);
    expect(ungrouped.json().error.field).toBe('group');
  });
});

describe('funnel equals the reference', () => {
  // Without group-by and link the SQL takes another plan (packed numeric events, persons who cannot
  // pass step 1 not walked), and without link and exclusions another walk (from every position by
  // reverse fills), so those plans get runs of their own.
  const equalsReference = (
    groupBys: typeof arbGroupBy,
    links: fc.Arbitrary<boolean>,
    numRuns: number,
    exclusions: fc.Arbitrary<boolean> = fc.boolean(),
    datasets: fc.Arbitrary<Dataset> = arbDenseDataset,
  ) =>
    fc.assert(
      fc.asyncProperty(
        datasets,
        arbZone,
        arbFilters,
        groupBys,
        fc.record({
          steps: fc.array(fc.constantFrom('view', 'click', 'buy', 'login'), { minLength: 2, maxLength: 4 }),
          windowMinutes: fc.constantFrom(30, 60, 90, 1440),
          order: fc.constantFrom('loose' as const, 'strict' as const),
          link: links,
          exclude: exclusions,
          granularity: fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const),
        }),
        fc.record({
          person: fc.constantFrom(1, 2, 101),
          slot: fc.integer({ min: 0, max: 100 }),
          late: fc.boolean(),
        }),
        async (generated, timeZone, filters, groupBy, o, edge) => {
          // One customer does step 1 and step 2 exactly at (or 1 ms past) the window's edge.
          const t1 = Date.parse('2026-03-02T00:00:00Z') + edge.slot * 30 * 60_000;
          const t2 = t1 + o.windowMinutes * 60_000 + (edge.late ? 1 : 0);
          const data = {
            ...generated,
            events: [
              ...generated.events,
              ev(edge.person, o.steps[0]!, t1),
              ev(edge.person, o.steps[1]!, t2, { numProps: { amount: 5 } }),
            ],
          };
          const appId = await stack.load(data);
          const query: RefFunnelQuery = {
            ...RANGE,
            timeZone,
            granularity: o.granularity,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            steps: o.steps.map((event, i) =>
              i === 1 ? { event, filters: [{ property: 'amount', op: 'lt', values: [90] }] } : { event },
            ),
            windowMinutes: o.windowMinutes,
            order: o.order,
            ...(o.link ? { linkProperty: 'plan' } : {}),
            ...(o.exclude ? { exclusions: [{ event: 'login', fromStep: 1, toStep: 2 }] } : {}),
          };
          const r = await stack.analyse<FunnelResult>('funnel', { appId, ...query });
          const expected = referenceFunnel(data, query);
          const pick = (steps: Step[]) =>
            steps.map(({ users: u, medianSecondsFromPrevious: m, avgSecondsFromPrevious: a }) => ({
              users: u,
              medianSecondsFromPrevious: m,
              avgSecondsFromPrevious: a,
            }));
          expect(pick(r.steps)).toEqual(expected.steps);
          expect(r.groups.map((g) => ({ group: g.group, steps: pick(g.steps) }))).toEqual(expected.groups);
          expect(r.trend.map(({ period, entered, converted }) => ({ period, entered, converted }))).toEqual(
            expected.trend,
          );
        },
      ),
      { numRuns },
    );
  it('on random data, orders, windows, links, exclusions, filters, groups and zones', async () => {
    await equalsReference(arbGroupBy, fc.boolean(), 60);
  }, 300_000);
  it('on random data without group-by or link (the packed plan)', async () => {
    await equalsReference(fc.constant(undefined), fc.constant(false), 40);
  }, 300_000);
  it('on busy customers without link or exclusions (the walk by reverse fills)', async () => {
    await equalsReference(arbGroupBy, fc.constant(false), 40, fc.constant(false), arbBusyDayDataset);
  }, 300_000);
  it('on busy customers with links and exclusions (the walk per attempt)', async () => {
    await equalsReference(arbGroupBy, fc.boolean(), 30, fc.boolean(), arbBusyDayDataset);
  }, 300_000);
});
