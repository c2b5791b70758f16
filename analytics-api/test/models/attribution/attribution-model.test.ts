// Attribution through the real API on the real ClickHouse engine: the five models on a hand-made
// conversion (lookback boundary inclusive, a touchpoint at the conversion instant, split
// touchpoints, value), unattributed conversions, the key event and linking property, and a
// property test against the reference implementation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RefAttributionBlock,
  type RefAttributionQuery,
  referenceAttribution,
} from '../reference/attribution.ts';
import { arbFilters, arbZone, RANGE } from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';
import { arbBusyDataset } from './arb-busy-dataset.ts';
import { arbMaybeGroupedBy } from './arb-group-by.ts';

type Credit = { conversions: number; share: number | null; value: number };
interface TouchpointCredit {
  touchpoint: number;
  event: string;
  splitValue: string | null;
  touchedConversions: number;
  credits: Record<string, Credit>;
}
interface GroupResult {
  total: { conversions: number; value: number };
  attributed: { conversions: number; value: number };
  unattributed: { conversions: number; value: number };
  touchpoints: TouchpointCredit[];
}
interface AttributionResult extends GroupResult {
  models: string[];
  groups?: (GroupResult & { group: (string | null)[] })[];
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
const day = { from: '2026-03-02', to: '2026-03-02', timeZone: 'UTC' };

describe('attribution scenarios', () => {
  it('credits first, last, linear, position-based and time-decay on the same conversions', async () => {
    const data = only(
      [
        // Customer 1 converts at 12:00 with 1000 after three touchpoints.
        ev(1, 'banner_click', '2026-03-01T11:59:59.999Z', { props: { banner_id: 'A' } }), // 1 ms too early
        ev(101, 'banner_click', '2026-03-01T12:00:00Z', { props: { banner_id: 'A' } }), // exactly 24 h: counts
        ev(1, 'push_open', '2026-03-02T00:00:00Z'), // 12 h before
        ev(1, 'banner_click', '2026-03-02T12:00:00Z', { props: { banner_id: 'B' } }), // same instant
        ev(1, 'apply', '2026-03-02T12:00:00Z', { numProps: { amount: 1000 } }),
        ev(1, 'apply', '2026-03-03T12:00:00Z', { numProps: { amount: 7 } }), // after the range
        // Customer 2 converts with no touchpoint.
        ev(2, 'apply', '2026-03-02T08:00:00Z', { numProps: { amount: 500 } }),
        // Customer 3: one touchpoint takes all the credit under every model.
        ev(3, 'push_open', '2026-03-02T05:00:00Z'),
        ev(3, 'apply', '2026-03-02T06:00:00Z', { numProps: { amount: 100 } }),
      ],
      [[101, 1]],
    );
    const appId = await stack.load(data);
    const r = await stack.analyse<AttributionResult>('attribution', {
      appId,
      ...day,
      targetEvent: { event: 'apply' },
      touchpoints: [{ event: 'banner_click', splitBy: 'banner_id' }, { event: 'push_open' }],
      lookbackDays: 1,
      halfLifeDays: 0.5,
      valueProperty: 'amount',
    });
    expect(r.total).toEqual({ conversions: 3, value: 1600 });
    expect(r.attributed).toEqual({ conversions: 2, value: 1100 });
    expect(r.unattributed).toEqual({ conversions: 1, value: 500 });
    // Customer 1's touchpoints are 24 h, 12 h and 0 h old: decay weights 1/4, 1/2, 1 (sum 7/4).
    const credit = (conversions: number, value: number): Credit => ({
      conversions,
      share: Math.round((conversions / 2) * 1e6) / 1e6,
      value,
    });
    expect(r.touchpoints.map((t) => [t.touchpoint, t.event, t.splitValue, t.touchedConversions])).toEqual([
      [0, 'banner_click', 'A', 1],
      [0, 'banner_click', 'B', 1],
      [1, 'push_open', null, 2],
    ]);
    const [a, b, push] = r.touchpoints;
    expect(a!.credits).toEqual({
      first_touch: credit(1, 1000),
      last_touch: credit(0, 0),
      linear: credit(0.333333, 333.333333),
      position_based: credit(0.4, 400),
      time_decay: { conversions: 0.142857, share: 0.071429, value: 142.857143 },
    });
    expect(b!.credits).toEqual({
      first_touch: credit(0, 0),
      last_touch: credit(1, 1000),
      linear: credit(0.333333, 333.333333),
      position_based: credit(0.4, 400),
      time_decay: { conversions: 0.571429, share: 0.285714, value: 571.428571 },
    });
    expect(push!.credits).toEqual({
      first_touch: credit(1, 100),
      last_touch: credit(1, 100),
      linear: { conversions: 1.333333, share: 0.666667, value: 433.333333 },
      position_based: credit(1.2, 300),
      time_decay: { conversions: 1.285714, share: 0.642857, value: 385.714286 },
    });
  });

  it('with a key event, credits only touchpoints followed by a linked key event before the conversion', async () => {
    const data = only([
      // 1: banner -> product view (loan) -> apply (loan): attributed.
      ev(1, 'banner_click', '2026-03-02T10:00:00Z'),
      ev(1, 'product_view', '2026-03-02T10:05:00Z', { props: { product: 'loan' } }),
      ev(1, 'apply', '2026-03-02T10:10:00Z', { props: { product: 'loan' } }),
      // 2: no product view.
      ev(2, 'banner_click', '2026-03-02T10:00:00Z', { props: { product: 'loan' } }),
      ev(2, 'apply', '2026-03-02T10:10:00Z', { props: { product: 'loan' } }),
      // 3: viewed another product.
      ev(3, 'banner_click', '2026-03-02T10:00:00Z'),
      ev(3, 'product_view', '2026-03-02T10:05:00Z', { props: { product: 'card' } }),
      ev(3, 'apply', '2026-03-02T10:10:00Z', { props: { product: 'loan' } }),
      // 4: the product view came before the banner.
      ev(4, 'product_view', '2026-03-02T09:00:00Z', { props: { product: 'loan' } }),
      ev(4, 'banner_click', '2026-03-02T10:00:00Z'),
      ev(4, 'apply', '2026-03-02T10:10:00Z', { props: { product: 'loan' } }),
    ]);
    const appId = await stack.load(data);
    const body = {
      appId,
      ...day,
      targetEvent: { event: 'apply' },
      touchpoints: [{ event: 'banner_click' }],
      models: ['last_touch'],
    };
    const keyed = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      keyEvent: { event: 'product_view' },
      linkProperty: 'product',
    });
    expect([keyed.attributed.conversions, keyed.unattributed.conversions]).toEqual([1, 3]);
    expect(keyed.touchpoints.map((t) => t.credits)).toEqual([
      { last_touch: { conversions: 1, share: 1, value: 0 } },
    ]);
    // Without the link, customer 3's product view also counts.
    const unlinked = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      keyEvent: { event: 'product_view' },
    });
    expect(unlinked.attributed.conversions).toBe(2);
    // A link without a key event ties the touchpoint itself to the conversion: only customer 2.
    const linked = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      linkProperty: 'product',
    });
    expect(linked.attributed.conversions).toBe(1);
    expect(linked.total.conversions).toBe(4);
  });

  it('splits conversions by a property of the conversion event or the profile, top N + $others', async () => {
    const data: Dataset = {
      events: [
        // Customer 1 (device 101 merged into it): two conversions on different channels.
        ev(1, 'push_open', '2026-03-02T10:00:00Z'),
        ev(101, 'apply', '2026-03-02T11:00:00Z', { props: { channel: 'app' }, numProps: { amount: 100 } }),
        ev(1, 'banner_click', '2026-03-02T12:30:00Z'),
        ev(1, 'apply', '2026-03-02T13:00:00Z', { props: { channel: 'web' }, numProps: { amount: 50 } }),
        // Customer 2 (no profile): an app conversion without a touchpoint.
        ev(2, 'apply', '2026-03-02T09:00:00Z', { props: { channel: 'app' }, numProps: { amount: 10 } }),
        // Customer 3: a conversion without a channel, after a push.
        ev(3, 'push_open', '2026-03-02T08:00:00Z'),
        ev(3, 'apply', '2026-03-02T09:00:00Z', { numProps: { amount: 1 } }),
      ],
      overrides: [[101, 1]],
      profiles: [
        {
          personId: 1,
          bankCode: 'B001',
          branchCode: '',
          props: { level: 'gold' },
          numProps: {},
          firstSeen: 0,
          lastSeen: 0,
        },
        { personId: 3, bankCode: 'B001', branchCode: '', props: {}, numProps: {}, firstSeen: 0, lastSeen: 0 },
      ],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      ...day,
      targetEvent: { event: 'apply' },
      touchpoints: [{ event: 'push_open' }, { event: 'banner_click' }],
      lookbackDays: 1,
      valueProperty: 'amount',
      models: ['first_touch', 'last_touch'],
    };
    const top1 = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      groupBy: [{ property: 'channel' }],
      groupLimit: 1,
    });
    // The overall blocks are those of the ungrouped query.
    const plain = await stack.analyse<AttributionResult>('attribution', body);
    expect(plain.groups).toBeUndefined();
    expect([top1.total, top1.attributed, top1.unattributed, top1.touchpoints]).toEqual([
      plain.total,
      plain.attributed,
      plain.unattributed,
      plain.touchpoints,
    ]);
    expect(plain.total).toEqual({ conversions: 4, value: 161 });
    const credits = (g: GroupResult) =>
      g.touchpoints.map((t) => [t.event, t.touchedConversions, t.credits.first_touch, t.credits.last_touch]);
    // app: customer 1 at 11:00 (push only) and customer 2 (nothing).
    // $others: web (push 10:00 then banner 12:30) and the unset channel (push only).
    expect(top1.groups!.map((g) => [g.group, g.total, g.attributed, g.unattributed])).toEqual([
      [
        ['app'],
        { conversions: 2, value: 110 },
        { conversions: 1, value: 100 },
        { conversions: 1, value: 10 },
      ],
      [
        ['$others'],
        { conversions: 2, value: 51 },
        { conversions: 2, value: 51 },
        { conversions: 0, value: 0 },
      ],
    ]);
    expect(credits(top1.groups![0]!)).toEqual([
      ['push_open', 1, { conversions: 1, share: 1, value: 100 }, { conversions: 1, share: 1, value: 100 }],
    ]);
    expect(credits(top1.groups![1]!)).toEqual([
      ['push_open', 2, { conversions: 2, share: 1, value: 51 }, { conversions: 1, share: 0.5, value: 1 }],
      ['banner_click', 1, { conversions: 0, share: 0, value: 0 }, { conversions: 1, share: 0.5, value: 50 }],
    ]);
    // Every group: app 2, then the unset channel and web with 1 each (ties by value, unset first).
    const all = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      groupBy: [{ property: 'channel' }],
    });
    expect(all.groups!.map((g) => [g.group, g.total.conversions])).toEqual([
      [['app'], 2],
      [[null], 1],
      [['web'], 1],
    ]);
    // By profile: customer 1's conversions (through the merged device too) are gold; customer 2
    // has no profile and customer 3 no level: both null. Ties by value: null first.
    const byLevel = await stack.analyse<AttributionResult>('attribution', {
      ...body,
      groupBy: [{ source: 'user', property: 'level' }],
    });
    expect(byLevel.groups!.map((g) => [g.group, g.total, g.attributed.conversions])).toEqual([
      [[null], { conversions: 2, value: 11 }, 1],
      [['gold'], { conversions: 2, value: 150 }, 2],
    ]);
  });

  it('refuses a touchpoint that is the target and an unknown group-by property, naming the field', async () => {
    const appId = await stack.load(
      only([ev(1, 'apply', '2026-03-02T10:10:00Z'), ev(1, 'push_open', '2026-03-02T10:00:00Z')]),
    );
    const body = { appId, ...day, targetEvent: { event: 'apply' }, touchpoints: [{ event: 'push_open' }] };
    const same = await stack.post('attribution', { ...body, touchpoints: [{ event: 'apply' }] });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.field).toBe('touchpoints[0].event');
    const grouped = await stack.post('attribution', { ...body, groupBy: [{ property: 'no_such' }] });
    expect(grouped.statusCode).toBe(400);
    expect(grouped.json().error.field).toBe('groupBy[0].property');
    const far = await stack.post('attribution', { ...body, lookbackDays: 31 });
    expect(far.statusCode).toBe(400);
  });
});

const MODELS = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] as const;
const canonical = <T extends { touchpoint: number; splitValue: string | null }>(ts: T[]) =>
  [...ts].sort(
    (x, y) => x.touchpoint - y.touchpoint || String(x.splitValue).localeCompare(String(y.splitValue)),
  );

const arbOptions = fc.record({
  timeZone: arbZone,
  filters: arbFilters,
  targetFilters: fc.constantFrom(undefined, [{ property: 'amount', op: 'gt', values: [20] }]),
  splitView: fc.boolean(),
  withLogin: fc.boolean(),
  lookbackDays: fc.integer({ min: 1, max: 3 }),
  key: fc.boolean(),
  link: fc.boolean(),
  halfLifeDays: fc.constantFrom(0.5, 2),
  value: fc.boolean(),
  models: fc.subarray([...MODELS], { minLength: 1 }),
  grouping: arbMaybeGroupedBy,
});
type Options = typeof arbOptions extends fc.Arbitrary<infer T> ? T : never;

async function expectReference(data: Dataset, a: Options): Promise<void> {
  const appId = await stack.load(data);
  const query: RefAttributionQuery & { models: string[] } = {
    ...RANGE,
    timeZone: a.timeZone,
    filters: a.filters,
    targetEvent: a.targetFilters ? { event: 'buy', filters: a.targetFilters } : { event: 'buy' },
    touchpoints: [
      a.splitView ? { event: 'view', splitBy: 'plan' } : { event: 'view' },
      { event: 'click' },
      ...(a.withLogin ? [{ event: 'login', filters: [{ property: 'plan', op: 'eq', values: ['a'] }] }] : []),
    ],
    lookbackDays: a.lookbackDays,
    ...(a.key ? { keyEvent: { event: 'login' } } : {}),
    ...(a.link ? { linkProperty: 'plan' } : {}),
    halfLifeDays: a.halfLifeDays,
    ...(a.value ? { valueProperty: 'amount' } : {}),
    models: a.models,
    ...(a.grouping ?? {}),
  };
  const r = await stack.analyse<AttributionResult>('attribution', { appId, ...query });
  const expected = referenceAttribution(data, query);
  const pick = (b: GroupResult | RefAttributionBlock) => ({
    total: b.total,
    attributed: b.attributed,
    unattributed: b.unattributed,
    touchpoints: canonical(
      b.touchpoints.map(({ touchpoint, splitValue, touchedConversions, credits }) => ({
        touchpoint,
        splitValue,
        touchedConversions,
        credits: Object.fromEntries(
          MODELS.filter((m) => a.models.includes(m)).map((m) => [m, (credits as Record<string, Credit>)[m]]),
        ),
      })),
    ),
  });
  expect(pick(r)).toEqual(pick(expected));
  // Groups in order (top N by conversions, ties by value, $others last), same blocks.
  expect(r.groups?.map((g) => ({ group: g.group, ...pick(g) }))).toEqual(
    expected.groups?.map((g) => ({ group: g.group, ...pick(g) })),
  );
}

describe('attribution equals the reference', () => {
  it('on random data, touchpoints, windows, key events, links and zones', async () => {
    await fc.assert(fc.asyncProperty(arbBusyDataset, arbOptions, expectReference), { numRuns: 40 });
  }, 240_000);

  // Without key event, link or group-by touchpoints travel as packed numbers (packed-touches-sql.ts);
  // the run above draws that shape about once in 24.
  it('on random data without key event, link or group-by', async () => {
    const plain = arbOptions.map((a) => ({ ...a, key: false, link: false, grouping: undefined }));
    await fc.assert(fc.asyncProperty(arbBusyDataset, plain, expectReference), { numRuns: 15 });
  }, 240_000);
});
