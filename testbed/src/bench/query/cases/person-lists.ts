// "Show these customers": one page (100) of the customers behind a number of four of the cases
// above (a day's app-start customers, a funnel's drop-off before step 2, a cohort's day-1
// retention, a distribution bucket), on the same data; each list runs its model's per-customer
// query once more, plus a profile read for the page's login ids.
import type { BenchCase } from '../bench-case.ts';
import { distributionCases } from './distribution.ts';
import { eventCases } from './event.ts';
import { funnelCases } from './funnel.ts';
import { retentionCases } from './retention.ts';

const listOf = (base: BenchCase, selection: (from: string) => Record<string, unknown>): BenchCase => ({
  name: `${base.name}/persons`,
  model: `${base.model}/persons`,
  body: (r) => ({ ...base.body(r), ...selection(r.from), limit: 100 }),
});

export const personListCases: BenchCase[] = [
  listOf(eventCases[0]!, (from) => ({ metric: 'A', period: from })),
  listOf(funnelCases[0]!, () => ({ step: 2, status: 'dropped' })),
  listOf(retentionCases[0]!, (from) => ({ cohort: from, status: 'retained', returnPeriod: 1 })),
  listOf(distributionCases[0]!, () => ({ lower: 5, upper: 10 })),
];
