// User property analysis: customers who transferred in the 30 days, level x age band, average age.
import type { BenchCase } from '../bench-case.ts';

export const userPropertiesCases: BenchCase[] = [
  {
    name: 'user-properties',
    model: 'user-properties',
    body: (r) => ({
      ...r,
      behaviours: [{ event: { event: 'transfer' } }],
      groupBy: [
        { source: 'user', property: 'level' },
        { source: 'user', property: 'age_band' },
      ],
      measure: 'age',
    }),
  },
];
