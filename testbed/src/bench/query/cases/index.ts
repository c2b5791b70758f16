// Every benchmark case, one import per model file; `pnpm bench:query` runs them in this order.
import type { BenchCase } from '../bench-case.ts';
import { attributionCases } from './attribution.ts';
import { distributionCases } from './distribution.ts';
import { eventCases } from './event.ts';
import { funnelCases } from './funnel.ts';
import { intervalCases } from './interval.ts';
import { ltvCases } from './ltv.ts';
import { pathCases } from './path.ts';
import { personListCases } from './person-lists.ts';
import { retentionCases } from './retention.ts';
import { sessionCases } from './session.ts';
import { userPropertiesCases } from './user-properties.ts';

export const BENCH_CASES: readonly BenchCase[] = [
  ...eventCases,
  ...funnelCases,
  ...retentionCases,
  ...pathCases,
  ...attributionCases,
  ...ltvCases,
  ...distributionCases,
  ...intervalCases,
  ...sessionCases,
  ...userPropertiesCases,
  ...personListCases,
];
