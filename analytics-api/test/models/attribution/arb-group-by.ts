// Random group-by clauses for the attribution and path property tests, over the generated
// properties: a string event property (with unset values), a bucketed numeric event property, a
// user property (customers without a profile or without the property fall in the null group), a
// bucketed numeric user property and two properties at once; with a small group limit so
// "$others" is common.
import fc from 'fast-check';

export const arbGroupedBy = fc.record({
  groupBy: fc.constantFrom(
    [{ source: 'event' as const, property: 'plan' }],
    [{ source: 'event' as const, property: 'amount', buckets: [10, 50] }],
    [{ source: 'user' as const, property: 'level' }],
    [{ source: 'user' as const, property: 'age', buckets: [30, 60] }],
    [
      { source: 'event' as const, property: '$bank_code' },
      { source: 'user' as const, property: 'level' },
    ],
  ),
  groupLimit: fc.integer({ min: 1, max: 3 }),
});

/** No group-by (the ungrouped shape) or a random one. */
export const arbMaybeGroupedBy = fc.option(arbGroupedBy, { nil: undefined });
