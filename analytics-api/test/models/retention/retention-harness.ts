// What the retention test files share: the result shape, small dataset builders, the random
// option arbitraries and a property run held to the reference retention, over the file's own
// engine stack (each test file starts one).
import fc from 'fast-check';
import { expect } from 'vitest';
import { type RefRetentionQuery, referenceRetention } from '../reference/retention.ts';
import { arbDataset, arbFilters, type arbGroupBy, arbZone, RANGE } from '../support/arbitraries.ts';
import type { Dataset } from '../support/dataset.ts';
import type { EngineStack } from '../support/engine-stack.ts';

export interface Row {
  cohort: string;
  group: (string | null)[] | null;
  size: number;
  retained: (number | null)[];
  rates: (number | null)[];
}
export interface RetentionResult {
  cohorts: Row[];
  average: Row[];
}

export const only = (events: Dataset['events'], overrides: Dataset['overrides'] = []): Dataset => ({
  events,
  overrides,
  profiles: [],
});
export const cells = (r: RetentionResult) => r.cohorts.map((c) => [c.cohort, c.size, c.retained]);

export type Selectors = Pick<RefRetentionQuery, 'initial' | 'returning'>;
export const arbInitialEvent = fc.constantFrom('view', 'login', '$any');
export const arbReturnEvent = fc.constantFrom('view', 'buy', '$any');
/** Initial and return events without filters of their own; `same`: one event for both. */
export const arbPlainSelectors = (same: fc.Arbitrary<boolean>): fc.Arbitrary<Selectors> =>
  fc
    .record({ initial: arbInitialEvent, returning: arbReturnEvent, same })
    .map((o) => ({ initial: { event: o.initial }, returning: { event: o.same ? o.initial : o.returning } }));

/** Retention runs on the engine stack `stack()` returns (the calling file's). */
export function retentionRuns(stack: () => EngineStack) {
  async function retention(data: Dataset, query: Record<string, unknown>): Promise<RetentionResult> {
    const appId = await stack().load(data);
    return stack().analyse<RetentionResult>('retention', {
      appId,
      initial: { event: 'open' },
      returning: { event: 'open' },
      periods: 3,
      ...query,
    });
  }
  /** Runs `query` (every option given) on `data` and requires the reference's cohorts. */
  async function expectReferenceCohorts(data: Dataset, query: RefRetentionQuery): Promise<void> {
    const r = await retention(data, { ...query });
    expect(r.cohorts.map(({ cohort, group, size, retained }) => ({ cohort, group, size, retained }))).toEqual(
      referenceRetention(data, query),
    );
  }
  /** A random retention property run: each option drawn from its arbitrary, held to the reference. */
  function cohortsEqualReference(run: {
    readonly selectors: fc.Arbitrary<Selectors>;
    readonly numRuns: number;
    readonly datasets?: fc.Arbitrary<Dataset>;
    readonly zones?: fc.Arbitrary<string>;
    readonly filters?: typeof arbFilters;
    readonly groupBys?: typeof arbGroupBy;
    readonly modes?: fc.Arbitrary<RefRetentionQuery['mode']>;
  }): Promise<void> {
    return fc.assert(
      fc.asyncProperty(
        run.datasets ?? arbDataset,
        run.zones ?? arbZone,
        run.filters ?? arbFilters,
        run.groupBys ?? fc.constant(undefined),
        run.selectors,
        fc.record({
          period: fc.constantFrom('day' as const, 'week' as const, 'month' as const),
          periods: fc.integer({ min: 1, max: 6 }),
          mode: run.modes ?? fc.constantFrom('recurring' as const, 'first_time' as const),
          window: fc.constantFrom('on' as const, 'on_or_after' as const),
        }),
        async (data, timeZone, filters, groupBy, selectors, options) =>
          expectReferenceCohorts(data, {
            ...RANGE,
            timeZone,
            filters,
            ...(groupBy ? { groupBy } : {}),
            groupLimit: 2,
            ...selectors,
            ...options,
          }),
      ),
      { numRuns: run.numRuns },
    );
  }
  return { retention, cohortsEqualReference };
}
