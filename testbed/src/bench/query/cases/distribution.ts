// Distribution: customers by the number of distinct days they started the app over 30 days.
import type { BenchCase } from '../bench-case.ts';

export const distributionCases: BenchCase[] = [
  {
    name: 'distribution',
    model: 'distribution',
    body: (r) => ({ ...r, event: { event: '$AppStart' }, measure: 'active_days' }),
  },
];
