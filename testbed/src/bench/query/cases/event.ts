// Event analysis: daily unique customers of app starts and transfer amounts, by bank (top 10).
import type { BenchCase } from '../bench-case.ts';

export const eventCases: BenchCase[] = [
  {
    name: 'events',
    model: 'events',
    body: (r) => ({
      ...r,
      granularity: 'day',
      metrics: [
        { event: '$AppStart', aggregation: 'users' },
        { event: 'transfer', aggregation: 'sum', property: 'amount' },
      ],
    }),
  },
];
