// Interval analysis through the real API on the real ClickHouse engine: hand-written scenarios for
// the documented edge cases (quartiles, same-millisecond ends, start = end event, linking
// property, maximum interval past the range end) and a property test against the reference.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RefIntervalQuery, referenceInterval } from '../reference/interval.ts';
import { arbDataset, arbFilters, arbGroupBy, arbZone, RANGE } from '../support/arbitraries.ts';
import { type Dataset, ev } from '../support/dataset.ts';
import { type EngineStack, startEngineStack } from '../support/engine-stack.ts';

interface Stats {
  starts: number;
  count: number;
  min: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  max: number | null;
  mean: number | null;
}
interface Series {
  group: (string | null)[] | null;
  total: Stats;
  byPeriod: Stats[];
  histogram: { label: string; lower: number | null; upper: number | null; count: number }[];
}
interface IntervalResult {
  periods: string[];
  overall: Series;
  groups: Series[];
  meta: unknown;
}

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const at = (iso: string, plusSeconds = 0) => Date.parse(iso) + plusSeconds * 1000;

describe('interval scenarios', () => {
  it('gives box-plot figures per start day and a histogram; an end at the same millisecond does not count', async () => {
    const t0 = '2026-03-02T01:00:00Z'; // 09:00 on the 2nd in Shanghai
    const data: Dataset = {
      events: [
        ...[60, 120, 180, 240, 3600].flatMap((s, i) => [
          ev(i + 1, 'register', at(t0)),
          ev(i + 1, 'transfer', at(t0, s)),
        ]),
        ev(3, 'transfer', at(t0, 7200)), // only the next end counts
        ev(6, 'register', at(t0)), // never transfers
        ev(7, 'register', at('2026-03-03T02:00:00Z')),
        ev(7, 'transfer', at('2026-03-03T02:00:00Z')), // same millisecond: not after the start
        ev(7, 'transfer', at('2026-03-03T02:00:00Z', 30)),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<IntervalResult>('interval', {
      appId,
      from: '2026-03-02',
      to: '2026-03-03',
      start: { event: 'register' },
      end: { event: 'transfer' },
    });
    expect(r.periods).toEqual(['2026-03-02', '2026-03-03']);
    expect(r.overall.byPeriod[0]).toEqual({
      starts: 6,
      count: 5,
      min: 60,
      p25: 120,
      median: 180,
      p75: 240,
      max: 3600,
      mean: 840,
    });
    expect(r.overall.byPeriod[1]).toMatchObject({ starts: 1, count: 1, min: 30, max: 30 });
    expect(r.overall.total).toEqual({
      starts: 7,
      count: 6,
      min: 30,
      p25: 60,
      median: 120,
      p75: 240,
      max: 3600,
      mean: 705,
    });
    expect(r.overall.histogram.filter((b) => b.count > 0).map((b) => [b.label, b.count])).toEqual([
      ['[0,60)', 1],
      ['[60,300)', 4],
      ['[3600,10800)', 1],
    ]);
  });

  it('measures one loan application to the next when start and end are the same event', async () => {
    const t0 = '2026-03-02T01:00:00Z';
    const data: Dataset = {
      events: [
        ev(1, 'loan_apply', at(t0)),
        ev(1, 'loan_apply', at(t0, 3600)),
        ev(101, 'loan_apply', at(t0, 3 * 3600)),
      ],
      overrides: [[101, 1]], // the third application came from customer 1's phone
      profiles: [],
    };
    const appId = await stack.load(data);
    const r = await stack.analyse<IntervalResult>('interval', {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'total',
      start: { event: 'loan_apply' },
      end: { event: 'loan_apply' },
    });
    expect(r.overall.total).toMatchObject({ starts: 3, count: 2, min: 3600, max: 7200, mean: 5400 });
  });

  it('pairs start and end on an equal linking property when asked', async () => {
    const t0 = '2026-03-02T01:00:00Z';
    const data: Dataset = {
      events: [
        ev(1, 'view', at(t0), { props: { product: 'P1' } }),
        ev(1, 'view', at(t0, 60), { props: { product: 'P2' } }),
        ev(1, 'buy', at(t0, 300), { props: { product: 'P2' } }),
        ev(1, 'buy', at(t0, 600), { props: { product: 'P1' } }),
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      start: { event: 'view' },
      end: { event: 'buy' },
    };
    const plain = await stack.analyse<IntervalResult>('interval', body);
    expect(plain.overall.total).toMatchObject({ count: 2, min: 240, max: 300 });
    const linked = await stack.analyse<IntervalResult>('interval', { ...body, linkProperty: 'product' });
    expect(linked.overall.total).toMatchObject({ count: 2, min: 240, max: 600 });
  });

  it('reads end events up to the maximum interval past the range and drops longer intervals', async () => {
    const data: Dataset = {
      events: [
        ev(1, 'view', '2026-03-02T15:00:00Z'), // 23:00 on the 2nd in Shanghai
        ev(1, 'buy', '2026-03-02T17:00:00Z'), // 01:00 on the 3rd: after the range
        ev(2, 'view', '2026-03-02T02:00:00Z'),
        ev(2, 'buy', '2026-03-02T07:00:00Z'), // 5 hours later
      ],
      overrides: [],
      profiles: [],
    };
    const appId = await stack.load(data);
    const body = {
      appId,
      from: '2026-03-02',
      to: '2026-03-02',
      start: { event: 'view' },
      end: { event: 'buy' },
    };
    const capped = await stack.analyse<IntervalResult>('interval', { ...body, maxIntervalMinutes: 180 });
    expect(capped.overall.total).toMatchObject({ starts: 2, count: 1, min: 7200, max: 7200 });
    const open = await stack.analyse<IntervalResult>('interval', body);
    expect(open.overall.total).toMatchObject({ starts: 2, count: 1, min: 18000, max: 18000 });
    const bank = await stack.analyse<IntervalResult>('interval', body, stack.bank);
    expect(bank.overall.total.starts).toBe(2);
  });
});

describe('interval equals the reference', () => {
  it('on random data, events, links, maxima, histograms, filters, group-by and zones', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbDataset,
        arbZone,
        arbFilters,
        arbGroupBy,
        fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const, 'total' as const),
        fc.constantFrom('view', 'buy', '$any'),
        fc.constantFrom('view', 'buy', 'click'),
        fc.option(fc.constant('plan'), { nil: undefined }),
        fc.option(fc.constantFrom(20, 600, 3000), { nil: undefined }),
        fc.option(fc.constant([600, 3600, 86400]), { nil: undefined }),
        async (
          data,
          timeZone,
          filters,
          groupBy,
          granularity,
          start,
          end,
          linkProperty,
          maxIntervalMinutes,
          histogramSeconds,
        ) => {
          const appId = await stack.load(data);
          const query: RefIntervalQuery = {
            ...RANGE,
            timeZone,
            granularity,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            start: { event: start },
            end: { event: end },
            ...(linkProperty ? { linkProperty } : {}),
            ...(maxIntervalMinutes ? { maxIntervalMinutes } : {}),
            ...(histogramSeconds ? { histogramSeconds } : {}),
          };
          const { meta: _, ...r } = await stack.analyse<IntervalResult>('interval', { appId, ...query });
          expect(r).toEqual(referenceInterval(data, query));
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});
